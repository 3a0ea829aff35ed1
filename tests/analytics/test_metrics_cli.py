"""`metrics`, `metrics prune` and the event queue line of `doctor`."""

from __future__ import annotations

import json
from datetime import date, datetime, time, timedelta

import pytest
from sqlalchemy import func, select

from reelmatch.bootstrap import Services
from reelmatch.services.analytics import Period
from reelmatch.store.models import EventDailyRow, EventRow
from reelmatch.store.types import utcnow
from tests.analytics.conftest import Week, add_events
from tests.support.cli import run_cli

WEEK = Period(date(2026, 3, 1), date(2026, 3, 7))


@pytest.fixture
def cli_env(monkeypatch: pytest.MonkeyPatch, db_url: str) -> str:
    monkeypatch.setenv("DATABASE_URL", db_url)
    return db_url


def test_metrics_json_equals_the_service(cli_env: str, services: Services, week: Week) -> None:
    outcome = run_cli("metrics", "--since", "7d", "--end", "2026-03-07", "--json")
    assert outcome.code == 0, outcome.err
    printed = outcome.json()
    assert printed["period"] == {"start": "2026-03-01", "end": "2026-03-07", "timezone": "UTC"}
    expected = [kpi.as_dict() for kpi in services.analytics.kpis(week.admin, WEEK)]
    assert printed["kpis"] == json.loads(json.dumps(expected))
    assert {k["key"]: k["value"] for k in printed["kpis"]}["active_users"] == 2


def test_metrics_table_for_people(cli_env: str, services: Services, week: Week) -> None:
    outcome = run_cli("metrics", "--since", "1w", "--end", "2026-03-07")
    assert outcome.code == 0, outcome.err
    assert "2026-03-01 – 2026-03-07 (UTC)" in outcome.out
    line = next(row for row in outcome.out.splitlines() if row.startswith("Cache hit rate"))
    assert line.split()[-3:] == ["20.0%", "0.0%", "–"]  # no relative change from zero


def test_metrics_rejects_bad_ranges(cli_env: str) -> None:
    assert run_cli("metrics", "--since", "soon").code == 2
    outcome = run_cli("metrics", "--tz", "Nowhere/Atlantis")
    assert outcome.code == 2
    assert "time zone" in outcome.err


def _old_events(services: Services, week: Week) -> tuple[date, date]:
    """Two old days of events (one late-evening) and one recent event."""
    old = utcnow().date() - timedelta(days=500)
    older = old - timedelta(days=40)

    def ts(day: date, hour: int) -> datetime:
        return datetime.combine(day, time(hour), tzinfo=utcnow().tzinfo)

    add_events(
        services,
        [
            (ts(older, 9), "login", week.u1, None, {}),
            (ts(old, 9), "login", week.u1, None, {}),
            (ts(old, 10), "rating_set", week.u1, None, {"movie_id": 238}),
            (ts(old, 11), "rating_set", week.u2, None, {"movie_id": 155}),
            (
                ts(old, 12),
                "api_call",
                None,
                30.0,
                {"service": "tmdb", "endpoint": "/movie/{id}", "status": 429, "cache": "miss"},
            ),
            (ts(old, 13), "ai_usage", None, None, {"model": "m", "tokens": 7, "cost_usd": 0.5}),
            (utcnow() - timedelta(days=1), "login", week.u2, None, {}),
        ],
    )
    return older, old


def test_prune_rolls_old_events_into_daily_rows(
    cli_env: str, services: Services, week: Week
) -> None:
    older, old = _old_events(services, week)
    before = services.analytics.activity(week.admin, Period(older, old))
    outcome = run_cli("metrics", "prune", "--older-than", "400d", "--json")
    assert outcome.code == 0, outcome.err
    result = outcome.json()
    assert result["events_removed"] == 6  # the week's events and yesterday's login stay
    with services.database.session(read_only=True) as session:
        left = session.scalar(
            select(func.count()).select_from(EventRow).where(EventRow.ts < _cut())
        )
        daily = {
            (r.day, r.kind, r.service, r.subject): r for r in session.scalars(select(EventDailyRow))
        }
    assert left == 0
    assert daily[(old, "rating_set", "", "")].events == 2
    assert daily[(old, "rating_set", "", "")].users == 2
    assert daily[(old, "*", "", "")].users == 2
    api = daily[(old, "api_call", "tmdb", "/movie/{id}")]
    assert (api.events, api.failed, api.rate_limited, api.cache_lookups) == (1, 1, 1, 1)
    assert daily[(old, "ai_usage", "", "m")].tokens == 7
    after = services.analytics.activity(week.admin, Period(older, old))
    assert after[["day", "active_users", "ratings", "logins"]].equals(
        before[["day", "active_users", "ratings", "logins"]]
    )
    again = run_cli("metrics", "prune", "--older-than", "400d", "--json").json()
    assert again["events_removed"] == 0


def _cut() -> datetime:
    return datetime.combine(utcnow().date() - timedelta(days=400), time(), tzinfo=utcnow().tzinfo)


def test_prune_refuses_a_short_retention(cli_env: str) -> None:
    outcome = run_cli("metrics", "prune", "--older-than", "7d")
    assert outcome.code == 2
    assert "at least" in outcome.err


def test_doctor_shows_the_event_queue(cli_env: str) -> None:
    outcome = run_cli("doctor", "--json")
    events = next(c for c in outcome.json() if c["name"] == "events")
    assert events["ok"] is True
    assert "queue 0/10000, 0 dropped" in events["detail"]
    assert "events stored in the last 24 h" in events["detail"]
