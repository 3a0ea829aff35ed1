"""analytics rollups: user sets as bitmaps, one latency histogram per day

Revision ID: 0013
Revises: 0012
Create Date: 2026-12-05 17:20:00

`user_hourly` held a row per user per active hour (about as many rows as events) and
`latency_daily` a row per bucket; at 10M events the Analytics page spent most of its time
reading them back (decision 91). Now `rollup_sets_hourly` and `rollup_sets_daily` hold
each hour's and each UTC day's active users (a Roaring bitmap) and watchlisted (user, movie)
pairs, `latency_daily` one packed histogram per day and group; a partial index covers
the watchlist adds that the conversion KPI reads from raw events, and ratings per movie in a
date range and recommendation runs in a date range are read from indexes. `event_daily_rollup` sums `event_hourly` per UTC day;
`rollup_dirty_days` lists the days a deleted
account had events in, for the job to rebuild. The rollup state is emptied, so the next
`rollup_events` run (or `metrics rollup`) rebuilds them from events; until then the page
reads raw events.
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0013"
down_revision: str | None = "0012"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

COUNTS = ("events", "upstream", "failed", "rate_limited", "cache_hits", "cache_stale")
COUNTS += ("cache_lookups",)


def upgrade() -> None:
    op.execute("DELETE FROM rollup_state")
    op.execute("DELETE FROM event_hourly")
    with op.batch_alter_table("user_hourly", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_user_hourly_user_id_hour"))
    op.drop_table("user_hourly")
    op.drop_table("latency_daily")
    for table, key in (("rollup_sets_hourly", "hour"), ("rollup_sets_daily", "day")):
        op.create_table(
            table,
            sa.Column("name", sa.String(length=20), nullable=False),
            sa.Column(key, sa.Integer(), nullable=False),
            sa.Column("members", sa.LargeBinary(), nullable=False),
            sa.PrimaryKeyConstraint("name", key, name=op.f(f"pk_{table}")),
        )
    _latency_daily(sa.Column("histogram", sa.LargeBinary(), nullable=False))
    op.create_table(
        "event_daily_rollup",
        *_day_keys(),
        sa.Column("cache_kind", sa.String(length=20), nullable=False),
        *(sa.Column(name, sa.Integer(), nullable=False) for name in COUNTS),
        sa.Column("tokens", sa.BigInteger(), nullable=False),
        sa.Column("cost_usd", sa.Double(), nullable=False),
        sa.PrimaryKeyConstraint(
            "day", "kind", "service", "subject", "cache_kind", name=op.f("pk_event_daily_rollup")
        ),
    )
    op.create_table(
        "rollup_dirty_days",
        sa.Column("day", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("day", name=op.f("pk_rollup_dirty_days")),
    )
    with op.batch_alter_table("user_movies", schema=None) as batch_op:
        batch_op.drop_index("ix_user_movies_rated_at")
        batch_op.create_index(
            "ix_user_movies_rated_at_movie_id_rating", ["rated_at", "movie_id", "rating"]
        )
    with op.batch_alter_table("recommendation_runs", schema=None) as batch_op:
        batch_op.create_index("ix_recommendation_runs_created_at_engine", ["created_at", "engine"])
    with op.batch_alter_table("events", schema=None) as batch_op:
        batch_op.create_index(
            "ix_events_watchlist_adds",
            ["ts", "user_id", "movie_id"],
            unique=False,
            sqlite_where=sa.text("kind = 'watchlist_add'"),
            postgresql_where=sa.text("kind = 'watchlist_add'"),
        )


def downgrade() -> None:
    with op.batch_alter_table("events", schema=None) as batch_op:
        batch_op.drop_index("ix_events_watchlist_adds")
    with op.batch_alter_table("recommendation_runs", schema=None) as batch_op:
        batch_op.drop_index("ix_recommendation_runs_created_at_engine")
    with op.batch_alter_table("user_movies", schema=None) as batch_op:
        batch_op.drop_index("ix_user_movies_rated_at_movie_id_rating")
        batch_op.create_index("ix_user_movies_rated_at", ["rated_at"])
    op.execute("DELETE FROM rollup_state")
    op.execute("DELETE FROM event_hourly")
    op.drop_table("rollup_dirty_days")
    op.drop_table("event_daily_rollup")
    op.drop_table("latency_daily")
    op.drop_table("rollup_sets_daily")
    op.drop_table("rollup_sets_hourly")
    _latency_daily(
        sa.Column("bucket", sa.Integer(), nullable=False),
        sa.Column("n", sa.Integer(), nullable=False),
        key=("day", "kind", "service", "subject", "bucket"),
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


def _latency_daily(
    *columns: sa.Column, key: tuple[str, ...] = ("day", "kind", "service", "subject")
) -> None:
    op.create_table(
        "latency_daily",
        *_day_keys(),
        *columns,
        sa.PrimaryKeyConstraint(*key, name=op.f("pk_latency_daily")),
    )


def _day_keys() -> list[sa.Column]:
    """(day, kind, service, subject): the start of the key of both per-day tables."""
    return [
        sa.Column("day", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=40), nullable=False),
        sa.Column("service", sa.String(length=20), nullable=False),
        sa.Column("subject", sa.String(length=200), nullable=False),
    ]
