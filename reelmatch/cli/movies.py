"""`movies popular|top-rated|trending|now-playing|upcoming|search|show`: the catalog from the
shell, live TMDB or the offline snapshot, whichever the settings choose."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import click

from reelmatch.catalog import Catalog
from reelmatch.cli.context import MOVIE_ID, AppContext, emit_json, emit_table, json_option, pass_app
from reelmatch.domain import MovieDetails, MoviePage, to_data
from reelmatch.errors import UpstreamUnavailable

page_option = click.option(
    "--page", type=click.IntRange(1, 500), default=1, show_default=True, help="Page of 20 (1–500)."
)

LISTS: dict[str, tuple[str, Callable[[Catalog, int], MoviePage]]] = {
    "popular": ("Most popular right now.", lambda c, page: c.popular(page)),
    "top-rated": ("Best rated of all time.", lambda c, page: c.top_rated(page)),
    "now-playing": ("In cinemas now.", lambda c, page: c.now_playing(page)),
    "upcoming": ("Coming soon.", lambda c, page: c.upcoming(page)),
}


@click.group("movies")
def movies_group() -> None:
    """Browse and search movies (live TMDB, or the offline catalog without TMDB keys)."""


def _list_command(name: str, help_text: str, fetch: Callable[[Catalog, int], MoviePage]) -> None:
    @movies_group.command(name, help=help_text)
    @page_option
    @json_option
    @pass_app
    def command(app: AppContext, page: int, as_json: bool) -> None:
        _emit_page(fetch(app.services.catalog, page), as_json=as_json)


for _name, (_help, _fetch) in LISTS.items():
    _list_command(_name, _help, _fetch)


@movies_group.command("trending")
@click.option("--window", type=click.Choice(["day", "week"]), default="day", show_default=True)
@page_option
@json_option
@pass_app
def trending(app: AppContext, window: str, page: int, as_json: bool) -> None:
    """Trending today or this week."""
    found = app.services.catalog.trending("week" if window == "week" else "day", page)
    _emit_page(found, as_json=as_json)


@movies_group.command("search")
@click.argument("query")
@click.option("--year", type=int, default=None, help="Release year.")
@page_option
@json_option
@pass_app
def search(app: AppContext, query: str, year: int | None, page: int, as_json: bool) -> None:
    """Find movies by title (typos are forgiven offline)."""
    _emit_page(app.services.catalog.search(query, year=year, page=page), as_json=as_json)


@movies_group.command("show")
@click.argument("movie_id", metavar="TMDB_ID", type=MOVIE_ID)
@json_option
@pass_app
def show(app: AppContext, movie_id: int, as_json: bool) -> None:
    """Everything about one movie."""
    movie = app.services.catalog.movie(movie_id)
    if as_json:
        emit_json(to_data(movie))
        return
    _print_details(movie, poster=app.services.catalog.configuration().poster_url)
    if movie.notice:
        click.echo(f"note: {movie.notice}", err=True)


@movies_group.command("refresh")
@click.option(
    "--limit",
    type=click.IntRange(min=1),
    default=None,
    help="Refresh at most N movies (default: every one that is due).",
)
@json_option
@pass_app
def refresh(app: AppContext, limit: int | None, as_json: bool) -> None:
    """Update the local copy of movie data from TMDB: posters and details for movies imported
    through the bundled snapshot, then anything older than REELMATCH_METADATA_MAX_AGE_DAYS.
    Paced to a quarter of TMDB_RATE_LIMIT; the app does the same in the background."""
    metadata = app.services.metadata
    if not metadata.live:
        data = {"catalog": "offline", "refreshed": 0, "gone": 0, "remaining": 0, "error": None}
        _emit_refresh(data, as_json=as_json, notice="the offline catalog has nothing newer.")
        return
    report = metadata.refresh(limit=limit)
    data = {
        "catalog": "tmdb",
        "refreshed": report.refreshed,
        "gone": report.gone,
        "remaining": report.remaining,
        "error": report.error,
    }
    _emit_refresh(data, as_json=as_json)
    if report.error is not None:
        raise UpstreamUnavailable(f"{report.error} Nothing was lost; run it again later.")


def _emit_refresh(data: dict[str, Any], *, as_json: bool, notice: str | None = None) -> None:
    if as_json:
        emit_json(data)
    elif notice is not None:
        click.echo(f"Nothing to refresh: {notice}")
    else:
        remaining = "unknown" if data["remaining"] is None else data["remaining"]
        click.echo(
            f"Refreshed {data['refreshed']} movies ({data['gone']} no longer on TMDB); "
            f"{remaining} still due."
        )


def _emit_page(page: MoviePage, *, as_json: bool) -> None:
    if as_json:
        emit_json(to_data(page))
        return
    emit_table(
        ["id", "movie", "rating", "genres"],
        [
            (m.id, m.label, f"{m.vote_average:.1f}" if m.vote_average else "–", ", ".join(m.genres))
            for m in page.movies
        ],
    )
    found = f"{page.total_results:,} movie{'' if page.total_results == 1 else 's'}"
    click.echo(f"page {page.page} of {page.total_pages} ({found})")
    if page.notice:
        click.echo(f"note: {page.notice}", err=True)


def _print_details(movie: MovieDetails, *, poster: Callable[..., str | None]) -> None:
    facts = [
        ("genres", ", ".join(movie.genres)),
        ("runtime", f"{movie.runtime} min" if movie.runtime else ""),
        (
            "rating",
            f"{movie.vote_average:.1f} ({movie.vote_count:,} votes)"
            if movie.vote_average and movie.vote_count
            else "",
        ),
        ("directed by", ", ".join(movie.directors)),
        ("starring", ", ".join(c.name for c in movie.cast[:5])),
        ("certification", ", ".join(f"{k} {v}" for k, v in sorted(movie.certifications.items()))),
        ("trailer", movie.trailer.url if movie.trailer and movie.trailer.url else ""),
        ("poster", poster(movie.poster_path, place="detail") or ""),
        ("keywords", ", ".join(movie.keywords[:10])),
    ]
    click.echo(movie.label + (f" — {movie.tagline}" if movie.tagline else ""))
    for label, value in facts:
        if value:
            click.echo(f"  {label:<14}{value}")
    if movie.overview:
        click.echo(
            "\n"
            + click.wrap_text(movie.overview, width=88, initial_indent="  ", subsequent_indent="  ")
        )
    if movie.similar:
        click.echo("\n  similar: " + ", ".join(m.label for m in movie.similar[:6]))
