"""recommendation items: the run index covers what the Analytics page counts

Revision ID: 0014
Revises: 0013
Create Date: 2026-12-05 23:55:00

Recommendations by engine counts each run's items shown, clicked and accepted. SQLite read
every item's row for that (a year at 10M events: 100,000 rows); the run index now holds the
columns it counts, so it is read alone. It still serves every lookup by run.
"""

from collections.abc import Sequence

from alembic import op

revision: str = "0014"
down_revision: str | None = "0013"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

OUTCOMES = ["run_id", "shown_at", "clicked_at", "feedback", "converted"]


def upgrade() -> None:
    with op.batch_alter_table("recommendation_items", schema=None) as batch_op:
        batch_op.drop_index("ix_recommendation_items_run_id")
        batch_op.create_index("ix_recommendation_items_run_outcomes", OUTCOMES)


def downgrade() -> None:
    with op.batch_alter_table("recommendation_items", schema=None) as batch_op:
        batch_op.drop_index("ix_recommendation_items_run_outcomes")
        batch_op.create_index("ix_recommendation_items_run_id", ["run_id"])
