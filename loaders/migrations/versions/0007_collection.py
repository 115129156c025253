"""collection cycle: contributors' scope, submission owners, rounds and focal contacts

app_user.participants holds a contributor's scope; load_run.owners whose rows a run holds and
review_opened_by/at when a reviewer first opened a pending run (a collection round's "in
review"); collection_round and participant_contact are new.

Revision ID: 0007
Revises: 0006
Create Date: 2026-12-07 16:40:00
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel
from alembic import op

revision: str = "0007"
down_revision: str | None = "0006"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

S = sqlmodel.sql.sqltypes.AutoString
T = sqlmodel.sql.sqltypes.UTCDateTime


def upgrade() -> None:
    with op.batch_alter_table("app_user") as batch:
        batch.add_column(sa.Column("participants", sa.Text(), nullable=False, server_default=""))
    with op.batch_alter_table("load_run") as batch:
        batch.add_column(sa.Column("owners", sa.Text(), nullable=False, server_default=""))
        batch.add_column(sa.Column("review_opened_by", S(), nullable=False, server_default=""))
        batch.add_column(sa.Column("review_opened_at", T(), nullable=True))
    op.create_table(
        "collection_round",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("name", S(length=120), nullable=False, unique=True),
        sa.Column("opened_at", T(), nullable=False),
        sa.Column("due", sa.Date(), nullable=False),
        sa.Column("closed_at", T(), nullable=True),
        sa.Column("opened_by", S(), nullable=False),
        sa.Column("note", sa.Text(), nullable=False, server_default=""),
    )
    op.create_table(
        "participant_contact",
        sa.Column(
            "participant_code",
            S(length=8),
            sa.ForeignKey("participant.code"),
            primary_key=True,
        ),
        sa.Column("name", S(length=200), nullable=False),
        sa.Column("email", S(length=254), nullable=False),
        sa.Column("updated_at", T(), nullable=False),
        sa.Column("updated_by", S(), nullable=False),
    )


def downgrade() -> None:
    op.drop_table("participant_contact")
    op.drop_table("collection_round")
    # ALTER TABLE … DROP COLUMN in place (SQLite >= 3.35): a copy-and-swap of load_run would
    # be refused by the foreign keys that point at it.
    with op.batch_alter_table("load_run", recreate="never") as batch:
        batch.drop_column("review_opened_at")
        batch.drop_column("review_opened_by")
        batch.drop_column("owners")
    with op.batch_alter_table("app_user", recreate="never") as batch:
        batch.drop_column("participants")
