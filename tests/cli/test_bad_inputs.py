"""An inventory of commands × bad inputs: every one exits 2 with a message and no traceback,
and nothing is written. A new top-level command must add its rows here (the last test)."""

from __future__ import annotations

import pytest

from reelmatch.bootstrap import Services
from reelmatch.cli.main import COMMANDS
from tests.support.cli import run_cli

BAD_MOVIE_IDS = ("0", "-5", "2147483648", "99999999999999999999999", "abc", "1e3")

INVENTORY: list[tuple[str, ...]] = [
    *(("rate", "amy", bad, "4") for bad in BAD_MOVIE_IDS),
    *(("unrate", "amy", bad) for bad in BAD_MOVIE_IDS),
    *(("watchlist", "add", "amy", bad) for bad in BAD_MOVIE_IDS),
    *(("watchlist", "remove", "amy", bad) for bad in BAD_MOVIE_IDS),
    *(("watched", "amy", bad) for bad in BAD_MOVIE_IDS),
    *(("movies", "show", bad) for bad in BAD_MOVIE_IDS),
    ("rate", "ghost", "238", "4"),
    ("rate", "amy", "238", "6"),
    ("rate", "amy", "238", "nan"),
    ("watched", "amy", "238", "--on", "0001-01-01"),
    ("watched", "amy", "238", "--on", "2999-01-01"),
    ("watched", "amy", "238", "--on", "2024-13-01"),
    ("watched", "amy", "238", "--note", "x" * 5000),
    ("watchlist", "maybe", "amy", "238"),
    ("library", "ghost"),
    ("export", "amy", "--output", "no/such/folder/library.json"),
    ("export", "amy", "--format", "xml"),
    ("export", "ghost"),
    ("import", "letterboxd", "no-such-file.csv", "--user", "amy"),
    ("import", "spreadsheet", "ratings.csv", "--user", "amy"),
    ("movies", "popular", "--page", "0"),
    ("movies", "popular", "--page", "501"),
    ("movies", "search", "godfather", "--year", "abc"),
    ("recommend", "amy", "-k", "0"),
    ("recommend", "amy", "--engine", "oracle"),
    ("recommend", "ghost"),
    ("users", "add", "x", "--password-stdin"),
    ("users", "delete", "ghost", "--yes"),
    ("users", "prune-sandboxes", "--older-than", "1h"),
    ("eval", "--data", "no/such/folder"),
    ("metrics", "--since", "forever"),
    ("metrics", "--tz", "Mars/Olympus"),
    ("metrics", "rollup", "--since", "forever"),
    ("metrics", "rollup", "--since", "9999d"),
    ("lists", "list", "ghost"),
    ("lists", "show", "amy", "2147483648"),
    ("lists", "show", "amy", "abc"),
    ("lists", "show", "amy", "7"),
    ("lists", "export", "amy", "7", "--output", "no/such/folder/list.csv"),
    ("lists", "export", "amy", "0"),
    ("cache", "shred"),
    ("db", "sideways"),
    ("doctor", "--colour"),
    ("serve", "--port", "80"),
    ("worker", "--threads", "0"),
]


@pytest.fixture
def amy(monkeypatch: pytest.MonkeyPatch, db_url: str, services: Services) -> None:
    monkeypatch.setenv("DATABASE_URL", db_url)
    services.users.create_user(username="amy", password="password1")


@pytest.mark.usefixtures("amy")
@pytest.mark.parametrize("args", INVENTORY, ids=lambda args: " ".join(args)[:60])
def test_bad_input_exits_2_with_a_message_and_writes_nothing(
    args: tuple[str, ...], services: Services
) -> None:
    outcome = run_cli(*args, stdin="short\n")
    assert outcome.code == 2, (outcome.code, outcome.err)
    assert outcome.err.strip(), "no message on standard error"
    assert "Traceback" not in outcome.err
    assert "Traceback" not in outcome.out
    library = services.library.library(services.users.get_user("amy"))
    assert (library.ratings, library.watchlist, library.diary) == ((), (), ())


def test_every_command_is_in_the_inventory() -> None:
    covered = {args[0] for args in INVENTORY}
    assert set(COMMANDS) <= covered, sorted(set(COMMANDS) - covered)
