"""Recommendation benchmark: accuracy, coverage, training time and latency of the local engines.

    .venv/bin/python bench/recommend.py [--data DIR] [--tmdb CSV] [--engine NAME ...] [--tune]

Runs the same evaluation as `python -m reelmatch eval` (ratings ≥ 4★ are likes, each user's
latest 20% of likes held out) on MovieLens ml-latest-small, then times what the service layer
will do: a cold-start request with a `UserHistory` of five ratings from a user the model never
saw, and saving/loading the model as bytes. `--tune` also reruns the grid search that chose
the hybrid's defaults (docs/decisions.md), on a validation split of the training data.
Targets (issue 5): NDCG@10 ≥ 0.105, coverage@10 ≥ 8%, training < 15 s, per-user p95 < 5 ms.
MovieLens is for research and tests only: nothing trained here is kept.
"""

from __future__ import annotations

import argparse
import dataclasses
import sys
import time
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.common import (
    MOVIELENS_SMALL,
    TMDB_5000_CSV,
    print_table,
    summary,
    timed_ms,
    write_json,
)
from reelmatch.recommend import (
    HybridRecommender,
    create_recommender,
    load_recommender,
)
from reelmatch.recommend.coldstart import cold_start_split, score_cold_start
from reelmatch.recommend.evaluation import EvaluationReport, evaluate_movielens, holdout_split
from reelmatch.recommend.movielens import MovieLensData, load_movielens
from reelmatch.recommend.tuning import tune_hybrid

ROOT = Path(__file__).resolve().parent.parent
TARGETS = {"ndcg": 0.105, "coverage": 0.08, "train_seconds": 15.0, "latency_p95_ms": 5.0}
COLD_START_RATINGS = 5


def main() -> None:
    args = parse_args()
    data = load_movielens(resolve(args.data), tmdb_csv=resolve(args.tmdb) if args.tmdb else None)
    report = evaluate_movielens(data, engines=args.engines, progress=progress)
    rows = accuracy_rows(report)
    print_table(
        f"Offline evaluation: {report.test_users} test users, {report.held_out} held-out likes",
        ["engine", "NDCG@10", "Recall@10", "coverage@10", "train s", "p50 ms", "p95 ms"],
        rows,
    )
    hybrid = next((e for e in report.engines if e.engine == "hybrid"), None)
    checks = target_rows(hybrid) if hybrid else []
    if checks:
        print_table("Targets (hybrid)", ["measure", "value", "target", "met"], checks)
    cold = cold_start(data)
    print_table(
        f"New users given {COLD_START_RATINGS} ratings at call time (unseen in training)",
        ["engine", "NDCG@10", "Recall@10", "p50 ms", "p95 ms", "users"],
        [[c["engine"], c["ndcg"], c["recall"], c["p50_ms"], c["p95_ms"], c["users"]] for c in cold],
    )
    storage = serialisation(data)
    print_table("Model as bytes (npz + JSON, no pickle)", list(storage), [list(storage.values())])
    tuning = tune(data) if args.tune else None
    write_json(
        "recommend",
        {
            "data": {"users": report.users, "ratings": report.ratings, "movies": report.movies},
            "engines": [dataclasses.asdict(e) for e in report.engines],
            "targets": {name: {"value": v, "target": t, "met": m} for name, v, t, m in checks},
            "cold_start": cold,
            "serialisation": storage,
            "tuning": tuning,
        },
    )


def parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument(
        "--data", default=str(MOVIELENS_SMALL), help="MovieLens-format folder (bench/common.py)"
    )
    parser.add_argument(
        "--tmdb", default=str(TMDB_5000_CSV), help="tmdb_5000_movies.csv ('' for none)"
    )
    parser.add_argument(
        "--engine",
        dest="engines",
        action="append",
        help="engines to evaluate (default: hybrid, collaborative, content, popular)",
    )
    parser.add_argument("--tune", action="store_true", help="rerun the hybrid's grid search")
    args = parser.parse_args()
    args.engines = args.engines or ["hybrid", "collaborative", "content", "popular"]
    return args


