"""status rule 2.0: flow/stock indicators, recorded expert assessments, source read dates

Revision ID: 0002
Revises: 0001
Create Date: 2026-12-01 09:00:00
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel
from alembic import op

revision: str = "0002"
down_revision: str | None = "0001"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("indicator") as b:
        b.add_column(
            sa.Column(
                "measure",
                sqlmodel.sql.sqltypes.AutoString(length=8),
                nullable=False,
                server_default="stock",
            )
        )
        b.add_column(sa.Column("window_years", sa.Integer(), nullable=True))
        b.add_column(sa.Column("stale_after_years", sa.Integer(), nullable=True))
    with op.batch_alter_table("assessment") as b:
        b.add_column(
            sa.Column(
                "assessor", sqlmodel.sql.sqltypes.AutoString(), nullable=False, server_default=""
            )
        )
        b.add_column(sa.Column("rationale", sa.Text(), nullable=False, server_default=""))
    with op.batch_alter_table("source") as b:
        b.add_column(
            sa.Column(
                "accessed", sqlmodel.sql.sqltypes.AutoString(), nullable=False, server_default=""
            )
        )
    with op.batch_alter_table("membership") as b:
        b.add_column(
            sa.Column(
                "as_of", sqlmodel.sql.sqltypes.AutoString(), nullable=False, server_default=""
            )
        )


def downgrade() -> None:
    with op.batch_alter_table("membership") as b:
        b.drop_column("as_of")
    with op.batch_alter_table("source") as b:
        b.drop_column("accessed")
    with op.batch_alter_table("assessment") as b:
        b.drop_column("rationale")
        b.drop_column("assessor")
    with op.batch_alter_table("indicator") as b:
        b.drop_column("stale_after_years")
        b.drop_column("window_years")
        b.drop_column("measure")
