"""The command group and the one place CLI errors become messages and exit codes."""

from __future__ import annotations

import sys

import click

from reelmatch.cli import (
    cache,
    db,
    evaluate,
    library,
    metrics,
    movies,
    recommend,
    transfer,
    users,
)
from reelmatch.cli.context import AppContext
from reelmatch.errors import ReelmatchError


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.pass_context
def cli(ctx: click.Context) -> None:
    """Reel Matchmaker: movie discovery, ratings and recommendations."""
    if ctx.obj is None:
        ctx.obj = AppContext()
    ctx.call_on_close(ctx.obj.close)


for module in (db, users, library, transfer, movies, cache, metrics, evaluate, recommend):
    module.register(cli)


def main(argv: list[str] | None = None) -> None:
    try:
        cli.main(args=argv, prog_name="python -m reelmatch", standalone_mode=False)
    except click.exceptions.Abort:
        click.echo("Aborted.", err=True)
        sys.exit(1)
    except click.ClickException as error:
        error.show()
        sys.exit(error.exit_code)
    except ReelmatchError as error:
        click.echo(f"error: {error.message}", err=True)
        sys.exit(error.exit_code)
    except KeyboardInterrupt:
        click.echo("Interrupted.", err=True)
        sys.exit(130)
    sys.exit(0)
