"""Catalog benchmark: cache tiers, warm pages, detail fan-out, upstream traffic, offline search.

    .venv/bin/python bench/catalog.py [--skip-redis]

Runs the live catalog against the fake TMDB from the test suite (a real HTTP server on
127.0.0.1) and, unless skipped or unreachable, Redis at TEST_REDIS_URL under a throwaway key
prefix (deleted afterwards). Targets (issue 3): 20-movie fan-out at 100 ms per request under
300 ms; 0 upstream requests per 1,000 warm page loads; offline search p95 under 20 ms.
"""

from __future__ import annotations

import argparse
import os
import random
import sys
import time
import uuid
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.common import print_table, summary, timed_ms, write_json
from reelmatch.bootstrap import build_catalog
from reelmatch.cache import RedisLink, TwoTierCache, build_cache
from reelmatch.cache.redis_store import RedisStore
from reelmatch.catalog.offline import OfflineCatalog
from reelmatch.catalog.tmdb import TmdbCatalog
from reelmatch.config import Settings, load_settings
from tests.support.fake_tmdb import API_KEY, FakeTmdb
from tests.support.redis import configured_url, delete_prefix, reachable

BATCH = 1000


def per_call_us(function: Callable[[], object], *, samples: int = 200) -> dict[str, float]:
    """µs per call, from `samples` timings of BATCH calls each (timer overhead amortised)."""

    def batch() -> None:
        for _ in range(BATCH):
            function()

    timed_ms(batch, repeat=5)  # warm-up
    return summary([ms * 1000 / BATCH for ms in timed_ms(batch, repeat=samples)])


def tier_gets(redis_url: str | None, prefix: str) -> dict[str, dict[str, float]]:
    value = {"movies": [{"id": i, "title": f"Movie {i}"} for i in range(20)], "page": 1}
    plain = {"movies:popular:1": value}
    results = {"dict get": per_call_us(lambda: plain.get("movies:popular:1"))}
    memory = TwoTierCache()
    memory.set("movies:popular:1", value, kind="list")
    results["L1 get (in-process)"] = per_call_us(lambda: memory.get("movies:popular:1"))
    if redis_url is not None:
        link = RedisLink(redis_url, prefix=prefix)
        shared = TwoTierCache(redis=link)
        shared.set("movies:popular:1", value, kind="list")
        store = RedisStore(link)
        results["Redis get (L2, with JSON decode)"] = per_call_us(
            lambda: store.get("movies:popular:1"), samples=20
        )
        shared.close()
    return results


def warm_page_us(catalog: TmdbCatalog) -> dict[str, float]:
    catalog.popular(1)
    samples = [ms * 1000 for ms in timed_ms(lambda: catalog.popular(1), repeat=5000)]
    return summary(samples)


#: Cold fan-outs timed (each waits out a rate-limit window): enough for a p95 that is not
#: simply the slowest of a handful.
FAN_OUT_SAMPLES = 20


def fan_out_ms(fake: FakeTmdb, settings: Settings, *, warm_genres: bool) -> dict[str, float]:
    ids = [m.id for m in OfflineCatalog().popular(2).movies]
    fake.latency = 0.1
    samples = []
    for _ in range(FAN_OUT_SAMPLES):
        catalog = build_catalog(settings, cache=TwoTierCache())
        assert isinstance(catalog, TmdbCatalog)
        if warm_genres:
            catalog.genres()
        time.sleep(1.1)  # a fresh rate-limit window: this measures latency, not the limiter
        started = time.perf_counter()
        found = catalog.movies(ids)
        samples.append((time.perf_counter() - started) * 1000)
        assert len(found) == 20
        catalog.close()
    fake.latency = 0.0
    return summary(samples)


def upstream_per_thousand_warm_loads(fake: FakeTmdb, catalog: TmdbCatalog) -> int:
    for page in range(1, 6):
        catalog.popular(page)
    before = fake.requests()
    for i in range(1000):
        catalog.popular(i % 5 + 1)
    return fake.requests() - before


