"""How KPI tiles read: units, deltas in the tile's unit, and which way is good news."""

from __future__ import annotations

import pytest

from reelmatch.domain.formatting import format_kpi
from reelmatch.services.analytics import KPI_DEFINITIONS, Kpi
from reelmatch.ui.kpi_tiles import (
    GROUPS,
    LIVE_SECONDS,
    delta_color,
    format_delta,
    grouped,
    is_timed_rerun,
)

UNITS = {key: unit for key, _, unit in KPI_DEFINITIONS}


def _kpi(key: str, value: float | None, previous: float | None) -> Kpi:
    return Kpi(key, key, UNITS.get(key, "count"), value, previous)


@pytest.mark.parametrize(
    ("key", "value", "previous", "shown", "delta"),
    [
        ("ratings", 1234, 1000, "1,234", "+234"),
        ("dau", 12.345, 13.0, "12.3", "-0.7"),
        ("stickiness", 0.2071, 0.21, "20.7%", "-0.3 pp"),
        ("ai_cost_usd", 0.9473, 1.0, "$0.9473", "-$0.0527"),
        ("cost_per_accepted_usd", 0.000184, 0.000165, "$0.00018", "+$0.000019"),
        ("ai_cost_usd", 12.5, 2.0, "$12.50", "+$10.50"),
        ("api_p95_ms", 328.4, 336.0, "328 ms", "-8 ms"),
        ("watchlist_conversion", None, 0.5, "—", None),
        ("watchlist_conversion", 0.0, 0.0, "0.0%", "no change"),
    ],
)
def test_values_and_deltas_in_the_tiles_unit(
    key: str, value: float | None, previous: float | None, shown: str, delta: str | None
) -> None:
    kpi = _kpi(key, value, previous)
    assert format_kpi(kpi, kpi.value) == shown
    assert format_delta(kpi) == delta


def test_rises_in_costs_errors_and_latency_are_bad_news() -> None:
    assert delta_color(_kpi("ratings", 2, 1)) == "normal"
    assert delta_color(_kpi("api_error_rate", 0.2, 0.1)) == "inverse"
    assert delta_color(_kpi("page_render_p95_ms", 300.0, 200.0)) == "inverse"
    assert delta_color(_kpi("ai_tokens", 2, 1)) == "off"
    assert delta_color(_kpi("ratings", 1, 1)) == "off"


def test_every_kpi_has_a_tile_once() -> None:
    kpis = [_kpi(key, 1, 1) for key, _, _ in KPI_DEFINITIONS] + [_kpi("new_kpi", 1, 1)]
    tiles = [kpi.key for _, group in grouped(kpis) for kpi in group]
    assert sorted(tiles) == sorted(kpi.key for kpi in kpis)
    assert grouped(kpis)[-1][1][-1].key == "new_kpi"  # unknown keys join the last group
    assert [title for title, _ in grouped(kpis)] == [title for title, _ in GROUPS]


def test_a_timed_rerun_asks_for_fresh_kpis_and_a_full_run_does_not() -> None:
    assert not is_timed_rerun(100.0, now=100.2)  # the page just computed them
    assert is_timed_rerun(100.0, now=100.0 + LIVE_SECONDS)  # the fragment's timer fired
