"""`python -m reelmatch eval` on a MovieLens-format folder the test writes itself."""

from __future__ import annotations

import csv
import json
from pathlib import Path

import pytest

from reelmatch.recommend.movielens import load_movielens
from tests.recommend import world
from tests.support.cli import run_cli

OFFSET = 5000  # MovieLens ids are world ids + OFFSET; links.csv maps them back


def write_movielens(folder: Path, *, links: bool = True, movies: bool = True) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    snapshot = world.snapshot()
    with (folder / "ratings.csv").open("w", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(["userId", "movieId", "rating", "timestamp"])
        for user, movie, stars, moment in zip(
            snapshot.user_ids.tolist(),
            snapshot.movie_ids.tolist(),
            snapshot.stars.tolist(),
            snapshot.rated_at.tolist(),
            strict=True,
        ):
            writer.writerow([user, movie + OFFSET, f"{stars:g}", int(moment)])
    if movies:
        with (folder / "movies.csv").open("w", newline="") as handle:
            writer = csv.writer(handle)
            writer.writerow(["movieId", "title", "genres"])
            for movie in world.MOVIES:
                genres = "|".join("Sci-Fi" if g == "Science Fiction" else g for g in movie.genres)
                writer.writerow([movie.id + OFFSET, f"{movie.title} ({movie.year})", genres])
    if links:
        with (folder / "links.csv").open("w", newline="") as handle:
            writer = csv.writer(handle)
            writer.writerow(["movieId", "imdbId", "tmdbId"])
            for movie in world.MOVIES:
                writer.writerow([movie.id + OFFSET, "0000001", "" if movie.id == 305 else movie.id])
    return folder


def write_tmdb(path: Path) -> Path:
    with path.open("w", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(
            [
                "id",
                "title",
                "genres",
                "keywords",
                "release_date",
                "vote_average",
                "vote_count",
                "popularity",
            ]
        )
        for movie in world.SCIFI + world.CRIME:
            genres = json.dumps([{"id": 1, "name": g} for g in movie.genres])
            keywords = json.dumps([{"id": 2, "name": k} for k in movie.keywords])
            writer.writerow(
                [movie.id, movie.title, genres, keywords, "1999-03-31", "7.5", "900", "12.5"]
            )
    return path


@pytest.fixture
def movielens(tmp_path: Path) -> Path:
    return write_movielens(tmp_path / "ml")


def test_eval_prints_a_table_beside_the_popularity_baseline(
    movielens: Path, tmp_path: Path
) -> None:
    outcome = run_cli(
        "eval", "--data", str(movielens), "--tmdb", str(write_tmdb(tmp_path / "t.csv"))
    )
    assert outcome.code == 0, outcome.err
    lines = outcome.out.splitlines()
    assert "(14 with TMDB metadata)" in lines[0]
    header = next(line for line in lines if line.startswith("engine"))
    assert header.split() == [
        "engine",
        "NDCG@10",
        "Recall@10",
        "Coverage@10",
        "train",
        "s",
        "p50",
        "ms",
        "p95",
        "ms",
    ]
    engines = [line.split()[0] for line in lines[lines.index(header) + 1 :]]
    assert engines == ["hybrid", "popular"]
    assert "hybrid: recommending" in outcome.err  # progress goes to stderr


def test_eval_json_shape(movielens: Path) -> None:
    outcome = run_cli(
        "eval",
        "--data",
        str(movielens),
        "--json",
        "--engine",
        "content",
        "--engine",
        "popular",
        "-k",
        "5",
    )
    assert outcome.code == 0, outcome.err
    data = outcome.json()
    assert set(data) == {"dataset", "protocol", "engines"}
    assert data["dataset"]["users"] == 40
    assert data["dataset"]["movies"] == len(set(world.snapshot().movie_ids.tolist()))
    assert data["protocol"]["k"] == 5
    assert data["protocol"]["positive_stars"] == 4.0
    assert data["protocol"]["test_users"] > 0
    assert [e["engine"] for e in data["engines"]] == ["content", "popular"]
    for engine in data["engines"]:
        assert set(engine) == {
            "engine",
            "ndcg",
            "recall",
            "coverage",
            "train_seconds",
            "latency_ms",
            "users",
        }
        assert 0.0 <= engine["ndcg"] <= 1.0
        assert 0.0 <= engine["recall"] <= 1.0
        assert 0.0 < engine["coverage"] <= 1.0
        assert set(engine["latency_ms"]) == {"p50", "p95"}
        assert engine["users"] == data["protocol"]["test_users"]


def test_without_links_the_ids_stay_movielens_ids(tmp_path: Path) -> None:
    folder = write_movielens(tmp_path / "ml", links=False)
    data = load_movielens(folder, tmdb_csv=write_tmdb(tmp_path / "t.csv"))
    assert min(data.snapshot.movie_ids.tolist()) > OFFSET
    assert data.with_metadata == 0
    assert any("--tmdb was ignored" in note for note in data.notes)
    heat = next(f.movie for f in data.features if f.movie.id == 201 + OFFSET)
    assert heat.title == "Heat"
    assert heat.year == 1995
    outcome = run_cli("eval", "--data", str(folder), "--json")
    assert outcome.code == 0, outcome.err
    assert "note: No links.csv" in outcome.err


def test_links_map_to_tmdb_ids_and_titles_read_naturally(tmp_path: Path) -> None:
    folder = write_movielens(tmp_path / "ml")
    (folder / "movies.csv").write_text(
        'movieId,title,genres\n5203,"Town, The (2010)",Crime|Sci-Fi|IMAX\n'
    )
    data = load_movielens(folder)
    town = next(f.movie for f in data.features if f.movie.id == 203)
    assert town.title == "The Town"
    assert town.genres == ("Crime", "Science Fiction")
    assert any(f.movie.id == -(305 + OFFSET) for f in data.features)  # no tmdbId → −movieId


@pytest.mark.parametrize(
    ("setup", "message"),
    [
        (lambda f: (f / "ratings.csv").unlink(), "does not exist"),
        (
            lambda f: (f / "ratings.csv").write_text("user,movie,stars\n1,2,3\n"),
            "lacks the column(s) userId",
        ),
        (
            lambda f: (f / "ratings.csv").write_text("userId,movieId,rating,timestamp\n1,2,x,4\n"),
            "line 2",
        ),
        (
            lambda f: (f / "ratings.csv").write_text("userId,movieId,rating,timestamp\n1,2,7,4\n"),
            "0.5–5",
        ),
        (
            lambda f: (f / "ratings.csv").write_text("userId,movieId,rating,timestamp\n"),
            "no ratings",
        ),
        (lambda f: (f / "ratings.csv").write_bytes(b"\xff\xfe\x00bad"), "not a readable CSV"),
        (lambda f: (f / "links.csv").write_text("movieId,tmdbId\nabc,1\n"), "links.csv line 2"),
    ],
    ids=["missing", "columns", "value", "stars", "empty", "encoding", "links"],
)
def test_bad_input_exits_2_with_a_message(movielens: Path, setup: object, message: str) -> None:
    setup(movielens)  # type: ignore[operator]
    outcome = run_cli("eval", "--data", str(movielens))
    assert outcome.code == 2
    assert message in outcome.err
    assert "Traceback" not in outcome.err
    assert outcome.out == ""


def test_missing_folder_and_bad_tmdb_file_exit_2(movielens: Path, tmp_path: Path) -> None:
    outcome = run_cli("eval", "--data", str(tmp_path / "nowhere"))
    assert outcome.code == 2
    assert "is not a folder" in outcome.err
    bad = tmp_path / "bad.csv"
    bad.write_text('id,title,genres,keywords\n1,X,"[not json",[]\n')
    outcome = run_cli("eval", "--data", str(movielens), "--tmdb", str(bad))
    assert outcome.code == 2
    assert "bad.csv line 2" in outcome.err
    outcome = run_cli("eval", "--data", str(movielens), "--tmdb", str(tmp_path / "none.csv"))
    assert outcome.code == 2
    assert "does not exist" in outcome.err


def test_usage_errors_exit_2(movielens: Path) -> None:
    assert run_cli("eval").code == 2
    assert run_cli("eval", "--data", str(movielens), "--engine", "telepathy").code == 2
    assert run_cli("eval", "--data", str(movielens), "-k", "0").code == 2
