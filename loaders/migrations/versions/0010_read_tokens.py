"""read tokens for the open-data routes (issue 21): stored hashed, with their use

Revision ID: 0010
Revises: 0009
Create Date: 2026-12-07 17:40:00
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel
from alembic import op

revision: str = "0010"
down_revision: str | None = "0009"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

S = sqlmodel.sql.sqltypes.AutoString
T = sqlmodel.sql.sqltypes.UTCDateTime


def upgrade() -> None:
    op.create_table(
        "read_token",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("name", S(length=64), nullable=False),
        sa.Column("token_hash", S(length=64), nullable=False),
        sa.Column("created_at", T(), nullable=False),
        sa.Column("created_by", S(length=120), nullable=False),
        sa.Column("revoked_at", T(), nullable=True),
        sa.Column("last_used_at", T(), nullable=True),
        sa.Column("uses", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("token_hash"),
    )
    op.create_index("ix_read_token_name", "read_token", ["name"])


def downgrade() -> None:
    op.drop_index("ix_read_token_name", table_name="read_token")
    op.drop_table("read_token")
