"""upload names: a cleaned display name, the client's original kept as data

load_run.file_name becomes the name the app and `rtop` show (no control or bidirectional
characters, no markup, bounded length); load_run.original_name keeps the name the client gave
(bytes, never shown) when it differed. Names already stored are cleaned the same way.

Revision ID: 0008
Revises: 0007
Create Date: 2026-12-07 17:30:00
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0008"
down_revision: str | None = "0007"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

# The rules of loaders/names.py as they were at this revision (a migration does not change
# with the code after it): folders are kept, since a stored name does not say whether it came
# from a browser.
_HIDDEN = {"Cc", "Cf", "Cs", "Co", "Cn", "Zl", "Zp"}
_MARKUP = re.compile(r'[<>\[\]{}`|*$":?\\]')


def _clean(name: str) -> str:
    text = re.sub(r"\s+", " ", unicodedata.normalize("NFC", name))
    text = "".join("\0" if unicodedata.category(c) in _HIDDEN else c for c in text)
    text = re.sub("\0+", "\ufffd", _MARKUP.sub("\ufffd", text)).strip()
    text = re.sub(r"^#+", "\ufffd", text)
    if len(text) > 255:
        text = "…" + text[-254:]
    return text or "unnamed file"


def _bytes(name: str) -> bytes:
    try:
        return name.encode("utf-8", "surrogateescape")
    except UnicodeEncodeError:
        return name.encode("utf-8", "surrogatepass")


def upgrade() -> None:
    with op.batch_alter_table("load_run") as batch:
        batch.add_column(sa.Column("original_name", sa.LargeBinary(), nullable=True))
    runs = sa.table(
        "load_run",
        sa.column("id", sa.Integer()),
        sa.column("file_name", sa.String()),
        sa.column("original_name", sa.LargeBinary()),
    )
    conn = op.get_bind()
    for run_id, name in conn.execute(sa.select(runs.c.id, runs.c.file_name)).all():
        cleaned = _clean(name or "")
        if cleaned != name:
            conn.execute(
                sa.update(runs)
                .where(runs.c.id == run_id)
                .values(file_name=cleaned, original_name=_bytes(name or ""))
            )


def downgrade() -> None:
    # Not in batch mode: SQLite (3.35+) drops the column in place, where a batch would copy
    # load_run, which the data's foreign keys refer to.
    op.drop_column("load_run", "original_name")
