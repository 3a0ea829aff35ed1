"""`doctor --deep` asks TMDB and OpenAI (one cheap request each); plain `doctor` never does."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from tests.support.cli import run_cli
from tests.support.fake_openai import FakeOpenAI
from tests.support.fake_tmdb import API_KEY, FakeTmdb


@pytest.fixture
def live(monkeypatch: pytest.MonkeyPatch, db_url: str) -> Iterator[tuple[FakeTmdb, FakeOpenAI]]:
    with FakeTmdb() as tmdb, FakeOpenAI() as openai:
        monkeypatch.setenv("DATABASE_URL", db_url)
        monkeypatch.setenv("TMDB_API_KEY", API_KEY)
        monkeypatch.setenv("TMDB_API_BASE", tmdb.base_url)
        monkeypatch.setenv("OPENAI_API_KEY", "sk-test-0123456789abcdef")
        monkeypatch.setenv("OPENAI_BASE_URL", openai.base_url)
        yield tmdb, openai


def _checks(*args: str) -> tuple[int, dict[str, dict[str, object]]]:
    outcome = run_cli("doctor", "--json", *args)
    return outcome.code, {check["name"]: check for check in outcome.json()}


def test_plain_doctor_asks_nobody(live: tuple[FakeTmdb, FakeOpenAI]) -> None:
    tmdb, openai = live
    code, checks = _checks()
    assert code == 0
    assert (tmdb.requests(), openai.request_count) == (0, 0)
    assert "answered" not in str(checks["tmdb"]["detail"])


def test_deep_doctor_asks_each_once(live: tuple[FakeTmdb, FakeOpenAI]) -> None:
    tmdb, openai = live
    code, checks = _checks("--deep")
    assert code == 0, checks
    assert tmdb.requests("configuration") == 1
    assert [r.path for r in openai.requests] == ["/v1/models/gpt-4o-mini"]
    assert "answered just now" in str(checks["tmdb"]["detail"])
    assert "answered just now" in str(checks["openai"]["detail"])


def test_deep_doctor_fails_on_a_refused_key_and_a_dead_tmdb(
    live: tuple[FakeTmdb, FakeOpenAI],
) -> None:
    tmdb, openai = live
    tmdb.inject("500", times=5, path="/3/configuration")
    openai.push(openai.error(401, message="Incorrect API key provided"))
    code, checks = _checks("--deep")
    assert code == 1
    assert (checks["tmdb"]["ok"], checks["openai"]["ok"]) == (False, False)
    assert "did not answer" in str(checks["tmdb"]["detail"])
    assert "sk-test" not in str(checks["openai"]["detail"])
