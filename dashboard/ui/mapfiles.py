"""The map's parts that do not depend on the data (outlines, the labels' image) as files the
browser fetches, through Streamlit's own media endpoint, instead of inside every rerun's deck.

A deck whose layer, year or filters change then sends only its colours, points and symbols;
deck.gl keeps a layer's loaded file while its URL stays the same. The files are named by their
content (Streamlit's media ids are hashes), registered again on every run of the page that
draws the map, and dropped by Streamlit once no session shows them.
"""

from __future__ import annotations

import hashlib

from streamlit import config, runtime


def publish(content: bytes, mime: str, key: str) -> str | None:
    """A URL of ``content`` for this session's browser, or None (send it inline) when there
    is no Streamlit runtime (the map drawn outside a running app)."""
    if not runtime.exists():
        return None
    digest = hashlib.sha1(content).hexdigest()[:16]
    url = runtime.get_instance().media_file_mgr.add(content, mime, f"rtop-{key}-{digest}")
    base = str(config.get_option("server.baseUrlPath") or "").strip("/")
    return f"/{base}{url}" if base else url
