"""stale evidence (status rule 2.1): a cell's stale-only indicators and its last known status

read_cell_year.n_stale counts the indicators whose only evidence is stale; last_known holds
the status that stale evidence gave when the cell's result is "stale evidence" (no current
status). The read model is rebuilt by `rtop init` (its key names the rule version).

Revision ID: 0006
Revises: 0005
Create Date: 2026-12-07 16:30:00
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0006"
down_revision: str | None = "0005"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("read_cell_year") as batch:
        batch.add_column(sa.Column("n_stale", sa.Integer(), nullable=False, server_default="0"))
        batch.add_column(sa.Column("last_known", sa.Float(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("read_cell_year") as batch:
        batch.drop_column("last_known")
        batch.drop_column("n_stale")
