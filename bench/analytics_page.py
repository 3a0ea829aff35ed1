"""The Analytics page as the server runs it: AppTest runs app.py logged in as an admin
against the benchmark's database and times whole runs of the page for each preset range.

"cold cache" empties the analytics entries of the app's cache before each run (the first
view after a restart, or after `CLOSED_TTL_SECONDS`); "past days cached" is every later
view and every rerun (a toggle, a tab); "live tiles refresh" is what the "live" fragment
asks every 30 seconds (`AnalyticsService.kpis`). Times include AppTest reading the page's
elements back, not the browser drawing the charts.
"""

from __future__ import annotations

import os
from collections.abc import Callable
from typing import Any

import streamlit as st
from streamlit.testing.v1 import AppTest

from bench.common import summary, timed_ms
from reelmatch.domain import User
from reelmatch.services.analytics import Period
from reelmatch.ui import routing
from reelmatch.ui.analytics_view import CUSTOM, PRESETS
from reelmatch.ui.state import get_services
from reelmatch.ui.zones import user_timezone
from tests.support.apptest import app_as


def measure_page(
    url: str, admin: User, *, repeat: int, custom_days: int | None = None
) -> dict[str, dict[str, float]]:
    """Each preset range, then a custom range of `custom_days` ending today, if given."""
    os.environ["DATABASE_URL"] = url
    st.cache_resource.clear()
    at = app_as(admin, page=routing.ANALYTICS)
    _check(at)
    services = get_services()  # the app's own, shared with the AppTest runs
    results: dict[str, dict[str, float]] = {}
    ranges = list(PRESETS.items())
    if custom_days:
        ranges.append((f"custom {custom_days} days", custom_days))
    for label, days in ranges:
        period = Period.last(days, timezone=user_timezone(services.users, admin))
        if label in PRESETS:
            at.segmented_control(key="an-range").set_value(label).run()
        else:
            at.segmented_control(key="an-range").set_value(CUSTOM).run()
            at.date_input(key="an-dates").set_value((period.start, period.end)).run()
        _check(at)

        def cold() -> None:
            services.cache.invalidate_prefix("analytics:")
            at.run()

        def refresh(period: Period = period) -> object:
            return services.analytics.kpis(admin, period)

        runs: dict[str, Callable[[], Any]] = {
            f"page, {label}, cold cache": cold,
            f"page, {label}, past days cached": at.run,
            f"live tiles refresh, {label}": refresh,
        }
        for name, run in runs.items():
            results[name] = summary(timed_ms(run, repeat=repeat))
        _check(at)
    st.cache_resource.clear()  # closes the app's services before the database goes
    return results


def _check(at: AppTest) -> None:
    if at.exception or at.error:
        problems = [e.message for e in at.exception] + [e.value for e in at.error]
        raise RuntimeError(f"the Analytics page failed: {problems}")
    if len(at.metric) < 20:
        raise RuntimeError("the Analytics page showed no KPI tiles")
