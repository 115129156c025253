"""lean indexes: drop indexes every bulk load paid for and few reads used

observation.participant_code is the first column of uq_obs; observation.source_id and the
history's row-key and participant indexes serve rare lookups (sample removal, an undo's
refusal, a history filter), which scan instead.

Revision ID: 0005
Revises: 0004
Create Date: 2026-12-01 13:10:00
"""

from __future__ import annotations

from collections.abc import Sequence

from alembic import op

revision: str = "0005"
down_revision: str | None = "0004"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("observation") as batch:
        batch.drop_index("ix_observation_participant_code")
        batch.drop_index("ix_observation_source_id")
    op.drop_index("ix_data_change_key", table_name="data_change")
    op.drop_index("ix_data_change_participant", table_name="data_change")


def downgrade() -> None:
    op.create_index("ix_data_change_participant", "data_change", ["participant_code"])
    op.create_index("ix_data_change_key", "data_change", ["entity", "row_key"])
    with op.batch_alter_table("observation") as batch:
        batch.create_index("ix_observation_source_id", ["source_id"])
        batch.create_index("ix_observation_participant_code", ["participant_code"])
