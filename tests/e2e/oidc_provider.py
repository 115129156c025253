"""A minimal OpenID Connect provider for tests, served on localhost by a thread (no network).

Authorization code flow with PKCE (S256) and RS256-signed ID tokens, as a real provider does
it: discovery (/.well-known/openid-configuration), /authorize (approves at once, as the user
the test chose, and redirects back with a one-time code), /token (checks the client's secret,
the code, the redirect URI and the PKCE verifier; returns an access token and an ID token
carrying the nonce), /jwks (the public key) and /userinfo. The RSA key is made per provider.
"""

from __future__ import annotations

import base64
import hashlib
import json
import secrets
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qs, urlencode, urlsplit

from joserfc import jwt
from joserfc.jwk import RSAKey


@dataclass
class Grant:
    """What one /authorize approved, for the /token request that redeems its code."""

    client_id: str
    redirect_uri: str
    nonce: str | None
    challenge: str | None
    user: dict[str, Any]


@dataclass
class Provider:
    """The provider's settings, its key, the user it signs in next, and what it was asked."""

    client_id: str
    client_secret: str
    redirect_uri: str
    issuer: str = ""
    user: dict[str, Any] = field(default_factory=dict)
    key: RSAKey = field(default_factory=lambda: RSAKey.generate_key(2048, parameters={"kid": "k1"}))
    grants: dict[str, Grant] = field(default_factory=dict)
    tokens: dict[str, dict[str, Any]] = field(default_factory=dict)
    calls: list[str] = field(default_factory=list)  # "GET /authorize", "POST /token 200", ...
    lock: threading.Lock = field(default_factory=threading.Lock)

    @property
    def metadata_url(self) -> str:
        return f"{self.issuer}/.well-known/openid-configuration"

    def metadata(self) -> dict[str, Any]:
        return {
            "issuer": self.issuer,
            "authorization_endpoint": f"{self.issuer}/authorize",
            "token_endpoint": f"{self.issuer}/token",
            "jwks_uri": f"{self.issuer}/jwks",
            "userinfo_endpoint": f"{self.issuer}/userinfo",
            "response_types_supported": ["code"],
            "subject_types_supported": ["public"],
            "id_token_signing_alg_values_supported": ["RS256"],
            "scopes_supported": ["openid", "email", "profile"],
            "token_endpoint_auth_methods_supported": ["client_secret_basic", "client_secret_post"],
            "code_challenge_methods_supported": ["S256"],
            "grant_types_supported": ["authorization_code"],
        }

    def id_token(self, grant: Grant) -> str:
        now = int(time.time())
        claims = {
            "iss": self.issuer,
            "aud": grant.client_id,
            "iat": now,
            "exp": now + 300,
            "auth_time": now,
            **grant.user,
        }
        if grant.nonce is not None:
            claims["nonce"] = grant.nonce
        return jwt.encode({"alg": "RS256", "kid": "k1"}, claims, self.key)


def _s256(verifier: str) -> str:
    digest = hashlib.sha256(verifier.encode("ascii")).digest()
    return base64.urlsafe_b64encode(digest).rstrip(b"=").decode("ascii")


