"""read model: yearly indicator and cell panels the loaders keep current, and their build key

Revision ID: 0003
Revises: 0002
Create Date: 2026-12-01 10:00:00
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel
from alembic import op

revision: str = "0003"
down_revision: str | None = "0002"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

S = sqlmodel.sql.sqltypes.AutoString


def upgrade() -> None:
    op.create_table(
        "read_indicator_year",
        sa.Column("sample", sa.Boolean(), nullable=False),
        sa.Column("participant_code", S(length=8), nullable=False),
        sa.Column("indicator_code", S(length=32), nullable=False),
        sa.Column("year", sa.Integer(), nullable=False),
        sa.Column("recommendation", S(length=32), nullable=False),
        sa.Column("date", sa.Date(), nullable=False),
        sa.Column("value", sa.Float(), nullable=False),
        sa.Column("synthetic", sa.Boolean(), nullable=False),
        sa.Column("source", sa.Text(), nullable=False),
        sa.Column("age", sa.Integer(), nullable=False),
        sa.Column("stale", sa.Boolean(), nullable=False),
        sa.Column("ind_status", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("sample", "participant_code", "indicator_code", "year"),
    )
    op.create_index(
        "ix_read_indicator_scope",
        "read_indicator_year",
        ["sample", "participant_code", "recommendation"],
    )
    op.create_index("ix_read_indicator_year", "read_indicator_year", ["sample", "year"])
    op.create_table(
        "read_cell_year",
        sa.Column("sample", sa.Boolean(), nullable=False),
        sa.Column("participant_code", S(length=8), nullable=False),
        sa.Column("recommendation", S(length=32), nullable=False),
        sa.Column("year", sa.Integer(), nullable=False),
        sa.Column("result", S(length=24), nullable=False),
        sa.Column("status", sa.Float(), nullable=True),
        sa.Column("basis", S(length=16), nullable=False),
        sa.Column("computed_status", sa.Float(), nullable=True),
        sa.Column("computed_result", S(length=24), nullable=False),
        sa.Column("last_date", sa.Date(), nullable=True),
        sa.Column("n_indicators", sa.Integer(), nullable=False),
        sa.Column("n_expected", sa.Integer(), nullable=False),
        sa.Column("coverage", sa.Float(), nullable=False),
        sa.Column("stale", sa.Boolean(), nullable=False),
        sa.Column("synthetic", sa.Boolean(), nullable=False),
        sa.Column("sources", sa.Text(), nullable=False),
        sa.Column("assessor", sa.Text(), nullable=False),
        sa.Column("rationale", sa.Text(), nullable=False),
        sa.PrimaryKeyConstraint("sample", "participant_code", "recommendation", "year"),
    )
    op.create_table(
        "read_model_state",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("key", S(length=64), nullable=False),
        sa.Column("rule_version", S(length=16), nullable=False),
        sa.Column("first_year", sa.Integer(), nullable=False),
        sa.Column("last_year", sa.Integer(), nullable=False),
        sa.Column("built_at", sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
        sa.Column("refreshed_at", sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
        sa.PrimaryKeyConstraint("id"),
    )


def downgrade() -> None:
    op.drop_table("read_model_state")
    op.drop_index("ix_read_indicator_year", table_name="read_indicator_year")
    op.drop_index("ix_read_indicator_scope", table_name="read_indicator_year")
    op.drop_table("read_indicator_year")
    op.drop_table("read_cell_year")
