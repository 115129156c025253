"""sign-in attempts kept in the database (issue 20 item 4): every app process slows guessing
down by user name and client address together, and admins can read the failures

Revision ID: 0009
Revises: 0008
Create Date: 2026-12-07 17:20:00
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel
from alembic import op

revision: str = "0009"
down_revision: str | None = "0008"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

S = sqlmodel.sql.sqltypes.AutoString


def upgrade() -> None:
    op.create_table(
        "sign_in_attempt",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("username", S(length=64), nullable=False),
        sa.Column("client", S(length=64), nullable=False),
        sa.Column("at", sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
        sa.Column("ok", sa.Boolean(), nullable=False),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index("ix_sign_in_attempt_user_at", "sign_in_attempt", ["username", "at"])
    op.create_index("ix_sign_in_attempt_client_at", "sign_in_attempt", ["client", "at"])


def downgrade() -> None:
    op.drop_index("ix_sign_in_attempt_client_at", table_name="sign_in_attempt")
    op.drop_index("ix_sign_in_attempt_user_at", table_name="sign_in_attempt")
    op.drop_table("sign_in_attempt")
