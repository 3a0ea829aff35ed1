"""Build the offline catalog snapshot bundled with the app from the Kaggle "TMDB 5000" CSV.

    python scripts/build_offline_catalog.py PATH/TO/tmdb_5000_movies.csv

Writes reelmatch/catalog/data/tmdb5000.json.gz: one JSON object per movie with the fields the
offline catalog serves. The output is deterministic (sorted, gzip mtime 0), so rebuilding from
the same CSV gives the same bytes. The data comes from TMDB; see README "Credits".
"""

from __future__ import annotations

import argparse
import csv
import gzip
import json
import sys
from pathlib import Path
from typing import Any

OUTPUT = Path(__file__).resolve().parent.parent / "reelmatch/catalog/data/tmdb5000.json.gz"


def _names(cell: str) -> list[dict[str, Any]]:
    try:
        value = json.loads(cell or "[]")
    except json.JSONDecodeError:
        return []
    return [item for item in value if isinstance(item, dict) and "name" in item]


def _number(cell: str, kind: type[int] | type[float]) -> int | float | None:
    try:
        value = kind(float(cell))
    except (TypeError, ValueError):
        return None
    return value if value else None


def convert(row: dict[str, str]) -> dict[str, Any]:
    genres = _names(row["genres"])
    return {
        "id": int(row["id"]),
        "title": row["title"].strip(),
        "original_title": row["original_title"].strip(),
        "release_date": row["release_date"] or None,
        "status": row["status"],
        "overview": row["overview"].strip(),
        "tagline": row["tagline"].strip(),
        "genres": [{"id": int(g["id"]), "name": g["name"]} for g in genres],
        "keywords": [k["name"] for k in _names(row["keywords"])],
        "runtime": _number(row["runtime"], int),
        "vote_average": _number(row["vote_average"], float),
        "vote_count": _number(row["vote_count"], int) or 0,
        "popularity": round(float(row["popularity"] or 0), 4),
        "original_language": row["original_language"] or None,
        "homepage": row["homepage"] or None,
    }


def build(source: Path, output: Path = OUTPUT) -> int:
    with source.open(newline="", encoding="utf-8") as handle:
        movies = sorted((convert(row) for row in csv.DictReader(handle)), key=lambda m: m["id"])
    payload = {
        "source": "TMDB 5000 Movie Dataset (Kaggle), data from The Movie Database (TMDB)",
        "notice": "This product uses the TMDB API but is not endorsed or certified by TMDB.",
        "movies": movies,
    }
    output.parent.mkdir(parents=True, exist_ok=True)
    raw = json.dumps(payload, ensure_ascii=False, sort_keys=True, separators=(",", ":"))
    with output.open("wb") as file, gzip.GzipFile(fileobj=file, mode="wb", mtime=0) as gz:
        gz.write(raw.encode())
    return len(movies)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("source", type=Path, help="tmdb_5000_movies.csv")
    parser.add_argument("--output", type=Path, default=OUTPUT)
    args = parser.parse_args(argv)
    if not args.source.is_file():
        print(f"error: {args.source} is not a file", file=sys.stderr)
        return 2
    count = build(args.source, args.output)
    print(f"wrote {count} movies to {args.output} ({args.output.stat().st_size:,} bytes)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
