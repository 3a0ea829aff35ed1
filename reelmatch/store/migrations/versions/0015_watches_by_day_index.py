"""watches: an index by day that holds the diary's (user, movie) pairs

Revision ID: 0015
Revises: 0014
Create Date: 2026-12-06 04:45:00

Watchlist conversion reads the diary entries of a period and the 30 days after it, as
(user, movie, day). Only an index by user existed, so both databases read every diary entry
for each period asked, the previous period's included. This index holds the three columns in
day order, so a period's entries are one range of it, read alone.
"""

from collections.abc import Sequence

from alembic import op

revision: str = "0015"
down_revision: str | None = "0014"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("watches", schema=None) as batch_op:
        batch_op.create_index("ix_watches_day_pairs", ["watched_on", "user_id", "movie_id"])


def downgrade() -> None:
    with op.batch_alter_table("watches", schema=None) as batch_op:
        batch_op.drop_index("ix_watches_day_pairs")
