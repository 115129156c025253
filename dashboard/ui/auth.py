"""Who is using the app: an identity-provider user (st.login), a local account, or a guest.

- OpenID Connect, when ``[auth]`` is configured in .streamlit/secrets.toml: Streamlit's own
  st.login / st.user / st.logout; the role comes from the account with the same e-mail
  (unknown e-mail: viewer).
- Local accounts (python -m loaders users add): the sign-in page checks the password; the
  user name is kept in this browser session's state (a page reload signs out).
- Guests are viewers; RTOP_REQUIRE_LOGIN=1 shows them only the sign-in page. A fresh install
  with no account at all and no identity provider lets a browser on the server's own machine
  act as admin (dashboard.core.roles.open_install), so `make run` stays usable on one laptop;
  "on this machine" is read from each session's own connection, never from the address the
  server listens on, so a server on every address still gives strangers a viewer's role.

The role is read from the database on every run, so a change of role or a removed account
takes effect at the next click. Writes check it again on the server (require_role).
"""

from __future__ import annotations

import importlib.util
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

import streamlit as st
from streamlit.navigation.page import StreamlitPage

from dashboard.core import roles
from dashboard.core.config import get_settings
from dashboard.serving import uploads
from dashboard.ui.cache import engine

LOCAL_KEY = "_auth_local_user"  # holds a LocalSignIn, which no browser message can make


@dataclass(frozen=True)
class LocalSignIn:
    """A local account this session signed in as (a password was checked on the server).

    A browser can send a widget state under any id, LOCAL_KEY included, but only with a
    protobuf value (a string, a number...): never an instance of this class."""

    username: str


def _local_sign_in() -> str | None:
    """The username this session signed in as, or None (a value that is not a LocalSignIn,
    e.g. a forged widget state under LOCAL_KEY, signs nobody in)."""
    try:
        found = st.session_state.get(LOCAL_KEY)
    except Exception:  # noqa: BLE001 - a forged widget state Streamlit cannot read back
        return None
    return found.username if isinstance(found, LocalSignIn) else None


@dataclass(frozen=True)
class Identity:
    """The person behind this session and their role."""

    username: str  # account name (local), e-mail (identity provider), "" for a guest
    display: str
    role: str
    via: str  # "oidc" | "local" | "anonymous"
    scope: frozenset[str] = frozenset()  # a contributor's participants (issue 18)

    @property
    def signed_in(self) -> bool:
        return self.via != "anonymous"


class Forbidden(Exception):
    """A write was asked for by someone whose role does not allow it."""


def _auth_section() -> Mapping[str, Any]:
    try:
        section = st.secrets.get("auth")
    except Exception:  # noqa: BLE001 - no secrets file at all is the default
        return {}
    return section if isinstance(section, Mapping) else {}


def oidc_providers() -> list[str | None]:
    """The identity providers configured in secrets.toml: None for the unnamed [auth] one,
    a name for each [auth.NAME] section; [] when there is no [auth] section."""
    section = _auth_section()
    found: list[str | None] = [None] if section.get("client_id") else []
    found += [k for k, v in section.items() if isinstance(v, Mapping) and v.get("client_id")]
    return found


def oidc_ready() -> bool:
    """The identity provider can be used: configured, and Authlib (streamlit[auth]) installed."""
    return bool(oidc_providers()) and all(
        importlib.util.find_spec(m) is not None for m in ("authlib", "httpx")
    )


def _oidc_user() -> Mapping[str, Any] | None:
    if not oidc_providers():
        return None
    try:
        logged_in = bool(st.user.get("is_logged_in"))
    except Exception:  # noqa: BLE001 - st.user outside a configured runtime
        return None
    return dict(st.user) if logged_in else None


def _any_accounts() -> bool:
    try:
        return roles.any_accounts(engine=engine())
    except Exception:  # noqa: BLE001 - an unreachable database: the page says so (require_data)
        return False


