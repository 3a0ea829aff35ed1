"""Shared plumbing for commands: lazily built services, output helpers."""

from __future__ import annotations

import json
import os
from collections.abc import Callable, Iterable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

import click

if TYPE_CHECKING:
    from reelmatch.bootstrap import Services
    from reelmatch.domain import User


class AppContext:
    """Builds the services on first use, so `--help` and bad arguments stay instant."""

    def __init__(self, factory: Callable[[], Services] | None = None) -> None:
        self._factory = factory
        self._services: Services | None = None

    @property
    def services(self) -> Services:
        if self._services is None:
            from reelmatch.bootstrap import build_services, setup_observability

            self._services = (self._factory or build_services)()
            # Scripts read stdout and stderr: only warnings unless REELMATCH_LOG_LEVEL says so.
            setup_observability(self._services.settings, default_level="WARNING")
        return self._services

    def user(self, username: str) -> User:
        return self.services.users.get_user(username)

    def close(self) -> None:
        if self._services is not None:
            self._services.close()


pass_app = click.make_pass_decorator(AppContext)

json_option = click.option("--json", "as_json", is_flag=True, help="Print JSON for scripts.")


class MovieIdType(click.ParamType[int]):
    """A TMDB movie id, checked as the services check it (a bad one exits 2, no traceback)."""

    name = "TMDB_ID"

    def convert(self, value: Any, param: click.Parameter | None, ctx: click.Context | None) -> int:
        from reelmatch.domain import validate_movie_id
        from reelmatch.errors import InvalidInput

        try:
            return validate_movie_id(int(value))
        except (TypeError, ValueError, InvalidInput):
            self.fail(f"{value!r} is not a TMDB movie id (a whole number from 1).", param, ctx)


MOVIE_ID = MovieIdType()
#: A row id of ours (a list's): what fits the databases' integer columns.
ROW_ID = click.IntRange(1, 2**31 - 1)


def check_output_folder(output: Path | None) -> None:
    """`--output` into a folder that does not exist exits 2 before any work is done."""
    if output is not None and not output.parent.is_dir():
        raise click.BadParameter(
            f"the folder {output.parent} does not exist.", param_hint="--output"
        )


def write_output(output: Path, content: bytes) -> None:
    """Write `content` to `output` atomically (a reader never sees half a file)."""
    partial = output.with_name(f".{output.name}.{os.getpid()}.partial")
    try:
        partial.write_bytes(content)
        partial.replace(output)
    except OSError as error:
        raise click.ClickException(f"could not write {output}: {error.strerror}.") from None
    finally:
        partial.unlink(missing_ok=True)
    click.echo(f"Wrote {len(content):,} bytes to {output}.", err=True)


def emit_json(data: Any) -> None:
    click.echo(json.dumps(data, indent=2, ensure_ascii=False, default=str))


def emit_table(headers: Sequence[str], rows: Iterable[Sequence[Any]]) -> None:
    """A plain aligned table for people."""
    cells = [[str(value) for value in row] for row in rows]
    widths = [max([len(h), *(len(r[i]) for r in cells)]) for i, h in enumerate(headers)]
    click.echo("  ".join(h.ljust(w) for h, w in zip(headers, widths, strict=True)).rstrip())
    for row in cells:
        click.echo("  ".join(v.ljust(w) for v, w in zip(row, widths, strict=True)).rstrip())
