"""stewardship: change history, review of pending loads, accounts and roles

Revision ID: 0004
Revises: 0003
Create Date: 2026-12-01 12:10:00
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel
from alembic import op

revision: str = "0004"
down_revision: str | None = "0003"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

S = sqlmodel.sql.sqltypes.AutoString


def upgrade() -> None:
    with op.batch_alter_table("load_run") as batch:
        batch.add_column(
            sa.Column("review_state", S(length=16), nullable=False, server_default="published")
        )
        batch.add_column(sa.Column("reviewed_by", S(), nullable=False, server_default=""))
        batch.add_column(
            sa.Column("reviewed_at", sqlmodel.sql.sqltypes.UTCDateTime(), nullable=True)
        )
        batch.add_column(sa.Column("review_comment", sa.Text(), nullable=False, server_default=""))
        batch.add_column(sa.Column("undoes_run_id", sa.Integer(), nullable=True))
        batch.add_column(sa.Column("undone_by_run_id", sa.Integer(), nullable=True))
        batch.create_index("ix_load_run_review_state", ["review_state"])
    op.create_table(
        "data_change",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("load_run_id", sa.Integer(), nullable=False),
        sa.Column("entity", S(length=16), nullable=False),
        sa.Column("op", S(length=8), nullable=False),
        sa.Column("row_id", sa.Integer(), nullable=False),
        sa.Column("row_key", sa.Text(), nullable=False),
        sa.Column("participant_code", S(length=8), nullable=True),
        sa.Column("code", S(length=32), nullable=True),
        sa.Column("date", sa.Date(), nullable=True),
        sa.Column("before", sa.Text(), nullable=True),
        sa.Column("after", sa.Text(), nullable=True),
        sa.ForeignKeyConstraint(["load_run_id"], ["load_run.id"]),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index("ix_data_change_load_run_id", "data_change", ["load_run_id"])
    op.create_index("ix_data_change_key", "data_change", ["entity", "row_key"])
    op.create_index("ix_data_change_participant", "data_change", ["participant_code"])
    op.create_table(
        "pending_file",
        sa.Column("load_run_id", sa.Integer(), nullable=False),
        sa.Column("data", sa.LargeBinary(), nullable=False),
        sa.ForeignKeyConstraint(["load_run_id"], ["load_run.id"]),
        sa.PrimaryKeyConstraint("load_run_id"),
    )
    op.create_table(
        "app_user",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("username", S(length=64), nullable=False),
        sa.Column("email", S(length=254), nullable=False),
        sa.Column("display_name", S(), nullable=False),
        sa.Column("role", S(length=16), nullable=False),
        sa.Column("password_hash", S(), nullable=False),
        sa.Column("active", sa.Boolean(), nullable=False),
        sa.Column("created_at", sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("username"),
    )
    op.create_index("ix_app_user_email", "app_user", ["email"])


def downgrade() -> None:
    op.drop_index("ix_app_user_email", table_name="app_user")
    op.drop_table("app_user")
    op.drop_table("pending_file")
    op.drop_index("ix_data_change_participant", table_name="data_change")
    op.drop_index("ix_data_change_key", table_name="data_change")
    op.drop_index("ix_data_change_load_run_id", table_name="data_change")
    op.drop_table("data_change")
    with op.batch_alter_table("load_run") as batch:
        batch.drop_index("ix_load_run_review_state")
        for column in (
            "undone_by_run_id",
            "undoes_run_id",
            "review_comment",
            "reviewed_at",
            "reviewed_by",
            "review_state",
        ):
            batch.drop_column(column)
