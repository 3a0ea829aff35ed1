"""The tables. Alembic (reelmatch/store/migrations) owns every change to them.

Row classes end in `Row` so they never get confused with the domain types of the same name.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Any, ClassVar

from sqlalchemy import (
    JSON,
    BigInteger,
    CheckConstraint,
    Date,
    ForeignKey,
    Index,
    MetaData,
    String,
    Text,
    UniqueConstraint,
    text,
)
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

from reelmatch.store.types import BigIntPK, UTCDateTime, utcnow

NAMING = {
    "ix": "ix_%(table_name)s_%(column_0_N_name)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING)
    type_annotation_map: ClassVar[dict[Any, Any]] = {
        datetime: UTCDateTime(),
        dict[str, Any]: JSON(),
        list[str]: JSON(),
        list[int]: JSON(),
    }


class UserRow(Base):
    __tablename__ = "users"
    __table_args__ = (
        CheckConstraint("role IN ('user', 'admin')", name="role"),
        Index(None, "created_at"),  # new users per day (analytics)
        Index(None, "sandbox_expires_at"),  # idle demo sandboxes (the prune job)
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    # Stored lower-cased, which makes uniqueness case-insensitive on every database.
    username: Mapped[str] = mapped_column(String(32), unique=True)
    email: Mapped[str | None] = mapped_column(String(254))
    display_name: Mapped[str] = mapped_column(String(100))
    password_hash: Mapped[str] = mapped_column(String(100))
    role: Mapped[str] = mapped_column(String(10), default="user")
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    #: Set only on a demo sandbox ("Try the demo"): when it is deleted unless used again.
    #: Each use moves it forward; keeping the account clears it (decision 89).
    sandbox_expires_at: Mapped[datetime | None]


class PreferenceRow(Base):
    __tablename__ = "preferences"

    user_id: Mapped[int] = mapped_column(
        ForeignKey("users.id", ondelete="CASCADE"), primary_key=True
    )
    favourite_genres: Mapped[list[str]] = mapped_column(default=list)
    avoided_genres: Mapped[list[str]] = mapped_column(default=list)
    region: Mapped[str | None] = mapped_column(String(2))
    language: Mapped[str | None] = mapped_column(String(10))
    hide_adult: Mapped[bool] = mapped_column(default=True)
    streaming_services: Mapped[list[int]] = mapped_column(default=list)
    movie_night_opt_in: Mapped[bool] = mapped_column(default=False)
    timezone: Mapped[str] = mapped_column(String(64), default="UTC")


class MovieRow(Base):
    """A local copy of a movie's metadata, so library pages never wait on TMDB."""

    __tablename__ = "movies"

    id: Mapped[int] = mapped_column(primary_key=True, autoincrement=False)  # the TMDB id
    title: Mapped[str] = mapped_column(String(500))
    year: Mapped[int | None]
    release_date: Mapped[date | None] = mapped_column(Date)
    overview: Mapped[str] = mapped_column(Text, default="")
    genres: Mapped[list[str]] = mapped_column(default=list)
    keywords: Mapped[list[str]] = mapped_column(default=list)
    #: From TMDB's credits (the bundled snapshot has none): filled when details are fetched.
    directors: Mapped[list[str]] = mapped_column(default=list, server_default=text("'[]'"))
    poster_path: Mapped[str | None] = mapped_column(String(200))
    backdrop_path: Mapped[str | None] = mapped_column(String(200))
    runtime: Mapped[int | None]
    vote_average: Mapped[float | None]
    vote_count: Mapped[int | None]
    popularity: Mapped[float | None]
    language: Mapped[str | None] = mapped_column(String(10))
    adult: Mapped[bool] = mapped_column(default=False)
    fetched_at: Mapped[datetime] = mapped_column(default=utcnow)


