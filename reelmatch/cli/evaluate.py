"""`eval`: the local engines on a MovieLens-format folder, beside a popularity baseline."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import click

from reelmatch.cli.context import emit_json, emit_table, json_option
from reelmatch.recommend.engines import ENGINES
from reelmatch.recommend.evaluation import (
    DEFAULT_ENGINES,
    HELD_OUT_FRACTION,
    MIN_LIKES,
    POSITIVE_STARS,
    EvaluationReport,
    evaluate_movielens,
)
from reelmatch.recommend.movielens import load_movielens


@click.command("eval")
@click.option(
    "--data",
    "data_dir",
    required=True,
    type=click.Path(path_type=Path),
    help="MovieLens-format folder: ratings.csv (required), movies.csv, links.csv; e.g. "
    "ml-latest-small, https://files.grouplens.org/datasets/movielens/ml-latest-small.zip",
)
@click.option(
    "--tmdb",
    "tmdb_csv",
    type=click.Path(path_type=Path),
    default=None,
    help="tmdb_5000_movies.csv for keywords and votes (joined through links.csv).",
)
@click.option(
    "--engine",
    "engines",
    multiple=True,
    type=click.Choice(sorted(ENGINES)),
    help=f"Engines to compare (repeatable; default: {', '.join(DEFAULT_ENGINES)}).",
)
@click.option("-k", "k", type=click.IntRange(1, 100), default=10, show_default=True)
@json_option
def evaluate(
    data_dir: Path, tmdb_csv: Path | None, engines: tuple[str, ...], k: int, as_json: bool
) -> None:
    """Evaluate the recommenders offline (ratings ≥ 4★ are likes; each user's latest 20% of
    likes are held out)."""
    _progress("reading data", 0, 0)
    data = load_movielens(data_dir, tmdb_csv=tmdb_csv)
    for note in data.notes:
        click.echo(f"note: {note}", err=True)
    report = evaluate_movielens(data, engines=engines or DEFAULT_ENGINES, k=k, progress=_progress)
    if as_json:
        emit_json(report_data(report, k=k))
    else:
        _print_report(report, k=k)


def _progress(what: str, done: int, total: int) -> None:
    click.echo(f"{what} {done}/{total}" if total else f"{what}…", err=True)


def report_data(report: EvaluationReport, *, k: int) -> dict[str, Any]:
    return {
        "dataset": {
            "users": report.users,
            "ratings": report.ratings,
            "movies": report.movies,
            "movies_with_tmdb_metadata": report.with_metadata,
            "notes": list(report.notes),
        },
        "protocol": {
            "positive_stars": POSITIVE_STARS,
            "held_out_fraction": HELD_OUT_FRACTION,
            "min_likes": MIN_LIKES,
            "k": k,
            "test_users": report.test_users,
            "held_out": report.held_out,
        },
        "engines": [
            {
                "engine": engine.engine,
                "ndcg": round(engine.ndcg, 5),
                "recall": round(engine.recall, 5),
                "coverage": round(engine.coverage, 5),
                "train_seconds": round(engine.train_seconds, 3),
                "latency_ms": {
                    "p50": round(engine.latency_p50_ms, 3),
                    "p95": round(engine.latency_p95_ms, 3),
                },
                "users": engine.users,
            }
            for engine in report.engines
        ],
    }


def _print_report(report: EvaluationReport, *, k: int) -> None:
    click.echo(
        f"Data: {report.users:,} users, {report.ratings:,} ratings, {report.movies:,} movies "
        f"({report.with_metadata:,} with TMDB metadata)"
    )
    click.echo(
        f"Split: {report.test_users:,} test users, {report.held_out:,} held-out likes "
        "(each user's latest 20% of ratings ≥ 4★)"
    )
    emit_table(
        ["engine", f"NDCG@{k}", f"Recall@{k}", f"Coverage@{k}", "train s", "p50 ms", "p95 ms"],
        [
            [
                e.engine,
                f"{e.ndcg:.4f}",
                f"{e.recall:.4f}",
                f"{e.coverage:.1%}",
                f"{e.train_seconds:.2f}",
                f"{e.latency_p50_ms:.2f}",
                f"{e.latency_p95_ms:.2f}",
            ]
            for e in report.engines
        ],
    )
