"""What `doctor` and the Status page report: is each part of the app configured and reachable?"""

from __future__ import annotations

from dataclasses import asdict, dataclass
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import text
from sqlalchemy.exc import SQLAlchemyError

from reelmatch.config import Settings, masked_url
from reelmatch.errors import ReelmatchError, UpstreamUnavailable
from reelmatch.services.event_recorder import QueueHealth
from reelmatch.services.recommendations.keeper import ModelInfo
from reelmatch.services.recommendations.model_store import ModelStore
from reelmatch.store.database import Database
from reelmatch.store.migrate import current_revision, head_revision
from reelmatch.store.types import utcnow


@dataclass(frozen=True)
class Check:
    name: str
    ok: bool
    detail: str

    def as_dict(self) -> dict[str, Any]:
        return asdict(self)


def check_database(database: Database, url: str) -> Check:
    try:
        with database.engine.connect() as connection:
            connection.execute(text("SELECT 1"))
    except SQLAlchemyError as error:
        cause = getattr(error, "orig", None) or error
        reason = type(cause).__name__
        return Check("database", False, f"{masked_url(url)} is not reachable ({reason})")
    current, head = current_revision(url), head_revision()
    if current != head:
        return Check(
            "database",
            False,
            f"{database.dialect} at revision {current or 'none'}, code expects {head}: "
            "run `python -m reelmatch db upgrade`",
        )
    return Check("database", True, f"{database.dialect}, schema at revision {head}")


def check_redis(settings: Settings) -> Check:
    if settings.redis_url is None:
        return Check("cache", True, "in-process (REDIS_URL not set)")
    import redis

    try:
        redis.Redis.from_url(settings.redis_url, socket_timeout=2).ping()
    except redis.RedisError as error:
        return Check(
            "cache", False, f"Redis at {masked_url(settings.redis_url)}: {type(error).__name__}"
        )
    return Check(
        "cache",
        True,
        f"Redis at {masked_url(settings.redis_url)} (keys under {settings.cache_prefix!r}), "
        "shared by every app process",
    )


def check_tmdb(settings: Settings) -> Check:
    """What the settings say; nothing is asked (`doctor --deep` asks)."""
    if not settings.tmdb_live:
        return Check("tmdb", True, "offline catalog (no TMDB_API_KEY or TMDB_READ_ACCESS_TOKEN)")
    how = "read access token" if settings.tmdb_read_access_token else "v3 API key"
    limits = f"at most {settings.tmdb_rate_limit:g} requests/s"
    if settings.tmdb_daily_budget:
        limits += f" and {settings.tmdb_daily_budget} a day"
    return Check("tmdb", True, f"live TMDB at {settings.tmdb_api_base} with a {how}, {limits}")


def check_openai(settings: Settings) -> Check:
    if not settings.openai_enabled:
        return Check("openai", True, "off: local recommendations only (no OPENAI_API_KEY)")
    where = settings.openai_base_url or "the OpenAI API"
    return Check("openai", True, f"{settings.openai_model} via {where}")


def ask_tmdb(settings: Settings) -> Check:
    """`doctor --deep`: one real request (`/configuration`, past every cache)."""
    if not settings.tmdb_live:
        return check_tmdb(settings)
    from reelmatch.catalog.tmdb_client import TmdbClient

    key, token = settings.tmdb_api_key, settings.tmdb_read_access_token
    client = TmdbClient(
        base_url=settings.tmdb_api_base,
        api_key=key.get_secret_value() if key else None,
        read_token=token.get_secret_value() if token else None,
        timeout=min(settings.tmdb_timeout, 10.0),
        retries=0,
    )
    try:
        client.get_json("configuration")
    except ReelmatchError as error:
        return Check("tmdb", False, f"{settings.tmdb_api_base} did not answer: {error.message}")
    finally:
        client.close()
    return Check("tmdb", True, f"{check_tmdb(settings).detail}; answered just now")


def ask_openai(settings: Settings) -> Check:
    """`doctor --deep`: one request that costs no tokens (the model's description)."""
    if not settings.openai_enabled:
        return check_openai(settings)
    from reelmatch.llm import OpenAIClient

    client = OpenAIClient.from_settings(settings)
    assert client is not None  # openai_enabled
    try:
        client.check_model()
    except ReelmatchError as error:
        return Check("openai", False, f"{settings.openai_model}: {error.message}")
    finally:
        client.close()
    return Check("openai", True, f"{check_openai(settings).detail}; answered just now")


def check_events(health: QueueHealth, database: Database) -> Check:
    """This process's event queue, and whether events reach the database at all (the last
    24 hours' count shows the app's other processes writing too)."""
    last = f"{health.last_flush_at:%Y-%m-%d %H:%M:%S} UTC" if health.last_flush_at else "never"
    detail = (
        f"queue {health.queued}/{health.capacity}, {health.dropped} dropped, "
        f"{health.written} written, last flush {last}"
    )
    if health.last_error:
        detail += f", last error {health.last_error}"
    try:
        with database.unit_of_work(read_only=True) as uow:
            recent = uow.events.count_since(utcnow() - timedelta(hours=24))
        detail += f"; {recent} events stored in the last 24 h"
    except (SQLAlchemyError, UpstreamUnavailable) as error:
        detail += f"; stored events unknown ({type(error).__name__})"
    ok = health.dropped == 0 and health.last_error is None and health.running
    return Check("events", ok, detail)


def check_recommender(store: ModelStore) -> Check:
    """The local engine's stored model: when it was trained and on what. Reads its metadata
    only; training is the app's background thread or `recommend --retrain`."""
    where = "Redis, shared by every app process" if store.shared else "the data directory"
    meta = store.meta()
    try:
        info = ModelInfo.from_meta(meta) if meta is not None else None
        trained = datetime.fromisoformat(info.trained_at) if info is not None else None
    except (TypeError, ValueError):
        return Check("recommender", False, f"the model stored in {where} is unreadable")
    if info is None or trained is None:
        return Check(
            "recommender",
            True,
            f"no model in {where} yet: the app trains one in the background once people "
            "rate movies (or run `python -m reelmatch recommend --retrain`)",
        )
    return Check(
        "recommender",
        True,
        f"{info.engine} model trained {trained:%Y-%m-%d %H:%M} UTC on {info.ratings} ratings "
        f"by {info.users} users, over {info.movies} movies ({info.seconds:.1f} s), in {where}",
    )


def run_checks(
    settings: Settings,
    database: Database,
    *,
    events: QueueHealth | None = None,
    models: ModelStore | None = None,
    deep: bool = False,
) -> list[Check]:
    """Each part's state from the settings; `deep` also asks TMDB and OpenAI (one cheap
    request each), which the plain checks never do."""
    checks = [
        Check("config", True, "settings are valid"),
        check_database(database, settings.effective_database_url),
        check_redis(settings),
        ask_tmdb(settings) if deep else check_tmdb(settings),
        ask_openai(settings) if deep else check_openai(settings),
    ]
    if models is not None:
        checks.append(check_recommender(models))
    if events is not None:
        checks.append(check_events(events, database))
    return checks
