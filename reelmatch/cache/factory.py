"""Builds the cache and the TMDB rate limiter from Settings (one Redis pool for both)."""

from __future__ import annotations

from reelmatch.cache.base import TtlPolicy
from reelmatch.cache.ratelimit import TmdbRequestLimiter
from reelmatch.cache.redis_link import RedisLink
from reelmatch.cache.tiered import TwoTierCache
from reelmatch.config import Settings


def ttl_policy(settings: Settings) -> TtlPolicy:
    return TtlPolicy(
        ttls={
            "list": settings.cache_ttl_lists,
            "movie": settings.cache_ttl_movies,
            "search": settings.cache_ttl_search,
            "reference": settings.cache_ttl_reference,
        },
        grace=settings.cache_stale_grace,
    )


def redis_link(settings: Settings) -> RedisLink | None:
    """The Redis connection when `REDIS_URL` is set (connecting happens on first use)."""
    if settings.redis_url is None:
        return None
    return RedisLink(settings.redis_url, prefix=settings.cache_prefix)


def build_cache(settings: Settings, *, link: RedisLink | None = None) -> TwoTierCache:
    return TwoTierCache(
        policy=ttl_policy(settings),
        l1_size=settings.cache_l1_size,
        redis=link if link is not None else redis_link(settings),
    )


def build_rate_limiter(settings: Settings, *, link: RedisLink | None = None) -> TmdbRequestLimiter:
    return TmdbRequestLimiter(
        rate=settings.tmdb_rate_limit, daily_budget=settings.tmdb_daily_budget, link=link
    )
