"""`cache stats|clear|warm`: look into, empty and pre-fill the shared cache."""

from __future__ import annotations

import sys
from typing import Any

import click

from reelmatch.cache import build_rate_limiter
from reelmatch.cli.context import AppContext, emit_json, emit_table, json_option, pass_app
from reelmatch.services.warmup import warm_cache

NO_SHARED_CACHE = (
    "REDIS_URL is not set: each app process keeps its own in-process cache, which this "
    "command cannot reach (restarting the app empties it)."
)


@click.group("cache")
def cache_group() -> None:
    """The movie-data cache (Redis when REDIS_URL is set)."""


@cache_group.command("stats")
@json_option
@pass_app
def stats(app: AppContext, as_json: bool) -> None:
    """Hits, misses, stale hits and errors per kind of data, plus TMDB budget use."""
    services = app.services
    data = services.cache.stats()
    link = getattr(services.cache, "redis_link", None)
    data["tmdb"] = {
        "catalog": services.catalog.mode,
        **build_rate_limiter(services.settings, link=link).stats(),
    }
    if as_json:
        emit_json(data)
        return
    click.echo(f"cache: {data['backend']}, counts from {data['scope']}")
    emit_table(
        ["kind", "hits", "misses", "stale hits", "errors", "hit rate"],
        [
            (kind, c["hits"], c["misses"], c["stale_hits"], c["errors"], _percent(c["hit_rate"]))
            for kind, c in sorted(data["kinds"].items())
        ],
    )
    tmdb = data["tmdb"]
    budget = tmdb["daily_budget"] or "no limit"
    click.echo(
        f"TMDB: {tmdb['catalog']}, {tmdb['window']}, used today {tmdb['used_today']} of {budget}"
    )


@cache_group.command("clear")
@click.option("--prefix", default="", help="Only keys starting with this, e.g. movie:")
@json_option
@pass_app
def clear(app: AppContext, prefix: str, as_json: bool) -> None:
    """Drop cached entries in Redis and in every running app process."""
    cache = app.services.cache
    shared = bool(getattr(cache, "shared", False))
    removed = cache.invalidate_prefix(prefix)
    if as_json:
        emit_json({"shared": shared, "removed": removed, "prefix": prefix})
    elif shared:
        click.echo(f"Removed {removed} cached entries; running app processes drop theirs too.")
    else:
        click.echo(NO_SHARED_CACHE)


@cache_group.command("warm")
@click.option(
    "--pages",
    type=click.IntRange(1, 500),
    default=1,
    show_default=True,
    help="Pages of each list to fetch.",
)
@click.option("--details", is_flag=True, help="Also fetch the details of every listed movie.")
@json_option
@pass_app
def warm(app: AppContext, pages: int, details: bool, as_json: bool) -> None:
    """Fill the shared cache with the lists (and optionally details) pages open first."""
    services = app.services
    if services.catalog.mode != "tmdb" or not getattr(services.cache, "shared", False):
        reason = (
            "the offline catalog needs no cache"
            if services.catalog.mode != "tmdb"
            else (NO_SHARED_CACHE)
        )
        _report({"warmed": False, "reason": reason}, as_json=as_json)
        return
    result = warm_cache(services.catalog, pages=pages, details=details)
    _report(result, as_json=as_json)
    if result["failed"]:
        sys.exit(1)


def _report(result: dict[str, Any], *, as_json: bool) -> None:
    if as_json:
        emit_json(result)
    elif not result["warmed"]:
        click.echo(f"Nothing to warm: {result['reason']}")
    else:
        click.echo(
            f"Warmed {result['list_pages']} list pages and {result['movies']} movies "
            f"({result['stale_pages']} pages stale)."
        )
        for failure in result["failed"]:
            click.echo(f"failed: {failure}", err=True)


def _percent(rate: float | None) -> str:
    return "–" if rate is None else f"{rate:.0%}"