@dataclass(frozen=True)
class Connection:
    """Where this session's browser connects from (read from the websocket's own socket)."""

    in_process: bool  # no server runtime at all (AppTest): nobody can reach it over a network
    peer: str | None  # the TCP peer's address, as the server saw it
    headers: tuple[str, ...]  # names of the handshake's headers (a proxy adds its own)

    @property
    def local(self) -> bool:
        return roles.client_is_local(
            in_process=self.in_process, peer=self.peer, headers=self.headers
        )


def connection() -> Connection:
    """This session's connection: the raw peer address of its websocket, not
    st.context.ip_address (which reads loopback and "unknown" alike as None)."""
    from streamlit import runtime  # noqa: PLC0415
    from streamlit.runtime.scriptrunner import get_script_run_ctx  # noqa: PLC0415

    # No server: no runtime, or AppTest's stand-in for one (a mock, never the Runtime class
    # itself, which every real server runs). Nothing a browser sends can change either.
    if not runtime.exists() or type(runtime.get_instance()) is not runtime.Runtime:
        return Connection(in_process=True, peer=None, headers=())
    ctx = get_script_run_ctx()
    client = runtime.get_instance().get_client(ctx.session_id) if ctx is not None else None
    context = getattr(client, "client_context", None) if client is not None else None
    if context is None:
        return Connection(in_process=False, peer=None, headers=())
    peer = context.remote_ip
    return Connection(
        in_process=False,
        peer=peer if isinstance(peer, str) else None,
        headers=tuple(str(name) for name, _ in context.headers),
    )


_DEMOTED: set[str] = set()  # peers already named in the server log (once each per process)


def open_install() -> bool:
    """No account, no identity provider, login not required, and a browser on this machine:
    act as admin. A visitor from elsewhere on such an install is a viewer, and the server's
    log says why (once per address)."""
    unguarded = roles.open_install(
        any_accounts=_any_accounts(),
        oidc=bool(oidc_providers()),
        require_login=get_settings().require_login,
        local=True,
    )
    if not unguarded:
        return False
    where = connection()
    if where.local:
        return True
    peer = roles.plain_address(where.peer) if where.peer else "an unknown address"
    if peer not in _DEMOTED:
        from streamlit.logger import get_logger  # noqa: PLC0415

        _DEMOTED.add(peer)
        get_logger(__name__).warning(
            "A visitor from %s is a viewer: this install has no accounts yet, and only a browser "
            "on this machine may load data. Add an admin with `rtop users add NAME --role admin`.",
            peer,
        )
    return False


def open_install_elsewhere() -> bool:
    """True for a visitor from another machine on an install with no accounts yet (what the
    sidebar tells them: why they are a viewer)."""
    return (
        not _any_accounts()
        and not oidc_providers()
        and not get_settings().require_login
        and not connection().local
    )


def current_identity() -> Identity:
    """The identity of this session now (read afresh: roles can change between runs), and
    with it whether this session may upload files (dashboard/serving/uploads.py: the server
    refuses uploads from a session whose last run found a viewer or guest)."""
    identity = _identity()
    record_upload_right(identity)
    return identity


def may_upload(identity: Identity) -> bool:
    """True when this identity may send files to the server: an editor or above (Load data),
    or a contributor (Submit evidence). Viewers and guests may not."""
    return roles.allows(role=identity.role, needed="contributor")


def record_upload_right(identity: Identity) -> None:
    """Tell the upload guard what this session may do (by its id, on the server only)."""
    from streamlit.runtime.scriptrunner import get_script_run_ctx  # noqa: PLC0415

    ctx = get_script_run_ctx()
    if ctx is not None:
        uploads.RIGHTS.record(session_id=ctx.session_id, may_upload=may_upload(identity))


