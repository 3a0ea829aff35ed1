"""The Analytics page's KPI tiles: formatting, grouping, and the "live" fragment.

With "live" on, the tiles are an `st.fragment(run_every=LIVE_SECONDS)`: every 30 s only the
tiles rerun (asking `AnalyticsService.kpis`, whose past days come from the cache), not the
charts or the rest of the page. A full page run hands the fragment the KPIs it just
computed; a timed rerun sees those are older than half the interval and asks again.
"""

from __future__ import annotations

import time
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

import streamlit as st
from streamlit.delta_generator import DeltaGenerator

from reelmatch.domain import User
from reelmatch.domain.formatting import format_kpi, format_kpi_delta
from reelmatch.services.analytics import AnalyticsService, Kpi, Period
from reelmatch.services.analytics.period import zone
from reelmatch.ui.errors import guarded

LIVE_SECONDS = 30
COLUMNS = 4

#: Tiles where a rise is bad news (the delta is drawn red when it goes up).
LOWER_IS_BETTER = frozenset(
    {
        "cost_per_accepted_usd",
        "ai_cost_usd",
        "api_error_rate",
        "rate_limited_rate",
        "api_p95_ms",
        "page_render_p95_ms",
        "errors",
    }
)
#: Tiles where up or down is neither good nor bad.
NEUTRAL = frozenset({"ai_tokens", "api_calls"})
#: Shorter tile titles where the service's label does not fit a tile (it goes in the help).
SHORT_LABELS = {
    "dau": "DAU (average)",
    "wau": "WAU (last 7 days)",
    "mau": "MAU (last 30 days)",
    "watchlist_conversion": "Watchlist → watched",
    "recommendation_acceptance": "Recs accepted",
    "cost_per_accepted_usd": "Cost per accepted rec",
    "api_calls": "Upstream calls",
}

GROUPS: tuple[tuple[str, tuple[str, ...]], ...] = (
    (
        "Engagement",
        ("active_users", "dau", "wau", "mau", "stickiness", "new_users", "ratings",
         "watchlist_adds", "watches", "searches", "watchlist_conversion"),
    ),
    (
        "Recommendations and AI spend",
        ("recommendation_acceptance", "cost_per_accepted_usd", "ai_cost_usd", "ai_tokens"),
    ),
    (
        "System health",
        ("cache_hit_rate", "api_calls", "api_p95_ms", "api_error_rate", "rate_limited_rate",
         "page_render_p95_ms", "errors"),
    ),
)  # fmt: skip


def format_delta(kpi: Kpi) -> str | None:
    """The change from the previous period in the tile's unit (ratios in percentage
    points); None when there is nothing to compare."""
    delta = kpi.delta
    if delta is None:
        return None
    return format_kpi_delta(kpi, delta)


def delta_color(kpi: Kpi) -> str:
    if kpi.key in NEUTRAL or kpi.delta == 0:
        return "off"
    return "inverse" if kpi.key in LOWER_IS_BETTER else "normal"


def grouped(kpis: Sequence[Kpi]) -> list[tuple[str, list[Kpi]]]:
    """The tiles in their groups; a KPI no group names joins the last group."""
    by_key = {kpi.key: kpi for kpi in kpis}
    groups = [(title, [by_key[k] for k in keys if k in by_key]) for title, keys in GROUPS]
    named = {key for _, keys in GROUPS for key in keys}
    groups[-1][1].extend(kpi for kpi in kpis if kpi.key not in named)
    return [(title, tiles) for title, tiles in groups if tiles]


def is_timed_rerun(computed_at: float, *, now: float) -> bool:
    """True when the tiles' KPIs are older than half the refresh interval: the fragment is
    rerunning on its timer with the KPIs of the last full run, which it must replace."""
    return now - computed_at >= LIVE_SECONDS / 2


@dataclass(frozen=True)
class TileOptions:
    compare: bool
    live: bool


def kpi_tiles(
    user: User,
    period: Period,
    kpis: list[Kpi],
    *,
    analytics: AnalyticsService,
    options: TileOptions,
) -> None:
    """The tiles for `kpis` (just computed); with `options.live`, a fragment that refreshes
    itself from `analytics`."""
    every = LIVE_SECONDS if options.live else None
    fragment = st.fragment(_tiles, run_every=every)
    fragment(analytics, user, period, kpis, options, time.monotonic())


def _tiles(
    analytics: AnalyticsService,
    user: User,
    period: Period,
    kpis: list[Kpi],
    options: TileOptions,
    computed_at: float,
) -> None:
    with guarded():
        if options.live and is_timed_rerun(computed_at, now=time.monotonic()):
            kpis = analytics.kpis(user, period)
        previous = period.previous()
        compared = f"{previous.start:%b %d} – {previous.end:%b %d}"
        for title, tiles in grouped(kpis):
            st.markdown(f"**{title}**")
            for start in range(0, len(tiles), COLUMNS):
                row = st.columns(COLUMNS)
                for column, kpi in zip(row, tiles[start : start + COLUMNS], strict=False):
                    _tile(column, kpi, compare=options.compare, compared=compared)
        if options.live:
            now = datetime.now(zone(period.timezone))
            st.caption(f"Live: updated at {now:%H:%M:%S}, every {LIVE_SECONDS} seconds.")


def _tile(column: DeltaGenerator, kpi: Kpi, *, compare: bool, compared: str) -> None:
    help_text = kpi.label
    if compare:
        help_text += f". Previous period ({compared}): {format_kpi(kpi, kpi.previous)}"
    column.metric(
        SHORT_LABELS.get(kpi.key, kpi.label),
        format_kpi(kpi, kpi.value),
        delta=format_delta(kpi) if compare else None,
        delta_color=delta_color(kpi),  # type: ignore[arg-type]
        delta_arrow="off" if kpi.delta == 0 else "auto",
        help=help_text,
        border=True,
    )
