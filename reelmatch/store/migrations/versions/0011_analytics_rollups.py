"""analytics rollups: events per hour, active users per hour, latency histograms per day

Revision ID: 0011
Revises: 0010
Create Date: 2026-12-05 12:45:00

What the Analytics page and `metrics` read for whole past hours instead of raw events
(decision 82), and the state saying which hours they hold.
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0011"
down_revision: str | None = "0010"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "event_hourly",
        sa.Column("hour", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=40), nullable=False),
        sa.Column("service", sa.String(length=20), nullable=False),
        sa.Column("subject", sa.String(length=200), nullable=False),
        sa.Column("cache_kind", sa.String(length=20), nullable=False),
        sa.Column("events", sa.Integer(), nullable=False),
        sa.Column("upstream", sa.Integer(), nullable=False),
        sa.Column("failed", sa.Integer(), nullable=False),
        sa.Column("rate_limited", sa.Integer(), nullable=False),
        sa.Column("cache_hits", sa.Integer(), nullable=False),
        sa.Column("cache_stale", sa.Integer(), nullable=False),
        sa.Column("cache_lookups", sa.Integer(), nullable=False),
        sa.Column("tokens", sa.BigInteger(), nullable=False),
        sa.Column("cost_usd", sa.Double(), nullable=False),
        sa.PrimaryKeyConstraint(
            "hour", "kind", "service", "subject", "cache_kind", name=op.f("pk_event_hourly")
        ),
    )
    op.create_table(
        "user_hourly",
        sa.Column("hour", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["user_id"], ["users.id"], name=op.f("fk_user_hourly_user_id_users"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("hour", "user_id", name=op.f("pk_user_hourly")),
    )
    with op.batch_alter_table("user_hourly", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_user_hourly_user_id_hour"), ["user_id", "hour"], unique=False
        )
    op.create_table(
        "latency_daily",
        sa.Column("day", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=40), nullable=False),
        sa.Column("service", sa.String(length=20), nullable=False),
        sa.Column("subject", sa.String(length=200), nullable=False),
        sa.Column("bucket", sa.Integer(), nullable=False),
        sa.Column("n", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint(
            "day", "kind", "service", "subject", "bucket", name=op.f("pk_latency_daily")
        ),
    )
    op.create_table(
        "rollup_state",
        sa.Column("name", sa.String(length=40), nullable=False),
        sa.Column("start_hour", sa.Integer(), nullable=False),
        sa.Column("stop_hour", sa.Integer(), nullable=False),
        sa.Column("last_event_id", sa.BigInteger(), nullable=False),
        sa.PrimaryKeyConstraint("name", name=op.f("pk_rollup_state")),
    )


def downgrade() -> None:
    op.drop_table("rollup_state")
    op.drop_table("latency_daily")
    with op.batch_alter_table("user_hourly", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_user_hourly_user_id_hour"))
    op.drop_table("user_hourly")
    op.drop_table("event_hourly")