def offline_search_ms() -> dict[str, float]:
    catalog = OfflineCatalog()
    rng = random.Random(3)
    titles = [m.title for m in catalog.popular(1).movies + catalog.top_rated(3).movies]
    queries = ["godfater", "star wars", "amelie", "the", "x" * 10_000, "🎬", "dark knight"]
    for title in titles:
        chars = list(title.lower())
        if len(chars) > 4:
            del chars[rng.randrange(len(chars))]  # one typo
        queries.append("".join(chars))
    catalog.search("warm up")
    samples = []
    for _ in range(5):
        for query in queries:
            started = time.perf_counter()
            catalog.search(query)
            samples.append((time.perf_counter() - started) * 1000)
    return summary(samples)


@contextmanager
def redis_for_bench(skip: bool) -> Iterator[tuple[str | None, str]]:
    url = None if skip else configured_url()
    prefix = f"rm:bench-{uuid.uuid4().hex[:8]}:"
    if url is not None and not reachable(url):
        print(f"Redis not reachable at {url}: skipping the Redis rows")
        url = None
    try:
        yield url, prefix
    finally:
        if url is not None:
            delete_prefix(url, prefix)


def run(skip_redis: bool) -> dict[str, Any]:
    with FakeTmdb() as fake, redis_for_bench(skip_redis) as (redis_url, prefix):
        env: dict[str, Any] = {"TMDB_API_KEY": API_KEY, "TMDB_API_BASE": fake.base_url}
        if redis_url is not None:
            env |= {"REDIS_URL": redis_url, "REELMATCH_CACHE_PREFIX": prefix}
        settings = load_settings(**env)
        cache = build_cache(settings)
        catalog = build_catalog(settings, cache=cache)
        assert isinstance(catalog, TmdbCatalog)
        results = {
            "gets_us": tier_gets(redis_url, prefix),
            "warm_popular_page_us": warm_page_us(catalog),
            "fan_out_20_details_ms": fan_out_ms(fake, settings, warm_genres=True),
            "fan_out_20_details_cold_ms": fan_out_ms(fake, settings, warm_genres=False),
            "upstream_requests_per_1000_warm_loads": upstream_per_thousand_warm_loads(
                fake, catalog
            ),
            "offline_search_ms": offline_search_ms(),
            "redis": redis_url is not None,
        }
        catalog.close()
        cache.close()
    return results


def report(results: dict[str, Any]) -> None:
    gets = results["gets_us"]
    dict_p50 = gets["dict get"]["p50"]
    print_table(
        "Cache reads (µs per get, 20-movie JSON value)",
        ["operation", "p50", "p95", "× dict"],
        [(name, s["p50"], s["p95"], f"{s['p50'] / dict_p50:.0f}") for name, s in gets.items()],
    )
    fan, cold = results["fan_out_20_details_ms"], results["fan_out_20_details_cold_ms"]
    page, search = results["warm_popular_page_us"], results["offline_search_ms"]
    upstream = results["upstream_requests_per_1000_warm_loads"]
    backend = "L1 + Redis" if results["redis"] else "L1 only"
    print_table(
        "Catalog",
        ["measure", "p50", "p95", "target", "met"],
        [
            (f"warm popular page, full stack, {backend} (µs)", page["p50"], page["p95"], "–", "–"),
            (
                "20-movie details, 100 ms/request (ms)",
                fan["p50"],
                fan["p95"],
                "< 300",
                _met(fan["p95"] < 300),
            ),
            ("same, genre list also cold (ms)", cold["p50"], cold["p95"], "–", "–"),
            ("upstream requests / 1,000 warm loads", upstream, upstream, "0", _met(upstream == 0)),
            (
                "offline search over 4,803 titles (ms)",
                search["p50"],
                search["p95"],
                "< 20",
                _met(search["p95"] < 20),
            ),
        ],
    )


def _met(ok: bool) -> str:
    return "yes" if ok else "NO"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--skip-redis", action="store_true")
    args = parser.parse_args()
    os.environ.pop("TMDB_READ_ACCESS_TOKEN", None)
    results = run(args.skip_redis)
    report(results)
    write_json("catalog", results)


if __name__ == "__main__":
    main()
