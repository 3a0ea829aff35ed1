"""Load MovieLens ml-latest-small into a migrated, EMPTY benchmark database: one user per
MovieLens user (`ml1` … `ml610`), its movies (TMDB ids through links.csv, metadata from the TMDB
5000 CSV where it has them) and every rating with its original time.

MovieLens is licensed for research use only: this is for benchmarks on temporary databases,
never for a database people use, and nothing loaded here is committed.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from sqlalchemy import insert

from reelmatch.recommend.movielens import load_movielens
from reelmatch.store.database import Database
from reelmatch.store.mapping import movie_values
from reelmatch.store.models import MovieRow, UserMovieRow, UserRow

#: Not a bcrypt hash: nobody can log in as a benchmark user.
NO_PASSWORD = "!benchmark-user"  # noqa: S105 (a marker, not a secret)
BATCH = 5000


@dataclass(frozen=True, slots=True)
class Loaded:
    users: int
    movies: int
    ratings: int


def load_movielens_users(url: str, folder: Path, *, tmdb_csv: Path | None) -> Loaded:
    data = load_movielens(folder, tmdb_csv=tmdb_csv)
    snapshot = data.snapshot
    user_ids = sorted({int(u) for u in snapshot.user_ids.tolist()})
    now = datetime.now(UTC)
    users = [
        {"id": u, "username": f"ml{u}", "display_name": f"MovieLens {u}", "email": None,
         "password_hash": NO_PASSWORD, "role": "user", "created_at": now}
        for u in user_ids
    ]  # fmt: skip
    movies = [movie_values(feature.movie) for feature in data.features]
    ratings = [
        _rating(int(u), int(m), float(s), float(t))
        for u, m, s, t in zip(
            snapshot.user_ids.tolist(),
            snapshot.movie_ids.tolist(),
            snapshot.stars.tolist(),
            snapshot.rated_at.tolist(),
            strict=True,
        )
    ]
    database = Database.from_url(url)
    try:
        with database.engine.begin() as connection:
            for table, rows in ((UserRow, users), (MovieRow, movies), (UserMovieRow, ratings)):
                for start in range(0, len(rows), BATCH):
                    connection.execute(insert(table), rows[start : start + BATCH])
    finally:
        database.dispose()
    return Loaded(users=len(users), movies=len(movies), ratings=len(ratings))


def _rating(user_id: int, movie_id: int, stars: float, timestamp: float) -> dict[str, Any]:
    moment = datetime.fromtimestamp(timestamp, UTC)
    return {
        "user_id": user_id,
        "movie_id": movie_id,
        "rating": stars,
        "on_watchlist": False,
        "added_at": moment,
        "updated_at": moment,
        "rated_at": moment,
    }
