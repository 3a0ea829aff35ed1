"""The command group and the one place CLI errors become messages and exit codes.

Commands are imported only when they run (click's lazy-group pattern): `--help` lists them
from the table below without importing a single command module, and `movies search` never
imports pandas, the OpenAI SDK or the recommender. A test checks that each short help here
is the command's own, so the table cannot drift.
"""

from __future__ import annotations

import importlib
import sys
from typing import NamedTuple

import click

from reelmatch.cli.context import AppContext
from reelmatch.errors import ReelmatchError

#: How long a short help may be (click cuts the command's first sentence there).
SHORT_HELP_LIMIT = 60


class LazyCommand(NamedTuple):
    module: str  # under reelmatch.cli
    attribute: str
    short_help: str  # the command's `get_short_help_str(SHORT_HELP_LIMIT)`


#: Every top-level command: where it lives, and the line `--help` shows for it.
COMMANDS: dict[str, LazyCommand] = {
    "cache": LazyCommand(
        "cache", "cache_group", "The movie-data cache (Redis when REDIS_URL is set)."
    ),
    "db": LazyCommand("db", "db_group", "Database schema."),
    "doctor": LazyCommand(
        "db", "doctor", "Check configuration, database, cache, TMDB, OpenAI, the..."
    ),
    "eval": LazyCommand(
        "evaluate", "evaluate", "Evaluate the recommenders offline (ratings ≥ 4★ are..."
    ),
    "export": LazyCommand(
        "transfer", "export", "Export a user's data: json (everything), csv, or a..."
    ),
    "import": LazyCommand(
        "transfer", "import_command", "Import ratings, watchlist and diary from another app's..."
    ),
    "library": LazyCommand("library", "library", "Show ratings, watchlist and diary."),
    "lists": LazyCommand(
        "lists", "lists_group", "A user's movie lists: list, show, export (Letterboxd CSV)."
    ),
    "metrics": LazyCommand(
        "metrics", "metrics", "The KPI table (the Analytics page's tiles) for the last..."
    ),
    "movies": LazyCommand(
        "movies", "movies_group", "Browse and search movies (live TMDB, or the offline..."
    ),
    "rate": LazyCommand("library", "rate", "Rate a movie 0.5–5 stars (half steps)."),
    "recommend": LazyCommand(
        "recommend", "recommend", "Recommendations for USER, or for everyone with..."
    ),
    "serve": LazyCommand("serve", "serve", "Start the web app on REELMATCH_HOST:REELMATCH_PORT..."),
    "unrate": LazyCommand("library", "unrate", "Remove a rating."),
    "users": LazyCommand("users", "users_group", "Accounts."),
    "watched": LazyCommand("library", "watched", "Log a watch in the diary."),
    "watchlist": LazyCommand(
        "library", "watchlist", "Add a movie to, or remove it from, the watchlist."
    ),
    "worker": LazyCommand(
        "worker", "worker", "Run the background jobs: metadata refresh, model..."
    ),
}


def load_command(name: str) -> click.Command:
    """Import the command `name` (a KeyError for names not in COMMANDS)."""
    lazy = COMMANDS[name]
    module = importlib.import_module(f"reelmatch.cli.{lazy.module}")
    command: click.Command = getattr(module, lazy.attribute)
    return command


class LazyGroup(click.Group):
    def list_commands(self, ctx: click.Context) -> list[str]:
        return sorted(COMMANDS)

    def get_command(self, ctx: click.Context, cmd_name: str) -> click.Command | None:
        return load_command(cmd_name) if cmd_name in COMMANDS else None

    def format_commands(self, ctx: click.Context, formatter: click.HelpFormatter) -> None:
        rows = [(name, COMMANDS[name].short_help) for name in self.list_commands(ctx)]
        with formatter.section("Commands"):
            formatter.write_dl(rows)


@click.group(cls=LazyGroup, context_settings={"help_option_names": ["-h", "--help"]})
@click.pass_context
def cli(ctx: click.Context) -> None:
    """Reel Matchmaker: movie discovery, ratings and recommendations."""
    if ctx.obj is None:
        ctx.obj = AppContext()
    ctx.call_on_close(ctx.obj.close)


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
