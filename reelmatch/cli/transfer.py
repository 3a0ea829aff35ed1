"""`import FORMAT PATH --user USER` and `export USER --format json|csv|letterboxd`.

The same `ImportService` and `ExportService` the Settings page uses. An import prints its
preview (matched, unmatched, problems) and counts; `--dry-run` stops before writing. Progress
goes to standard error, so `--json` output stays clean.
"""

from __future__ import annotations

from pathlib import Path

import click

from reelmatch.cli.context import (
    AppContext,
    check_output_folder,
    emit_json,
    emit_table,
    json_option,
    pass_app,
    write_output,
)
from reelmatch.services.exports import EXPORT_FORMATS
from reelmatch.services.imports import (
    IMPORT_FORMATS,
    SOURCES,
    ImportPreview,
    ImportResult,
    files_from_path,
    preview_to_data,
    result_to_data,
)

MATCHED_SHOWN = 50


class StderrProgress:
    """Prints "Matching titles... 40%" to standard error every 10%."""

    def __init__(self, label: str) -> None:
        self._label = label
        self._shown = -1

    def __call__(self, fraction: float, message: str) -> None:
        step = int(fraction * 10)
        if step > self._shown:
            self._shown = step
            click.echo(f"{self._label}: {step * 10}% {message}", err=True)


@click.command(
    "import",
    help="Import ratings, watchlist and diary from another app's export (a file, a zip or a "
    "folder). FORMAT is the source: "
    + "; ".join(f"{source.name}: {source.label}" for source in SOURCES)
    + ".",
)
@click.argument("fmt", metavar="FORMAT", type=click.Choice(IMPORT_FORMATS))
@click.argument("path", type=click.Path(path_type=Path))
@click.option("--user", "username", required=True, help="Whose library to import into.")
@click.option("--dry-run", is_flag=True, help="Show what would change; write nothing.")
@click.option("--source-user", type=int, default=None, help="MovieLens: the userId to import.")
@json_option
@pass_app
def import_command(
    app: AppContext,
    fmt: str,
    path: Path,
    username: str,
    dry_run: bool,
    source_user: int | None,
    as_json: bool,
) -> None:
    user = app.user(username)
    imports = app.services.imports
    files = files_from_path(path, fmt=fmt, limits=imports.limits)
    preview = imports.preview(
        user, fmt, files, source_user=source_user, progress=StderrProgress("Matching")
    )
    result = None if dry_run else imports.apply(user, preview, progress=StderrProgress("Saving"))
    if as_json:
        emit_json({"preview": preview_to_data(preview), "result": result_to_data(result)})
        return
    _print_preview(preview)
    _print_result(preview, result)


def _print_preview(preview: ImportPreview) -> None:
    for notice in preview.notices:
        click.echo(f"note: {notice}")
    click.echo(f"Matched ({len(preview.matched)})")
    emit_table(
        ["row", "in the file", "matched", "how", "imports"],
        [
            (m.row.where, _label(m.row.title, m.row.year), m.movie.label, m.method, m.row.actions)
            for m in preview.matched[:MATCHED_SHOWN]
        ],
    )
    if len(preview.matched) > MATCHED_SHOWN:
        click.echo(f"… and {len(preview.matched) - MATCHED_SHOWN} more (--json lists all).")
    click.echo(f"\nNot matched ({len(preview.unmatched)})")
    emit_table(
        ["row", "in the file", "why"],
        [(u.row.where, _label(u.row.title, u.row.year), u.reason) for u in preview.unmatched],
    )
    if preview.problem_count:
        click.echo(f"\nProblems ({preview.problem_count})")
        emit_table(["row", "problem"], [(p.where, p.message) for p in preview.problems])
    for reason, count in preview.skipped:
        click.echo(f"Skipped {count}: {reason}")
    if preview.list_summary:
        click.echo(f"Lists: {preview.list_summary}.")


def _print_result(preview: ImportPreview, result: ImportResult | None) -> None:
    changes = preview.changes
    if result is None:
        rated = changes.new_ratings + changes.changed_ratings
        click.echo(
            f"\nDry run, nothing written. Would rate {rated}, watchlist {changes.watchlist}, "
            f"log {changes.diary} diary entries; "
            f"{changes.unchanged} unchanged, {preview.skipped_count} skipped, "
            f"{len(preview.unmatched)} unmatched."
        )
        return
    click.echo(
        f"\nImported: {result.rated} rated, {result.watchlisted} watchlisted, "
        f"{result.diary_entries} diary entries; {result.unchanged} unchanged, "
        f"{result.skipped} skipped, {result.unmatched} unmatched."
        + (" Preferences updated." if result.preferences_updated else "")
        + (f" Lists saved: {result.lists}." if result.lists else "")
    )


def _label(title: str, year: int | None) -> str:
    return f"{title} ({year})" if year else title or "(no title)"


@click.command()
@click.argument("username")
@click.option(
    "--format", "fmt", type=click.Choice(EXPORT_FORMATS), default="json", show_default=True
)
@click.option(
    "--output",
    "-o",
    type=click.Path(path_type=Path, dir_okay=False),
    default=None,
    help="Write to this file instead of standard output.",
)
@pass_app
def export(app: AppContext, username: str, fmt: str, output: Path | None) -> None:
    """Export a user's data: json (everything), csv, or a Letterboxd import CSV."""
    check_output_folder(output)
    exported = app.services.exports.export(app.user(username), fmt)
    if output is None:
        click.echo(exported.content.decode("utf-8"), nl=False)
        return
    write_output(output, exported.content)