class UserMovieRow(Base):
    """One user's relation to one movie: their rating (or none) and whether it is watchlisted."""

    __tablename__ = "user_movies"
    __table_args__ = (
        UniqueConstraint("user_id", "movie_id"),
        CheckConstraint(
            "rating IS NULL OR (rating >= 0.5 AND rating <= 5.0 "
            "AND rating * 2 = CAST(rating * 2 AS INTEGER))",
            name="rating_half_stars",
        ),
        Index(None, "movie_id"),
        # Ratings in a date range per movie (analytics), read from the index alone.
        Index(None, "rated_at", "movie_id", "rating"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    movie_id: Mapped[int] = mapped_column(ForeignKey("movies.id"))
    rating: Mapped[float | None]
    on_watchlist: Mapped[bool] = mapped_column(default=False)
    added_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow)
    rated_at: Mapped[datetime | None]


class WatchRow(Base):
    """One diary entry: the user watched this movie on this day."""

    __tablename__ = "watches"
    __table_args__ = (
        Index(None, "user_id", "watched_on"),
        # A period's diary as (user, movie, day) pairs, for watchlist conversion.
        Index("ix_watches_day_pairs", "watched_on", "user_id", "movie_id"),
    )

    id: Mapped[int] = mapped_column(BigIntPK, primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    movie_id: Mapped[int] = mapped_column(ForeignKey("movies.id"))
    watched_on: Mapped[date] = mapped_column(Date)
    rewatch: Mapped[bool] = mapped_column(default=False)
    note: Mapped[str | None] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


#: The columns the per-kind event aggregates read, in index order.
EVENT_COVERING_COLUMNS = (
    "kind", "ts", "service", "subject", "status", "cache", "cache_kind", "duration_ms",
)  # fmt: skip


class EventRow(Base):
    """One analytics event (see reelmatch/events.py for the kinds). Stored in UTC.

    The properties the analytics group and sum by are promoted to columns (`subject`,
    `service`, `status`, `cache`, `cache_kind`, `movie_id`, `tokens`, `cost_usd`) so
    aggregation is plain SQL on both databases; everything else stays in `properties`.
    """

    __tablename__ = "events"
    __table_args__ = (
        # Covers the per-kind aggregates (index-only scans for api_call and page_view). Named
        # by hand: the conventional name would pass PostgreSQL's 63 characters.
        Index("ix_events_kind_ts_covering", *EVENT_COVERING_COLUMNS),
        Index(None, "user_id", "ts"),
        Index(None, "ts", "user_id"),  # covers distinct active users per day
        # Covers watchlist conversion (3 % of events); queries spell the kind as a literal,
        # since neither database matches a partial index to a bound parameter.
        Index(
            "ix_events_watchlist_adds",
            "ts",
            "user_id",
            "movie_id",
            sqlite_where=text("kind = 'watchlist_add'"),
            postgresql_where=text("kind = 'watchlist_add'"),
        ),
    )

    id: Mapped[int] = mapped_column(BigIntPK, primary_key=True)
    ts: Mapped[datetime] = mapped_column(default=utcnow)
    user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    kind: Mapped[str] = mapped_column(String(40))
    #: What the event is about: the page (page_view), endpoint (api_call), where (error),
    #: model (ai_usage), engine (recommendation_*), source (import_done).
    subject: Mapped[str | None] = mapped_column(String(200))
    service: Mapped[str | None] = mapped_column(String(20))
    status: Mapped[int | None]
    cache: Mapped[str | None] = mapped_column(String(10))
    #: What the cache entry held (list, movie, search, reference): TMDB calls only.
    cache_kind: Mapped[str | None] = mapped_column(String(20))
    movie_id: Mapped[int | None]
    tokens: Mapped[int | None]
    cost_usd: Mapped[float | None]
    properties: Mapped[dict[str, Any]] = mapped_column(default=dict)
    duration_ms: Mapped[float | None]


class EventDailyRow(Base):
    """Events older than the retention window, rolled up per UTC day (`metrics prune`).

    One row per (day, kind, service, subject); '' stands for "none" so the key is unique on
    both databases. The row with kind '*' counts the day's distinct users over every kind.
    """

    __tablename__ = "event_daily"

    day: Mapped[date] = mapped_column(Date, primary_key=True)
    kind: Mapped[str] = mapped_column(String(40), primary_key=True)
    service: Mapped[str] = mapped_column(String(20), primary_key=True, default="")
    subject: Mapped[str] = mapped_column(String(200), primary_key=True, default="")
    users: Mapped[int] = mapped_column(default=0)
    events: Mapped[int] = mapped_column(default=0)
    duration_ms_sum: Mapped[float] = mapped_column(default=0.0)
    duration_count: Mapped[int] = mapped_column(default=0)
    failed: Mapped[int] = mapped_column(default=0)
    rate_limited: Mapped[int] = mapped_column(default=0)
    cache_hits: Mapped[int] = mapped_column(default=0)
    cache_lookups: Mapped[int] = mapped_column(default=0)
    tokens: Mapped[int] = mapped_column(default=0)
    cost_usd: Mapped[float] = mapped_column(default=0.0)


class EventCounts:
    """The key and sums `event_hourly` and `event_daily_rollup` share: one row per (kind,
    service, subject, cache kind) in their hour or day; '' stands for "none". The service,
    subject (the endpoint) and cache kind are kept for api_call only, and so are its
    outcomes (`upstream` to `cache_lookups`); `tokens` and `cost_usd` for ai_usage only.
    Every other kind has one row an hour or day, its count (decision 99)."""

    kind: Mapped[str] = mapped_column(String(40), primary_key=True)
    service: Mapped[str] = mapped_column(String(20), primary_key=True, default="")
    subject: Mapped[str] = mapped_column(String(200), primary_key=True, default="")
    cache_kind: Mapped[str] = mapped_column(String(20), primary_key=True, default="")
    events: Mapped[int] = mapped_column(default=0)
    #: api_call: calls that reached the upstream service, of those failed and 429.
    upstream: Mapped[int] = mapped_column(default=0)
    failed: Mapped[int] = mapped_column(default=0)
    rate_limited: Mapped[int] = mapped_column(default=0)
    cache_hits: Mapped[int] = mapped_column(default=0)
    cache_stale: Mapped[int] = mapped_column(default=0)
    cache_lookups: Mapped[int] = mapped_column(default=0)
    tokens: Mapped[int] = mapped_column(BigInteger, default=0)
    cost_usd: Mapped[float] = mapped_column(default=0.0)


class EventHourlyRow(EventCounts, Base):
    """Events counted per UTC hour (decision 82); `hour` is whole hours since 1970 UTC."""

    __tablename__ = "event_hourly"

    hour: Mapped[int] = mapped_column(primary_key=True, sort_order=-1)


class EventDailyRollupRow(EventCounts, Base):
    """`event_hourly` summed per UTC day (`day` is the hour its midnight starts), so a range
    of whole UTC days reads one row a day and key instead of 24 (decision 91)."""

    __tablename__ = "event_daily_rollup"

    day: Mapped[int] = mapped_column(primary_key=True, sort_order=-1)


class RollupSetHourlyRow(Base):
    """A set of ids per UTC hour (decision 91, `reelmatch.store.id_sets`): the users active
    in the hour (`name` active_users) and the (user, movie) pairs watchlisted in it
    (watchlisted). An hour without any has no row."""

    __tablename__ = "rollup_sets_hourly"

    name: Mapped[str] = mapped_column(String(20), primary_key=True)
    hour: Mapped[int] = mapped_column(primary_key=True)
    members: Mapped[bytes]


class RollupSetDailyRow(Base):
    """The same sets per UTC day (`day` is the hour its midnight starts): the union of the
    day's hours, so a range of whole days reads one value a day."""

    __tablename__ = "rollup_sets_daily"

    name: Mapped[str] = mapped_column(String(20), primary_key=True)
    day: Mapped[int] = mapped_column(primary_key=True)
    members: Mapped[bytes]


class LatencyDailyRow(Base):
    """Latency histograms per UTC day (`day` is the hour its midnight starts, since 1970):
    upstream api_call latency per (service, endpoint) and page_view render time per page,
    in fixed log buckets, packed as (bucket, count) pairs (`reelmatch.store.histograms`): one
    row per day and group (decision 91)."""

    __tablename__ = "latency_daily"

    day: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[str] = mapped_column(String(40), primary_key=True)
    service: Mapped[str] = mapped_column(String(20), primary_key=True, default="")
    subject: Mapped[str] = mapped_column(String(200), primary_key=True, default="")
    histogram: Mapped[bytes]


class RollupDirtyDayRow(Base):
    """A UTC day (the hour its midnight starts) whose rollups count events that are gone (a
    deleted account's): the next `rollup_events` run rebuilds it (decision 91)."""

    __tablename__ = "rollup_dirty_days"

    day: Mapped[int] = mapped_column(primary_key=True)


class RollupStateRow(Base):
    """Which hours the rollups hold: [`start_hour`, `stop_hour`), rebuilt from events up to
    `last_event_id` (later ids are new since the last refresh)."""

    __tablename__ = "rollup_state"

    name: Mapped[str] = mapped_column(String(40), primary_key=True)
    start_hour: Mapped[int]
    stop_hour: Mapped[int]
    last_event_id: Mapped[int] = mapped_column(BigInteger)


class RecommendationRunRow(Base):
    """One computed list of recommendations: which engine made it (`engine`: local, ai or
    movie-night; "local" when the AI was asked but the list fell back, with `notice` saying
    why), the AI model asked (`model`, None for local runs), what it cost, how long it took."""

    __tablename__ = "recommendation_runs"
    __table_args__ = (
        Index(None, "user_id", "created_at"),
        Index(None, "created_at", "engine"),  # runs in a date range per engine (analytics)
    )

    id: Mapped[int] = mapped_column(BigIntPK, primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    engine: Mapped[str] = mapped_column(String(20))
    model: Mapped[str | None] = mapped_column(String(100))
    fingerprint: Mapped[str] = mapped_column(String(64), default="")
    filters: Mapped[dict[str, Any]] = mapped_column(default=dict)
    prompt_tokens: Mapped[int] = mapped_column(default=0)
    completion_tokens: Mapped[int] = mapped_column(default=0)
    cost_usd: Mapped[float] = mapped_column(default=0.0)
    latency_ms: Mapped[float] = mapped_column(default=0.0)
    hallucinations: Mapped[int] = mapped_column(default=0)
    notice: Mapped[str | None] = mapped_column(Text)
    #: Requests this run sent to the AI service (0 or 1; 0 for local runs and for AI lists
    #: served from earlier picks). The per-user daily AI budget counts these.
    ai_requests: Mapped[int] = mapped_column(default=0, server_default="0")


class RecommendationItemRow(Base):
    """One recommended movie of a run, and what the user did with it."""

    __tablename__ = "recommendation_items"
    __table_args__ = (
        Index(None, "user_id", "movie_id"),
        # Every lookup by run, and covers what recommendations by engine counts (named by
        # hand: the conventional name would pass PostgreSQL's 63 characters).
        Index(
            "ix_recommendation_items_run_outcomes",
            "run_id",
            "shown_at",
            "clicked_at",
            "feedback",
            "converted",
        ),
        CheckConstraint(
            "feedback IS NULL OR feedback IN ('up', 'down', 'not_interested', 'seen')",
            name="feedback_kind",
        ),
    )

    id: Mapped[int] = mapped_column(BigIntPK, primary_key=True)
    run_id: Mapped[int] = mapped_column(ForeignKey("recommendation_runs.id", ondelete="CASCADE"))
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    movie_id: Mapped[int] = mapped_column(ForeignKey("movies.id"))
    rank: Mapped[int]
    score: Mapped[float]
    reasons: Mapped[list[str]] = mapped_column(default=list)
    source: Mapped[str] = mapped_column(String(20))
    shown_at: Mapped[datetime | None]
    clicked_at: Mapped[datetime | None]
    feedback: Mapped[str | None] = mapped_column(String(20))
    feedback_at: Mapped[datetime | None]
    converted: Mapped[str | None] = mapped_column(String(20))
    converted_at: Mapped[datetime | None]


# The account security and list tables live in their own modules; importing registers them.
from reelmatch.store import account_rows, list_rows  # noqa: E402, F401
