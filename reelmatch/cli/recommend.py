"""`recommend USER`, `recommend --retrain`, `recommend --all-users`: the same service the
"For you" page uses."""

from __future__ import annotations

import sys
import time
from dataclasses import asdict
from typing import TYPE_CHECKING, Any

import click

from reelmatch.cli.context import AppContext, emit_json, emit_table, json_option, pass_app
from reelmatch.domain import RecommendationsResult, to_data

if TYPE_CHECKING:
    from reelmatch.jobs.batch import BatchPlan
    from reelmatch.services.recommendations import BatchReport, ModelInfo


@click.command()
@click.argument("username", required=False)
@click.option("--engine", type=click.Choice(["local", "ai"]), default="local", show_default=True)
@click.option("-k", "k", type=click.IntRange(1, 100), default=10, show_default=True)
@click.option("--retrain", is_flag=True, help="Train the local model on today's ratings first.")
@click.option("--all-users", is_flag=True, help="Precompute and cache every user's list.")
@click.option(
    "--workers",
    type=click.IntRange(0, 32),
    default=4,
    show_default=True,
    help="Threads of this command computing lists; with REDIS_URL the worker processes "
    "share the run (0: leave it to them).",
)
@click.option(
    "--chunk-size",
    type=click.IntRange(1, 10_000),
    default=20,
    show_default=True,
    help="Users per job, with REDIS_URL.",
)
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
    chunk_size: int,
    as_json: bool,
) -> None:
    """Recommendations for USER, or for everyone with --all-users (resumable: users whose
    list is cached for their current state are skipped). With REDIS_URL, --all-users cuts
    the users into jobs that this command and every `python -m reelmatch worker` share."""
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
        _all_users(app, engine=engine, k=k, workers=workers, chunk=chunk_size, as_json=as_json)
        return
    assert username is not None
    result = service.recommend(app.user(username), engine=engine, k=k, shown=False)
    if as_json:
        emit_json(to_data(result))
    else:
        _print_result(result)


def _all_users(
    app: AppContext, *, engine: str, k: int, workers: int, chunk: int, as_json: bool
) -> None:
    from reelmatch.jobs.all_users import precompute_with_workers
    from reelmatch.services.recommendations import precompute_all

    services = app.services
    shared = services.jobs.shared
    if not shared and workers == 0:
        raise click.UsageError("--workers 0 needs REDIS_URL (worker processes to do the work).")
    users = services.users.list_users()
    with click.progressbar(
        length=len(users), label="recommending", file=sys.stderr, show_pos=True
    ) as bar:
        if shared:
            report = precompute_with_workers(
                services.jobs,
                [user.username for user in users],
                engine=engine,
                k=k,
                chunk_size=chunk,
                threads=workers,
                progress=bar.update,
                on_resume=_resuming,
            )
        else:
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
        click.echo(_interrupted(shared), err=True)
        sys.exit(130)


def _resuming(plan: BatchPlan) -> None:
    click.echo(
        f"Following the run started at {time.strftime('%H:%M:%S', time.localtime(plan.started_at))}"
        f" ({plan.users} users in {plan.chunks} jobs).",
        err=True,
    )


def _interrupted(shared: bool) -> str:
    """Resuming skips the users whose lists are stored for their current state."""
    if shared:
        return (
            "Interrupted: the workers go on with the jobs left; run the same command again "
            "to follow the run to its end."
        )
    return "Interrupted: run the same command again to resume where it stopped."


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
