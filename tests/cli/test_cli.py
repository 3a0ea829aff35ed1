from __future__ import annotations

import pytest

from reelmatch.bootstrap import Services
from tests.support.cli import run_cli


@pytest.fixture
def cli_env(monkeypatch: pytest.MonkeyPatch, db_url: str) -> str:
    monkeypatch.setenv("DATABASE_URL", db_url)
    return db_url


def test_users_add_list_delete(cli_env: str) -> None:
    added = run_cli(
        "users", "add", "Zoe", "--admin", "--password-stdin", "--json", stdin="long-password\n"
    )
    assert added.code == 0, added.err
    assert added.json()["role"] == "admin"

    listed = run_cli("users", "list", "--json")
    assert [u["username"] for u in listed.json()] == ["zoe"]

    duplicate = run_cli("users", "add", "ZOE", "--password-stdin", stdin="long-password\n")
    assert duplicate.code == 2
    assert "taken" in duplicate.err

    deleted = run_cli("users", "delete", "zoe", "--yes")
    assert deleted.code == 0
    assert run_cli("users", "list", "--json").json() == []


def test_library_commands(cli_env: str, services: Services) -> None:
    services.users.create_user(username="amy", password="password1")
    assert run_cli("rate", "amy", "238", "4.5").code == 0
    assert run_cli("watchlist", "add", "amy", "603").code == 0
    assert run_cli("watched", "amy", "680", "--on", "2024-02-29", "--rewatch").code == 0

    library = run_cli("library", "amy", "--json").json()
    assert [(r["movie"]["title"], r["rating"]) for r in library["ratings"]] == [
        ("The Godfather", 4.5)
    ]
    assert [w["movie"]["title"] for w in library["watchlist"]] == ["The Matrix"]
    assert library["diary"][0]["watched_on"] == "2024-02-29"
    assert library["diary"][0]["rewatch"] is True
    logged = run_cli("watched", "amy", "238", "--note", "again", "--json")
    assert logged.code == 0, logged.err
    assert (logged.json()["movie"]["id"], logged.json()["note"]) == (238, "again")

    assert run_cli("unrate", "amy", "238").code == 0
    assert run_cli("watchlist", "remove", "amy", "603").code == 0
    exported = run_cli("export", "amy", "--format", "json").json()
    assert exported["ratings"] == []
    assert exported["watchlist"] == []


@pytest.mark.parametrize(
    ("args", "code", "message"),
    [
        (("rate", "amy", "238", "5.5"), 2, "between 0.5 and 5"),
        (("rate", "amy", "238", "abc"), 2, "number of stars"),
        (("rate", "nobody", "238", "4"), 2, "no user called"),
        (("rate", "amy", "999999999", "4"), 2, "movie with TMDB id 999999999"),
        (("rate", "amy", "not-a-number", "4"), 2, "not a TMDB movie id"),
        (("watched", "amy", "238", "--on", "yesterday"), 2, "yesterday"),
        (("library", "ghost"), 2, "no user called"),
    ],
)
def test_bad_input_exits_2_with_a_message(
    cli_env: str, services: Services, args: tuple[str, ...], code: int, message: str
) -> None:
    services.users.create_user(username="amy", password="password1")
    outcome = run_cli(*args)
    assert outcome.code == code
    assert message in outcome.err
    assert "Traceback" not in outcome.err
    assert run_cli("library", "amy", "--json").json()["ratings"] == []


def test_cli_cannot_reach_another_users_rows(cli_env: str, services: Services) -> None:
    amy = services.users.create_user(username="amy", password="password1")
    services.users.create_user(username="ben", password="password1")
    services.library.rate_movie(amy, 238, 5)
    services.library.log_watch(amy, 238, note="amy only")

    assert run_cli("unrate", "ben", "238").out.strip() == "There was no rating to remove."
    ben = run_cli("library", "ben", "--json").json()
    assert ben == {"ratings": [], "watchlist": [], "diary": []}
    assert "amy only" not in run_cli("export", "ben").out
    assert run_cli("library", "amy", "--json").json()["ratings"][0]["rating"] == 5.0


def test_doctor_reports_each_part(cli_env: str) -> None:
    outcome = run_cli("doctor", "--json")
    assert outcome.code == 0, outcome.out + outcome.err
    checks = {c["name"]: c for c in outcome.json()}
    assert set(checks) == {
        "config",
        "database",
        "cache",
        "tmdb",
        "openai",
        "recommender",
        "events",
        "jobs",
    }
    assert all(c["ok"] for c in checks.values())
    assert "offline" in checks["tmdb"]["detail"]
    assert "run by the app process" in checks["jobs"]["detail"]


def test_doctor_says_what_the_recommendation_model_was_trained_on(
    cli_env: str, services: Services
) -> None:
    def recommender() -> dict[str, object]:
        outcome = run_cli("doctor", "--json")
        assert outcome.code == 0, outcome.out + outcome.err
        return next(c for c in outcome.json() if c["name"] == "recommender")

    before = recommender()
    assert before["ok"] is True
    assert "no model in the data directory yet" in str(before["detail"])
    for name, movies in (("amy", (238, 680)), ("ben", (238,))):
        person = services.users.create_user(username=name, password="password1")
        for movie in movies:
            services.library.rate_movie(person, movie, 4.0)
    services.recommendations.retrain()
    after = recommender()
    assert after["ok"] is True
    assert "model trained" in str(after["detail"])
    assert "on 3 ratings by 2 users" in str(after["detail"])


def test_doctor_fails_on_an_unreachable_database(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(
        "DATABASE_URL", "postgresql+psycopg://nobody:hunter2@127.0.0.1:1/none?connect_timeout=2"
    )
    outcome = run_cli("doctor", "--json")
    assert outcome.code == 1
    database = next(c for c in outcome.json() if c["name"] == "database")
    assert database["ok"] is False
    assert "hunter2" not in outcome.out + outcome.err


def test_invalid_settings_exit_2(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("TMDB_RATE_LIMIT", "lots")
    outcome = run_cli("doctor")
    assert outcome.code == 2
    assert "TMDB_RATE_LIMIT" in outcome.err


def test_lists_commands(cli_env: str, services: Services) -> None:
    amy = services.users.create_user(username="amy", password="password1")
    made = services.lists.create(amy, "Best", ranked=True)
    services.lists.add_movie(amy, made.id, 603)
    services.lists.add_movie(amy, made.id, 238)
    listed = run_cli("lists", "list", "amy", "--json")
    assert listed.json() == [{"id": made.id, "name": "Best", "ranked": "yes", "public": ""}]
    shown = run_cli("lists", "show", "amy", str(made.id), "--json").json()
    assert [(i["position"], i["title"]) for i in shown["items"]] == [
        (1, "The Matrix"), (2, "The Godfather"),
    ]  # fmt: skip
    exported = run_cli("lists", "export", "amy", str(made.id))
    assert exported.code == 0, exported.err
    assert exported.out.splitlines()[0] == "Letterboxd list export v7"
    assert "1,The Matrix,1999" in exported.out
    missing = run_cli("lists", "show", "amy", "9999")
    assert missing.code == 2
