"""The Analytics page's controls and sections: charts, their tables and CSV downloads.

Everything here renders a `TeamDashboard` the page got from one `AnalyticsService` call;
the KPI tiles are in `kpi_tiles.py`.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import timedelta

import altair as alt
import pandas as pd
import streamlit as st

from reelmatch.services.analytics import Period, TeamDashboard
from reelmatch.services.analytics.period import today_in
from reelmatch.services.analytics.series import ACTIVITY_KINDS
from reelmatch.ui import charts
from reelmatch.ui.kpi_tiles import LIVE_SECONDS, TileOptions
from reelmatch.ui.tables import frame_table

PRESETS = {"7 days": 7, "30 days": 30, "90 days": 90}
CUSTOM = "Custom"
DEFAULT_RANGE = "30 days"
NEW_SERVER = (
    "Analytics come from the events the app records as people log in, search, rate, keep "
    "watchlists and get recommendations; a new server has none yet. Try a longer range, or "
    "come back after the app has been used for a while."
)


@dataclass(frozen=True)
class Controls:
    period: Period
    options: TileOptions


def analytics_controls(timezone: str) -> Controls | None:
    """Date range (presets or custom) in the viewer's `timezone`, comparison and live
    switches; None until a custom range has both ends. Raises `InvalidInput` for a range the
    service refuses."""
    today = today_in(timezone)
    ranges, dates, switches = st.columns([3, 3, 2], vertical_alignment="bottom")
    choice = ranges.segmented_control(
        "Date range", [*PRESETS, CUSTOM], default=DEFAULT_RANGE, required=True, key="an-range"
    )
    compare = switches.toggle(
        "Compare", value=True, key="an-compare", help="Show changes from the previous period."
    )
    live = switches.toggle(
        "Live", key="an-live", help=f"Refresh the tiles every {LIVE_SECONDS} seconds."
    )
    if choice == CUSTOM:
        picked = dates.date_input(
            "From – to",
            value=(today - timedelta(days=29), today),
            max_value=today,
            key="an-dates",
        )
        if not isinstance(picked, tuple) or len(picked) != 2:
            st.info("Pick the last day of the range too.", icon=":material/date_range:")
            return None
        period = Period(picked[0], picked[1], timezone)
    else:
        period = Period.last(PRESETS[choice or DEFAULT_RANGE], timezone=timezone)
    before = period.previous()
    st.caption(
        f"{period.start:%a %d %b %Y} – {period.end:%a %d %b %Y} ({period.days} days) in your "
        f"time zone, {timezone} (Settings → Preferences)"
        + (f"; compared with {before.start:%d %b} – {before.end:%d %b %Y}." if compare else ".")
    )
    return Controls(period, TileOptions(compare=compare, live=live))


def has_activity(board: TeamDashboard) -> bool:
    counted = board.activity[["active_users", *ACTIVITY_KINDS]].to_numpy().sum()
    return bool(counted) or bool(board.api_errors["calls"].sum()) or bool(len(board.page_render))


def dashboard_sections(board: TeamDashboard, *, compare: bool) -> None:
    if not has_activity(board):
        st.info(
            f"Nothing was recorded from {board.period.start:%d %b} to "
            f"{board.period.end:%d %b %Y}. {NEW_SERVER}",
            icon=":material/hourglass_empty:",
        )
    tabs = st.tabs(list(TABS), key="an-tab", on_change="rerun")
    for tab, sections in zip(tabs, TABS.values(), strict=True):
        if tab.open:  # only the open tab's charts are built (10-20 ms each)
            with tab:
                for section in sections(board, compare):
                    draw(section, board=board)


@dataclass(frozen=True)
class Section:
    """A chart with the table behind it; `empty` (why there is nothing) replaces both."""

    title: str
    frame: pd.DataFrame
    chart: Callable[[], alt.Chart | alt.LayerChart]
    name: str
    empty: str | None = None


def draw(section: Section, *, board: TeamDashboard) -> None:
    st.subheader(section.title)
    if section.empty is not None:
        st.caption(section.empty)
        return
    st.altair_chart(section.chart(), width="stretch")
    frame_table(section.frame, name=section.name, period=(board.period.start, board.period.end))


def _engagement(board: TeamDashboard, compare: bool) -> list[Section]:
    activity, movies, genres = board.activity, board.top_movies, board.top_genres
    previous = board.previous_activity if compare else None
    actions = activity[list(charts.ACTIONS)].to_numpy().sum()
    return [
        Section("Active users per day", activity,
                lambda: charts.active_users(activity, previous), "activity",
                None if has_activity(board) else "Nobody used the app in these days."),
        Section("Actions per day", activity, lambda: charts.actions_per_day(activity),
                "actions", None if actions else "No ratings, watchlist adds, watches or "
                "searches in these days."),
        Section("New users per day", activity, lambda: charts.per_day_lines(
                activity, columns={"new_users": "New users"}, title="New users"), "new-users",
                None if activity["new_users"].sum() else "Nobody signed up in these days."),
        _conversion(board),
        Section("Most rated movies", movies, lambda: charts.ranked_bars(
                movies, label="title", value="ratings", title="Ratings"), "top-movies",
                None if len(movies) else "No ratings in these days."),
        Section("Most rated genres", genres, lambda: charts.ranked_bars(
                genres, label="genre", value="ratings", title="Ratings"), "top-genres",
                None if len(genres) else "No ratings in these days."),
    ]  # fmt: skip


def _conversion(board: TeamDashboard) -> Section:
    done = board.conversion
    table = pd.DataFrame(
        [{"watchlisted": done.watchlisted, "converted": done.converted,
          "window_days": done.window_days, "rate": done.rate}]
    )  # fmt: skip
    return Section(
        f"Watchlist → watched within {done.window_days} days",
        table,
        lambda: charts.conversion(done.watchlisted, done.converted, window_days=done.window_days),
        "conversion",
        None if done.watchlisted else "Nobody added a movie to a watchlist in these days.",
    )


def _recommendations(board: TeamDashboard, compare: bool) -> list[Section]:
    recs = board.recommendations
    shown = int(recs["shown"].sum()) if len(recs) else 0
    paid = len(recs) and bool((recs["cost_per_accepted_usd"].fillna(0) > 0).any())
    return [
        Section("Acceptance by engine", recs, lambda: charts.acceptance_by_engine(recs),
                "recommendations",
                None if shown else "No recommendations were shown in these days."),
        Section("Cost per accepted recommendation", recs,
                lambda: charts.cost_per_accepted(recs), "cost-per-accepted",
                None if paid else "No accepted recommendation cost anything in these days "
                "(the local engine is free; AI picks cost what OpenAI charges)."),
    ]  # fmt: skip


def _health(board: TeamDashboard, compare: bool) -> list[Section]:
    cache, api, latency = board.cache_hit_rate, board.api_errors, board.api_latency
    pages = board.page_render
    offline = "None in these days (the offline catalog makes no upstream calls)."
    rates = {"error_rate": "Errors (incl. 429)", "rate_limited_rate": "429 Too Many Requests"}
    return [
        Section("Cache hit rate", cache, lambda: charts.cache_hit_rate(cache),
                "cache-hit-rate", None if len(cache) else offline),
        Section("API latency per endpoint", latency, lambda: charts.p50_p95_bars(
                latency, label="endpoint", title="Milliseconds"), "api-latency",
                None if len(latency) else offline),
        Section("API error rate", api, lambda: charts.per_day_lines(
                api, columns=rates, title="Share of calls", percent=True), "api-errors",
                None if api["calls"].sum() else offline),
        Section("Page render time", pages, lambda: charts.p50_p95_bars(
                pages, label="page", title="Milliseconds"), "page-render",
                None if len(pages) else "No page views in these days."),
    ]  # fmt: skip


def _spend(board: TeamDashboard, compare: bool) -> list[Section]:
    ai = board.ai_usage
    quiet = "No OpenAI calls in these days (recommendations used the local engine)."
    return [
        Section("OpenAI tokens and cost per day", ai, lambda: charts.tokens_and_cost(ai),
                "ai-usage", None if ai["calls"].sum() else quiet),
    ]  # fmt: skip


#: The tabs below the tiles and the sections each shows (given the board and whether to
#: compare with the previous period).
TABS: dict[str, Callable[[TeamDashboard, bool], list[Section]]] = {
    "Engagement": _engagement,
    "Recommendations": _recommendations,
    "System health": _health,
    "AI spend": _spend,
}
