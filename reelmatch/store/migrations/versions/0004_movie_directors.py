"""movie directors

Revision ID: 0004
Revises: 0003
Create Date: 2026-11-25 19:20:00.000000
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0004"
down_revision: str | None = "0003"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    # Existing rows get an empty list; the metadata refresher fills them from TMDB's credits.
    with op.batch_alter_table("movies", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("directors", sa.JSON(), server_default=sa.text("'[]'"), nullable=False)
        )


def downgrade() -> None:
    with op.batch_alter_table("movies", schema=None) as batch_op:
        batch_op.drop_column("directors")
