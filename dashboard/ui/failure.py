"""An uncaught error while a page runs: a plain message on the page, the details only in the
server's log (never Streamlit's error box, whose 'Ask Google' and 'Ask ChatGPT' links leave the
machine; .streamlit/config.toml turns those links and the details off as well)."""

from __future__ import annotations

import secrets
from collections.abc import Iterator
from contextlib import contextmanager

import streamlit as st
from streamlit.logger import get_logger

MESSAGE = (
    "This page could not be shown: something went wrong on the server. The details are in "
    "the server's log under reference {reference}. Try again, or open another page."
)


@contextmanager
def shown_plainly() -> Iterator[None]:
    """Run a script run's pages inside it: an exception (not Streamlit's own stop or rerun,
    which are no Exception) is logged with a short reference and told on the page by it."""
    try:
        yield
    except Exception:
        reference = secrets.token_hex(4)
        get_logger(__name__).exception("a page failed (reference %s)", reference)
        st.error(MESSAGE.format(reference=reference), icon=":material/error:")
