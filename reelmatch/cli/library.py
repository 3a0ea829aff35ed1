"""`rate`, `unrate`, `watchlist add|remove`, `watched`, `library` (export is in transfer.py)."""

from __future__ import annotations

from datetime import date

import click

from reelmatch.cli.context import MOVIE_ID, AppContext, emit_json, emit_table, json_option, pass_app
from reelmatch.domain import Library, to_data


@click.command()
@click.argument("username")
@click.argument("movie_id", metavar="TMDB_ID", type=MOVIE_ID)
@click.argument("stars")
@pass_app
def rate(app: AppContext, username: str, movie_id: int, stars: str) -> None:
    """Rate a movie 0.5–5 stars (half steps)."""
    user = app.user(username)
    rating = app.services.library.rate_movie(user, movie_id, stars)
    click.echo(f"{user.username} rated {movie_id}: {rating:g}★")


@click.command()
@click.argument("username")
@click.argument("movie_id", metavar="TMDB_ID", type=MOVIE_ID)
@pass_app
def unrate(app: AppContext, username: str, movie_id: int) -> None:
    """Remove a rating."""
    user = app.user(username)
    cleared = app.services.library.clear_rating(user, movie_id)
    click.echo("Rating removed." if cleared else "There was no rating to remove.")


@click.command()
@click.argument("action", type=click.Choice(["add", "remove"]))
@click.argument("username")
@click.argument("movie_id", metavar="TMDB_ID", type=MOVIE_ID)
@pass_app
def watchlist(app: AppContext, action: str, username: str, movie_id: int) -> None:
    """Add a movie to, or remove it from, the watchlist."""
    user = app.user(username)
    if action == "add":
        app.services.library.add_to_watchlist(user, movie_id)
        click.echo(f"Added {movie_id} to {user.username}'s watchlist.")
    else:
        app.services.library.remove_from_watchlist(user, movie_id)
        click.echo(f"Removed {movie_id} from {user.username}'s watchlist.")


@click.command()
@click.argument("username")
@click.argument("movie_id", metavar="TMDB_ID", type=MOVIE_ID)
@click.option(
    "--on",
    "watched_on",
    type=click.DateTime(["%Y-%m-%d"]),
    default=None,
    help="Day watched, YYYY-MM-DD (default: today).",
)
@click.option("--rewatch", is_flag=True)
@click.option("--note", default=None)
@json_option
@pass_app
def watched(
    app: AppContext,
    username: str,
    movie_id: int,
    watched_on: object,
    rewatch: bool,
    note: str | None,
    as_json: bool,
) -> None:
    """Log a watch in the diary."""
    user = app.user(username)
    day = watched_on.date() if hasattr(watched_on, "date") else None
    entry = app.services.library.log_watch(
        user,
        movie_id,
        watched_on=day if isinstance(day, date) else None,
        rewatch=rewatch,
        note=note,
    )
    if as_json:
        emit_json(to_data(entry))
    else:
        click.echo(f"Logged {entry.movie.label} on {entry.watched_on}.")


@click.command()
@click.argument("username")
@json_option
@pass_app
def library(app: AppContext, username: str, as_json: bool) -> None:
    """Show ratings, watchlist and diary."""
    data = app.services.library.library(app.user(username))
    if as_json:
        emit_json(to_data(data))
        return
    _print_library(data)


def _print_library(data: Library) -> None:
    click.echo(f"Ratings ({len(data.ratings)})")
    emit_table(
        ["id", "movie", "stars"],
        [(e.movie.id, e.movie.label, f"{e.rating:g}") for e in data.ratings],
    )
    click.echo(f"\nWatchlist ({len(data.watchlist)})")
    emit_table(["id", "movie"], [(e.movie.id, e.movie.label) for e in data.watchlist])
    click.echo(f"\nDiary ({len(data.diary)})")
    emit_table(
        ["date", "movie", "rewatch"],
        [(d.watched_on, d.movie.label, "yes" if d.rewatch else "") for d in data.diary],
    )