def _handler(provider: Provider) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        def log_message(self, format: str, *args: Any) -> None:  # noqa: A002 - quiet
            pass

        def _json(self, status: int, body: dict[str, Any]) -> None:
            data = json.dumps(body).encode()
            self.send_response(status)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(data)))
            self.send_header("Cache-Control", "no-store")
            self.end_headers()
            self.wfile.write(data)
            with provider.lock:
                provider.calls.append(f"{self.command} {urlsplit(self.path).path} {status}")

        def do_GET(self) -> None:  # noqa: N802 - http.server's name
            parts = urlsplit(self.path)
            query = {k: v[0] for k, v in parse_qs(parts.query).items()}
            if parts.path == "/.well-known/openid-configuration":
                self._json(200, provider.metadata())
            elif parts.path == "/jwks":
                self._json(200, {"keys": [provider.key.as_dict(private=False)]})
            elif parts.path == "/authorize":
                self._authorize(query)
            elif parts.path == "/userinfo":
                auth = self.headers.get("Authorization", "")
                found = provider.tokens.get(auth.removeprefix("Bearer "))
                self._json(200, found) if found else self._json(401, {"error": "invalid_token"})
            else:
                self._json(404, {"error": "not_found"})

        def _authorize(self, query: dict[str, str]) -> None:
            if query.get("client_id") != provider.client_id:
                self._json(400, {"error": "unauthorized_client"})
                return
            if query.get("redirect_uri") != provider.redirect_uri:
                self._json(400, {"error": "invalid_request", "error_description": "redirect_uri"})
                return
            if query.get("response_type") != "code" or "openid" not in query.get("scope", ""):
                self._json(400, {"error": "invalid_request"})
                return
            challenge = query.get("code_challenge")
            if challenge is not None and query.get("code_challenge_method") != "S256":
                self._json(400, {"error": "invalid_request", "error_description": "PKCE"})
                return
            code = secrets.token_urlsafe(24)
            with provider.lock:
                provider.grants[code] = Grant(
                    client_id=provider.client_id,
                    redirect_uri=provider.redirect_uri,
                    nonce=query.get("nonce"),
                    challenge=challenge,
                    user=dict(provider.user),
                )
                provider.calls.append("GET /authorize 302")
            back = {"code": code}
            if "state" in query:
                back["state"] = query["state"]
            self.send_response(302)
            self.send_header("Location", f"{provider.redirect_uri}?{urlencode(back)}")
            self.send_header("Content-Length", "0")
            self.end_headers()

        def do_POST(self) -> None:  # noqa: N802 - http.server's name
            if urlsplit(self.path).path != "/token":
                self._json(404, {"error": "not_found"})
                return
            length = int(self.headers.get("Content-Length") or 0)
            form = {k: v[0] for k, v in parse_qs(self.rfile.read(length).decode()).items()}
            client_id, client_secret = form.get("client_id"), form.get("client_secret")
            basic = self.headers.get("Authorization", "")
            if basic.startswith("Basic "):
                pair = base64.b64decode(basic.removeprefix("Basic ")).decode()
                client_id, _, client_secret = pair.partition(":")
            if (client_id, client_secret) != (provider.client_id, provider.client_secret):
                self._json(401, {"error": "invalid_client"})
                return
            with provider.lock:
                grant = provider.grants.pop(form.get("code", ""), None)  # a code works once
            if form.get("grant_type") != "authorization_code" or grant is None:
                self._json(400, {"error": "invalid_grant"})
                return
            if form.get("redirect_uri") != grant.redirect_uri:
                self._json(400, {"error": "invalid_grant", "error_description": "redirect_uri"})
                return
            if (
                grant.challenge is not None
                and _s256(form.get("code_verifier", "")) != grant.challenge
            ):
                self._json(400, {"error": "invalid_grant", "error_description": "PKCE"})
                return
            access = secrets.token_urlsafe(24)
            with provider.lock:
                provider.tokens[access] = dict(grant.user)
            self._json(
                200,
                {
                    "access_token": access,
                    "token_type": "Bearer",
                    "expires_in": 300,
                    "scope": "openid email profile",
                    "id_token": provider.id_token(grant),
                },
            )

    return Handler


@contextmanager
def serve(*, client_id: str, client_secret: str, redirect_uri: str) -> Iterator[Provider]:
    """Run a provider on a free localhost port in a thread; stop it on exit."""
    provider = Provider(client_id=client_id, client_secret=client_secret, redirect_uri=redirect_uri)
    server = ThreadingHTTPServer(("127.0.0.1", 0), _handler(provider))
    server.daemon_threads = True
    provider.issuer = f"http://127.0.0.1:{server.server_address[1]}"
    thread = threading.Thread(target=server.serve_forever, name="oidc-provider", daemon=True)
    thread.start()
    try:
        yield provider
    finally:
        server.shutdown()
        server.server_close()
        thread.join(timeout=10)
