"""The cache interface with its in-process and Redis backends, single-flight and rate limiting.

`TwoTierCache` is the one implementation of `Cache`: an in-process L1 with an optional Redis L2.
`TmdbRequestLimiter` meters requests to TMDB. `build_cache` / `build_rate_limiter` wire both
from Settings; `keys` holds the key scheme every process shares.
"""

from reelmatch.cache.base import DEFAULT_TTLS, KINDS, Cache, Cached, TtlPolicy
from reelmatch.cache.factory import build_cache, build_rate_limiter, redis_link, ttl_policy
from reelmatch.cache.ratelimit import RateLimiter, TmdbRequestLimiter
from reelmatch.cache.redis_link import RedisLink
from reelmatch.cache.tiered import TwoTierCache, as_json

__all__ = [
    "DEFAULT_TTLS",
    "KINDS",
    "Cache",
    "Cached",
    "RateLimiter",
    "RedisLink",
    "TmdbRequestLimiter",
    "TtlPolicy",
    "TwoTierCache",
    "as_json",
    "build_cache",
    "build_rate_limiter",
    "redis_link",
    "ttl_policy",
]
