"""`recommend USER`, `recommend --retrain`, `recommend --all-users`: the same service the
"For you" page uses."""

from __future__ import annotations

import sys
from dataclasses import asdict
from typing import Any

import click

from reelmatch.cli.context import AppContext, emit_json, emit_table, json_option, pass_app
from reelmatch.domain import RecommendationsResult, to_data
from reelmatch.services.recommendations import BatchReport, ModelInfo, precompute_all


@click.command()
@click.argument("username", required=False)
@click.option("--engine", type=click.Choice(["local", "ai"]), default="local", show_default=True)
@click.option("-k", "k", type=click.IntRange(1, 100), default=10, show_default=True)
@click.option("--retrain", is_flag=True, help="Train the local model on today's ratings first.")
@click.option("--all-users", is_flag=True, help="Precompute and cache every user's list.")
@click.option("--workers", type=click.IntRange(1, 32), default=4, show_default=True)
@json_option
@pass_app
def recommend(
    app: AppContext,
    username: str | None,
    engine: str,
    k: int,
    retrain: bool,
    all_users: bool,
    workers: int,
    as_json: bool,
) -> None:
    """Recommendations for USER, or for everyone with --all-users (resumable: users whose
    list is cached for their current state are skipped)."""
    if username and all_users:
        raise click.UsageError("Give a USER or --all-users, not both.")
    if not (username or all_users or retrain):
        raise click.UsageError("Give a USER, --all-users or --retrain.")
    service = app.services.recommendations
    info = service.retrain() if retrain else service.ensure_model()
    if retrain and not (username or all_users):
        _print_model(info, as_json=as_json)
        return
    if all_users:
        _all_users(app, engine=engine, k=k, workers=workers, as_json=as_json)
        return
    assert username is not None
    result = service.recommend(app.user(username), engine=engine, k=k, shown=False)
    if as_json:
        emit_json(to_data(result))
    else:
        _print_result(result)


def _all_users(app: AppContext, *, engine: str, k: int, workers: int, as_json: bool) -> None:
    services = app.services
    users = services.users.list_users()
    with click.progressbar(
        length=len(users), label="recommending", file=sys.stderr, show_pos=True
    ) as bar:
        report = precompute_all(
            services.recommendations,
            users,
            engine=engine,
            k=k,
            workers=workers,
            progress=lambda _outcome: bar.update(1),
        )
    if as_json:
        emit_json(asdict(report))
    else:
        _print_report(report)
    if report.interrupted:
        # Resuming skips the users whose lists are stored for their current state.
        click.echo("Interrupted: run the same command again to resume where it stopped.", err=True)
        sys.exit(130)


def _print_model(info: ModelInfo, *, as_json: bool) -> None:
    if as_json:
        emit_json(asdict(info))
        return
    click.echo(
        f"Trained model {info.model_id} ({info.engine}) on {info.ratings} ratings from "
        f"{info.users} users; {info.movies} movies can be recommended. "
        f"Training took {info.seconds:.1f} s."
    )


def _print_result(result: RecommendationsResult) -> None:
    if result.notice:
        click.echo(f"note: {result.notice}", err=True)
    if not result.items:
        click.echo("Nothing to recommend yet: rate a few movies first.")
        return
    emit_table(
        ["#", "movie", "id", "source", "why"],
        [
            (rank, item.movie.label, item.movie.id, item.source, (*item.reasons, "")[0])
            for rank, item in enumerate(result.items, start=1)
        ],
    )
    click.echo(_footer(result), err=True)


def _footer(result: RecommendationsResult) -> str:
    parts: list[Any] = [f"engine {result.engine}", f"{result.latency_ms:.0f} ms"]
    if result.model:
        parts.append(result.model)
    if result.cost_usd is not None:
        parts.append(f"${result.cost_usd:.4f}")
    if result.from_cache:
        parts.append("from cache")
    return " · ".join(str(part) for part in parts)


def _print_report(report: BatchReport) -> None:
    click.echo(
        f"{report.users} users: {report.computed} computed, {report.skipped} already cached, "
        f"{report.failed} failed in {report.seconds:.1f} s."
    )
