"""Shared helpers for the benchmarks: timing, percentiles, the printed table and the JSON file."""

from __future__ import annotations

import json
import os
import platform
import statistics
import tempfile
import time
import uuid
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import Any

RESULTS = Path(__file__).resolve().parent / "results"
#: The data sets some benchmarks read, where the team's machines keep them; anywhere else pass
#: `--data DIR` and `--tmdb CSV`. MovieLens ml-latest-small (research use only, never committed):
#: https://files.grouplens.org/datasets/movielens/ml-latest-small.zip, unzipped. TMDB 5000:
#: tmdb_5000_movies.csv of Kaggle's "TMDB 5000 Movie Dataset",
#: https://www.kaggle.com/datasets/tmdb/tmdb-movie-metadata
MOVIELENS_SMALL = RESULTS.parents[1] / "../shared/data/movielens-small"
TMDB_5000_CSV = RESULTS.parents[1] / "../shared/data/tmdb-5000/tmdb_5000_movies.csv"


def timed_ms(function: Callable[[], object], *, repeat: int) -> list[float]:
    samples = []
    for _ in range(repeat):
        start = time.perf_counter()
        function()
        samples.append((time.perf_counter() - start) * 1000)
    return samples


def summary(samples: Sequence[float]) -> dict[str, float]:
    ordered = sorted(samples)
    return {
        "p50": statistics.median(ordered),
        "p95": ordered[min(len(ordered) - 1, round(0.95 * (len(ordered) - 1)))],
        "n": len(ordered),
    }


def print_table(title: str, headers: Sequence[str], rows: Sequence[Sequence[Any]]) -> None:
    cells = [[_fmt(v) for v in row] for row in rows]
    widths = [max([len(h), *(len(r[i]) for r in cells)]) for i, h in enumerate(headers)]
    print(f"\n{title}")
    print("| " + " | ".join(h.ljust(w) for h, w in zip(headers, widths, strict=True)) + " |")
    print("|" + "|".join("-" * (w + 2) for w in widths) + "|")
    for row in cells:
        print("| " + " | ".join(v.ljust(w) for v, w in zip(row, widths, strict=True)) + " |")


def write_json(name: str, data: dict[str, Any]) -> Path:
    RESULTS.mkdir(exist_ok=True)
    path = RESULTS / f"{name}.json"
    payload = {
        "benchmark": name,
        "machine": {"python": platform.python_version(), "cpus": os.cpu_count()},
        "measured_at": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()),
        **data,
    }
    path.write_text(json.dumps(payload, indent=2, default=str))
    print(f"\nwrote {path.relative_to(Path.cwd()) if path.is_relative_to(Path.cwd()) else path}")
    return path


def _fmt(value: Any) -> str:
    if isinstance(value, float):
        return f"{value:.3f}" if value < 10 else f"{value:.1f}"
    return str(value)


@contextmanager
def postgres_schema(base_url: str) -> Iterator[str]:
    """A throwaway schema on the benchmark PostgreSQL; yields a URL that uses it."""
    from sqlalchemy import create_engine, text
    from sqlalchemy.engine import make_url

    schema = f"rm_bench_{uuid.uuid4().hex[:8]}"
    admin = create_engine(base_url)
    with admin.begin() as connection:
        connection.execute(text(f'CREATE SCHEMA "{schema}"'))
    try:
        url = make_url(base_url).update_query_dict({"options": f"-csearch_path={schema}"})
        yield url.render_as_string(hide_password=False)
    finally:
        with admin.begin() as connection:
            connection.execute(text(f'DROP SCHEMA IF EXISTS "{schema}" CASCADE'))
        admin.dispose()


@contextmanager
def database(kind: str) -> Iterator[str]:
    """A throwaway database of `kind` ("sqlite": a temp file; "postgresql": a schema on
    TEST_DATABASE_URL), as a URL."""
    if kind == "sqlite":
        with tempfile.TemporaryDirectory() as folder:
            yield f"sqlite:///{folder}/bench.db"
        return
    base = os.environ.get("TEST_DATABASE_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/test")
    with postgres_schema(base) as url:
        yield url
