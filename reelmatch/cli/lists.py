"""`lists list|show|export`: a user's movie lists from a terminal."""

from __future__ import annotations

from pathlib import Path

import click

from reelmatch.cli.context import (
    ROW_ID,
    AppContext,
    check_output_folder,
    emit_json,
    emit_table,
    json_option,
    pass_app,
    write_output,
)


@click.group("lists")
def lists_group() -> None:
    """A user's movie lists: list, show, export (Letterboxd CSV)."""


@lists_group.command("list")
@click.argument("username")
@json_option
@pass_app
def list_lists(app: AppContext, username: str, as_json: bool) -> None:
    """The user's lists."""
    mine = app.services.lists.lists(app.user(username))
    rows = [(m.id, m.name, "yes" if m.ranked else "", "yes" if m.public else "") for m in mine]
    if as_json:
        emit_json([dict(zip(("id", "name", "ranked", "public"), r, strict=True)) for r in rows])
        return
    emit_table(("ID", "NAME", "RANKED", "PUBLIC"), rows)


@lists_group.command("show")
@click.argument("username")
@click.argument("list_id", type=ROW_ID)
@json_option
@pass_app
def show(app: AppContext, username: str, list_id: int, as_json: bool) -> None:
    """One list's movies in order."""
    movie_list = app.services.lists.get(app.user(username), list_id)
    rows = [(i.position, i.movie.id, i.movie.title, i.movie.year or "") for i in movie_list.items]
    if as_json:
        emit_json(
            {
                "name": movie_list.name,
                "description": movie_list.description,
                "ranked": movie_list.ranked,
                "public": movie_list.public,
                "items": [
                    dict(zip(("position", "id", "title", "year"), r, strict=True)) for r in rows
                ],
            }
        )
        return
    emit_table(("#", "TMDB_ID", "TITLE", "YEAR"), rows)


@lists_group.command("export")
@click.argument("username")
@click.argument("list_id", type=ROW_ID)
@click.option("--output", "-o", type=click.Path(path_type=Path, dir_okay=False), default=None)
@pass_app
def export(app: AppContext, username: str, list_id: int, output: Path | None) -> None:
    """One list as Letterboxd's list CSV (stdout, or --output FILE)."""
    check_output_folder(output)
    content = app.services.lists.letterboxd_csv(app.user(username), list_id)
    if output is None:
        click.echo(content.decode("utf-8"), nl=False)
        return
    write_output(output, content)
