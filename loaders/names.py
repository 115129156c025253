"""A file's name as the app and `rtop` show it: the client's text, cleaned.

A browser (or a forged request) chooses an upload's name: it may hold a right-to-left override
that shows the name reversed, markup, a path, or hundreds of characters. The load-run log
keeps a cleaned display name by the rules file contents follow (no control, bidirectional or
other invisible characters; bounded length), with no markup either, and keeps the client's
original only as data (load_run.original_name).
"""

from __future__ import annotations

import re
import unicodedata

MAX_NAME_CHARS = 120  # a file name as shown (its extension is kept when it is cut)
MAX_PATH_CHARS = 255  # a path as the command line gives it (its end is kept)
MAX_ORIGINAL_BYTES = 4096  # the original kept as data
UNNAMED = "unnamed file"
SHOWN_FOR = "\ufffd"  # what a removed character shows as (no Markdown meaning, unlike _ or -)
# Unicode categories nobody sees: controls, format characters (bidirectional controls,
# zero-width ones), surrogates, private use, unassigned, line and paragraph separators.
_HIDDEN = {"Cc", "Cf", "Cs", "Co", "Cn", "Zl", "Zp"}
# Markup (HTML, Markdown, Streamlit's :colour[...] and $math$) and what no file system allows.
_MARKUP = re.compile(r'[<>\[\]{}`|*$":?\\]')


def _clean_text(text: str) -> str:
    text = re.sub(r"\s+", " ", unicodedata.normalize("NFC", text))  # tabs, line breaks
    text = "".join("\0" if unicodedata.category(c) in _HIDDEN else c for c in text)
    text = re.sub("\0+", SHOWN_FOR, _MARKUP.sub(SHOWN_FOR, text)).strip()
    return re.sub(r"^#+", SHOWN_FOR, text)  # a leading # would make a heading of a message


def _cut(name: str) -> str:
    if len(name) <= MAX_NAME_CHARS:
        return name
    stem, dot, suffix = name.rpartition(".")
    ext = f".{suffix}" if dot and stem and len(suffix) <= 10 else ""
    return name[: MAX_NAME_CHARS - len(ext) - 1].rstrip() + "…" + ext


def display_name(name: str, *, base_only: bool = False) -> str:
    """The name to show and record for a file called ``name``: with ``base_only`` (a browser's
    upload) its last part only, else the path as given; cleaned, bounded, never empty."""
    if base_only:
        parts = [p for p in re.split(r"[/\\]", name) if p.strip()]
        return _cut(_clean_text(parts[-1] if parts else "")) or UNNAMED
    folders, slash, last = _clean_text(name.replace("\\", "/")).rpartition("/")
    text = folders + slash + _cut(last)
    if len(text) > MAX_PATH_CHARS:
        text = "…" + text[-(MAX_PATH_CHARS - 1) :]
    return text or UNNAMED


def original_bytes(name: str) -> bytes:
    """The client's name as data: its UTF-8 bytes (a command-line path's undecodable bytes
    and a lone surrogate included), at most MAX_ORIGINAL_BYTES."""
    try:
        raw = name.encode("utf-8", "surrogateescape")
    except UnicodeEncodeError:
        raw = name.encode("utf-8", "surrogatepass")
    return raw[:MAX_ORIGINAL_BYTES]
