"""events.cache_kind, in the covering index

Revision ID: 0005
Revises: 0004
Create Date: 2026-11-25 20:25:00.000000
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0005"
down_revision: str | None = "0004"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

OLD_INDEX = "ix_events_kind_ts_service_subject_status_cache_duration_ms"
OLD_COLUMNS = ["kind", "ts", "service", "subject", "status", "cache", "duration_ms"]
NEW_INDEX = "ix_events_kind_ts_covering"
NEW_COLUMNS = ["kind", "ts", "service", "subject", "status", "cache", "cache_kind", "duration_ms"]


def upgrade() -> None:
    # Earlier rows keep NULL (shown as an unknown kind); `cache_kind` left `properties` here.
    op.add_column("events", sa.Column("cache_kind", sa.String(length=20), nullable=True))
    op.drop_index(op.f(OLD_INDEX), table_name="events")
    op.create_index(NEW_INDEX, "events", NEW_COLUMNS, unique=False)


def downgrade() -> None:
    op.drop_index(NEW_INDEX, table_name="events")
    op.create_index(op.f(OLD_INDEX), "events", OLD_COLUMNS, unique=False)
    with op.batch_alter_table("events", schema=None) as batch_op:
        batch_op.drop_column("cache_kind")