def _identity() -> Identity:
    """Who this session is: the identity provider's user, a local account, or a guest."""
    claims = _oidc_user()
    if claims is not None:
        email = str(claims.get("email") or "")
        verified = claims.get("email_verified") is not False  # absent counts as verified
        try:
            role = roles.role_for_email(engine=engine(), email=email) if verified else None
        except Exception:  # noqa: BLE001 - an unreachable database: a viewer this run
            role = None
        name = str(claims.get("name") or email or claims.get("sub") or "signed-in user")
        scope = roles.scope_of(engine=engine(), email=email) if role == "contributor" else None
        return Identity(
            username=email or str(claims.get("sub") or ""),
            display=name,
            role=role or "viewer",
            via="oidc",
            scope=scope or frozenset(),
        )
    local = _local_sign_in()
    if local:
        try:
            user = roles.find_user(engine=engine(), username=local)
        except Exception:  # noqa: BLE001 - an unreachable database: a viewer this run
            return Identity(username="", display="Guest", role="viewer", via="anonymous")
        if user is not None and user.active and user.password_hash:
            return Identity(
                username=user.username,
                display=user.display_name or user.username,
                role=user.role,
                via="local",
                scope=frozenset(p for p in (user.participants or "").split(";") if p),
            )
        st.session_state.pop(LOCAL_KEY, None)  # removed or deactivated since: signed out
    return Identity(
        username="", display="Guest", role="admin" if open_install() else "viewer", via="anonymous"
    )


def allows(identity: Identity, needed: str) -> bool:
    """True when the identity's role is ``needed`` or above."""
    return roles.allows(role=identity.role, needed=needed)


def require_role(needed: str, *, doing: str = "This") -> Identity:
    """The current identity, or Forbidden with a message saying what role is needed."""
    identity = current_identity()
    if allows(identity, needed):
        return identity
    who = (
        f"you are signed in as {identity.display} ({identity.role})"
        if identity.signed_in
        else "you are not signed in (guests are viewers)"
    )
    raise Forbidden(f"{doing} needs the {needed} role or above: {who}.")


def login_wall(identity: Identity) -> bool:
    """True when this visitor must sign in before seeing anything (RTOP_REQUIRE_LOGIN=1)."""
    return get_settings().require_login and not identity.signed_in


def sign_in_offered() -> bool:
    """True when there is some way to sign in (an account exists, or a provider)."""
    return bool(oidc_providers()) or _any_accounts()


def remember_local(*, username: str) -> None:
    """Keep a verified local account as this session's identity."""
    st.session_state[LOCAL_KEY] = LocalSignIn(username=username)


def sign_out() -> None:
    """Forget the local account; end an identity-provider session (st.logout)."""
    st.session_state.pop(LOCAL_KEY, None)
    if _oidc_user() is not None:
        st.logout()


def oidc_sign_in(provider: str | None = None) -> None:
    """Start the identity provider's sign-in (st.login), for a button's on_click."""
    if provider is None:
        st.login()
    else:
        st.login(provider)


def _plain(text: str) -> str:
    """Text from the database shown in Markdown, with Markdown's special characters escaped."""
    return "".join("\\" + c if c in "\\`*_{}[]()#+-.!<>|~" else c for c in text)


def identity_sidebar(identity: Identity, *, sign_in_page: StreamlitPage) -> None:
    """Who is signed in and their role, with a sign-out button (which lands on the sign-in
    page: the page one was on may be one the next role cannot open); or how to sign in."""
    with st.sidebar:
        st.divider()
        if identity.signed_in:
            st.caption(f"Signed in as **{_plain(identity.display)}** · role: {identity.role}")
            if st.button("Sign out", key="auth_sign_out"):
                sign_out()
                st.switch_page(sign_in_page)
        elif identity.role == "admin":
            st.caption(
                "No accounts yet: from this machine you may load data; visitors from other "
                "machines are viewers. Add accounts with `rtop users add NAME --role admin`."
            )
        elif open_install_elsewhere():
            st.caption(
                "Viewing as a guest (viewer). This install has no accounts yet: only a browser "
                "on the server's own machine may load data."
            )
        else:
            st.caption("Viewing as a guest (viewer). *Sign in* to load or review data.")