def resolve(path: str) -> Path:
    candidate = Path(path)
    return candidate if candidate.is_absolute() else (ROOT / candidate).resolve()


def progress(what: str, done: int, total: int) -> None:
    if total and done == total:
        print(f"  {what} {done}/{total}", file=sys.stderr)
    elif not total:
        print(f"  {what}…", file=sys.stderr)


def accuracy_rows(report: EvaluationReport) -> list[list[Any]]:
    return [
        [
            e.engine,
            round(e.ndcg, 4),
            round(e.recall, 4),
            f"{e.coverage:.1%}",
            round(e.train_seconds, 2),
            round(e.latency_p50_ms, 3),
            round(e.latency_p95_ms, 3),
        ]
        for e in report.engines
    ]


def target_rows(hybrid: Any) -> list[tuple[str, float, float, bool]]:
    values = {
        "ndcg": hybrid.ndcg,
        "coverage": hybrid.coverage,
        "train_seconds": hybrid.train_seconds,
        "latency_p95_ms": hybrid.latency_p95_ms,
    }
    at_least = {"ndcg", "coverage"}
    return [
        (
            name,
            round(value, 4),
            TARGETS[name],
            value >= TARGETS[name] if name in at_least else value < TARGETS[name],
        )
        for name, value in values.items()
    ]


def cold_start(data: MovieLensData) -> list[dict[str, Any]]:
    """A fifth of the users (seeded) are left out of training; each then asks with their first
    five likes as a `UserHistory` and is scored on the rest of their likes."""
    split = cold_start_split(data.snapshot, given=COLD_START_RATINGS)
    results = []
    for name in ("hybrid", "content", "popular"):
        engine = create_recommender(name).fit(split.train, data.features)
        scores = score_cold_start(engine, split, catalog_size=data.movies, timing_repeats=3)
        timing = summary(scores.latencies)
        results.append(
            {
                "engine": name,
                "ndcg": round(scores.ndcg, 4),
                "recall": round(scores.recall, 4),
                "p50_ms": round(timing["p50"], 3),
                "p95_ms": round(timing["p95"], 3),
                "users": len(scores.latencies),
            }
        )
    return results


def serialisation(data: MovieLensData) -> dict[str, Any]:
    engine = HybridRecommender().fit(holdout_split(data.snapshot).train, data.features)
    payload = engine.to_bytes()
    save = summary(timed_ms(engine.to_bytes, repeat=3))
    load = summary(timed_ms(lambda: load_recommender(payload), repeat=3))
    return {
        "size MB": round(len(payload) / 1e6, 2),
        "save ms": round(save["p50"], 1),
        "load ms": round(load["p50"], 1),
    }


def tune(data: MovieLensData) -> dict[str, Any]:
    started = time.perf_counter()
    split = holdout_split(data.snapshot)
    result = tune_hybrid(split.train, data.features, catalog_size=data.movies, progress=None)
    chosen = {
        name: value
        for name, value in dataclasses.asdict(result.best).items()
        if value != getattr(HybridRecommender.default_config, name)
    }
    print_table(
        f"Tuning on the validation split ({len(result.trials)} trials, "
        f"{time.perf_counter() - started:.0f} s): validation NDCG@10 {result.best_ndcg:.4f}, "
        f"cold start {result.cold_start_ndcg or 0:.4f}",
        ["setting", "chosen", "current default"],
        [[n, v, getattr(HybridRecommender.default_config, n)] for n, v in chosen.items()]
        or [["(all defaults confirmed)", "", ""]],
    )
    return {
        "best": dataclasses.asdict(result.best),
        "best_validation_ndcg": result.best_ndcg,
        "cold_start_validation_ndcg": result.cold_start_ndcg,
        "trials": [dataclasses.asdict(t) for t in result.trials],
    }


if __name__ == "__main__":
    main()
