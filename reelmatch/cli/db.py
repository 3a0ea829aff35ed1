"""`db upgrade` and `doctor`."""

from __future__ import annotations

import sys

import click

from reelmatch.cli.context import AppContext, emit_json, emit_table, json_option, pass_app
from reelmatch.config import load_settings
from reelmatch.services.health import run_checks
from reelmatch.store.database import Database
from reelmatch.store.migrate import upgrade


@click.group("db")
def db_group() -> None:
    """Database schema."""


@db_group.command("upgrade")
def db_upgrade() -> None:
    """Apply every pending migration (safe to run again)."""
    settings = load_settings()
    before, after = upgrade(settings.effective_database_url)
    if before == after:
        click.echo(f"Database is up to date (revision {after}).")
    else:
        click.echo(f"Migrated the database from revision {before or 'none'} to {after}.")


@click.command()
@click.option("--deep", is_flag=True, help="Also ask TMDB and OpenAI (one cheap request each).")
@json_option
@pass_app
def doctor(app: AppContext, deep: bool, as_json: bool) -> None:
    """Check configuration, database, cache, TMDB, OpenAI, the recommendation model, the
    event queue and the background jobs; exit 1 if anything fails. Without --deep, TMDB and
    OpenAI are described from the settings, not asked."""
    settings = load_settings()
    database = Database.from_url(settings.effective_database_url)
    try:
        services = app.services
        checks = run_checks(
            settings,
            database,
            events=services.event_queue_health(),
            models=services.recommendations.keeper.store,
            deep=deep,
        )
        checks.append(services.jobs.check())
    finally:
        database.dispose()
    if as_json:
        emit_json([check.as_dict() for check in checks])
    else:
        emit_table(
            ["check", "status", "detail"],
            [(c.name, "OK" if c.ok else "FAILING", c.detail) for c in checks],
        )
    if not all(check.ok for check in checks):
        sys.exit(1)
