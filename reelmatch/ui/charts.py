"""Altair charts for the Analytics and My stats pages, built from the services' tidy frames.

Each function takes a frame exactly as a service returns it and returns a chart; the data
behind the charts is tested at the service level (AppTest shows altair charts as
`UnknownElement`). Days are the viewer's local days, sent to the browser as plain ISO dates
and drawn with UTC time units, so the browser's own time zone cannot shift them.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import altair as alt
import pandas as pd

DAY = alt.X("utcyearmonthdate(day):T", title=None)
HEIGHT = 260
#: Pixels per category on horizontal bar charts, and how much of a label to show.
ROW = 30
LABELS = alt.Axis(labelLimit=260, labelOverlap=False)
THIS, BEFORE = "This period", "Previous period"

#: Activity columns drawn as "actions per day", with their legend names.
ACTIONS = {
    "ratings": "Ratings",
    "watchlist_adds": "Watchlist adds",
    "watches": "Watches logged",
    "searches": "Searches",
}


def _with_iso_days(frame: pd.DataFrame) -> pd.DataFrame:
    return frame.assign(day=[day.isoformat() for day in frame["day"]])


def _long(frame: pd.DataFrame, columns: dict[str, str], *, keep: Sequence[str]) -> pd.DataFrame:
    """`columns` (name → legend label) melted into `series` / `value` rows."""
    renamed = frame[[*keep, *columns]].rename(columns=columns)
    return renamed.melt(id_vars=list(keep), var_name="series", value_name="value")


def active_users(activity: pd.DataFrame, previous: pd.DataFrame | None = None) -> alt.Chart:
    """Active users per day; with `previous`, the previous period's line drawn on the same
    days (its first day over this period's first day), dashed."""
    current = _with_iso_days(activity).assign(period=THIS)
    lines = current[["day", "active_users", "period"]]
    if previous is not None and len(previous) == len(activity):
        shifted = previous.assign(day=list(current["day"]), period=BEFORE)
        lines = pd.concat([lines, shifted[["day", "active_users", "period"]]], ignore_index=True)
    chart: alt.Chart = (
        alt.Chart(lines, height=HEIGHT)
        .mark_line(point=True)
        .encode(
            x=DAY,
            y=alt.Y("active_users:Q", title="Active users"),
            color=alt.Color(
                "period:N",
                title=None,
                scale=alt.Scale(domain=[THIS, BEFORE], range=["#1c83e1", "#9aa0a6"]),
                legend=alt.Legend(orient="bottom"),
            ),
            strokeDash=alt.StrokeDash(
                "period:N",
                scale=alt.Scale(domain=[THIS, BEFORE], range=[[1, 0], [5, 4]]),
                legend=None,
            ),
            tooltip=[alt.Tooltip("day:N", title="Day"), "period:N", "active_users:Q"],
        )
    )
    return chart


def actions_per_day(activity: pd.DataFrame) -> alt.Chart:
    data = _long(_with_iso_days(activity), ACTIONS, keep=["day"])
    chart: alt.Chart = (
        alt.Chart(data, height=HEIGHT)
        .mark_bar()
        .encode(
            x=DAY,
            y=alt.Y("value:Q", title="Actions", stack=True),
            color=alt.Color("series:N", title=None, legend=alt.Legend(orient="bottom")),
            tooltip=[alt.Tooltip("day:N", title="Day"), "series:N", "value:Q"],
        )
    )
    return chart


def conversion(watchlisted: int, converted: int, *, window_days: int) -> alt.Chart:
    data = pd.DataFrame(
        {
            "step": ["Watchlisted", f"Watched within {window_days} days"],
            "movies": [watchlisted, converted],
        }
    )
    chart: alt.Chart = (
        alt.Chart(data, height=2 * ROW)
        .mark_bar()
        .encode(
            y=alt.Y("step:N", title=None, sort=None, axis=LABELS),
            x=alt.X("movies:Q", title="Movies"),
            tooltip=["step:N", "movies:Q"],
        )
    )
    return chart


def ranked_bars(frame: pd.DataFrame, *, label: str, value: str, title: str) -> alt.Chart:
    """Horizontal bars in the frame's order (the services rank them)."""
    tooltip = [c for c in frame.columns if c not in ("movie_id",)]
    chart: alt.Chart = (
        alt.Chart(frame, height=ROW * max(2, len(frame)))
        .mark_bar()
        .encode(
            y=alt.Y(f"{label}:N", title=None, sort=None, axis=LABELS),
            x=alt.X(f"{value}:Q", title=title, axis=alt.Axis(tickMinStep=1, format="~s")),
            tooltip=tooltip,
        )
    )
    return chart


def acceptance_by_engine(recommendations: pd.DataFrame) -> alt.Chart:
    return _engine_bars(
        recommendations,
        value="acceptance_rate",
        title="Accepted",
        axis_format="%",
        tooltip=[
            "shown:Q",
            "accepted:Q",
            alt.Tooltip("acceptance_rate:Q", format=".1%"),
            alt.Tooltip("cost_per_accepted_usd:Q", format="$.4f"),
        ],
    )


def cost_per_accepted(recommendations: pd.DataFrame) -> alt.Chart:
    """What one accepted recommendation cost, per engine (engines with no acceptance left out)."""
    return _engine_bars(
        recommendations[recommendations["cost_per_accepted_usd"].notna()],
        value="cost_per_accepted_usd",
        title="USD",
        axis_format="$.4f",
        tooltip=[
            "accepted:Q",
            alt.Tooltip("cost_usd:Q", format="$.4f"),
            alt.Tooltip("cost_per_accepted_usd:Q", format="$.4f"),
        ],
    )


def _engine_bars(
    frame: pd.DataFrame, *, value: str, title: str, axis_format: str, tooltip: list[Any]
) -> alt.Chart:
    """One horizontal bar per recommendation engine."""
    chart: alt.Chart = (
        alt.Chart(frame, height=ROW * max(2, len(frame)))
        .mark_bar()
        .encode(
            y=alt.Y("engine:N", title=None, axis=LABELS),
            x=alt.X(f"{value}:Q", title=title, axis=alt.Axis(format=axis_format)),
            tooltip=["engine:N", *tooltip],
        )
    )
    return chart


def per_day_lines(
    frame: pd.DataFrame, *, columns: dict[str, str], title: str, percent: bool = False
) -> alt.Chart:
    """One line per column (name → legend label), per day."""
    data = _long(_with_iso_days(frame), columns, keep=["day"])
    axis = alt.Axis(format="%") if percent else alt.Axis()
    chart: alt.Chart = (
        alt.Chart(data, height=HEIGHT)
        .mark_line(point=True)
        .encode(
            x=DAY,
            y=alt.Y("value:Q", title=title, axis=axis),
            color=alt.Color("series:N", title=None, legend=alt.Legend(orient="bottom")),
            tooltip=[
                alt.Tooltip("day:N", title="Day"),
                "series:N",
                alt.Tooltip("value:Q", format=".1%" if percent else ",.4~f"),
            ],
        )
    )
    return chart


def cache_hit_rate(cache: pd.DataFrame) -> alt.Chart:
    """One line per cache kind (list, movie, search, reference), per day."""
    chart: alt.Chart = (
        alt.Chart(_with_iso_days(cache), height=HEIGHT)
        .mark_line(point=True)
        .encode(
            x=DAY,
            y=alt.Y("hit_rate:Q", title="Cache hit rate", axis=alt.Axis(format="%")),
            color=alt.Color("kind:N", title=None, legend=alt.Legend(orient="bottom")),
            tooltip=[
                alt.Tooltip("day:N", title="Day"),
                alt.Tooltip("kind:N", title="Cache kind"),
                "lookups:Q",
                "hits:Q",
                alt.Tooltip("hit_rate:Q", format=".1%"),
            ],
        )
    )
    return chart


def p50_p95_bars(frame: pd.DataFrame, *, label: str, title: str) -> alt.Chart:
    """Side-by-side p50 and p95 bars per `label` (endpoint or page)."""
    data = _long(frame, {"p50_ms": "p50", "p95_ms": "p95"}, keep=[label])
    chart: alt.Chart = (
        alt.Chart(data, height=2 * ROW * max(2, len(frame)))
        .mark_bar()
        .encode(
            y=alt.Y(f"{label}:N", title=None, sort=list(frame[label]), axis=LABELS),
            yOffset=alt.YOffset("series:N"),
            x=alt.X("value:Q", title=title),
            color=alt.Color("series:N", title=None, legend=alt.Legend(orient="bottom")),
            tooltip=[f"{label}:N", "series:N", alt.Tooltip("value:Q", format=",.0f")],
        )
    )
    return chart


def tokens_and_cost(ai: pd.DataFrame) -> alt.LayerChart:
    """Tokens per day as bars, cost per day as a line on its own axis."""
    base = alt.Chart(_with_iso_days(ai), height=HEIGHT).encode(x=DAY)
    tooltip = [
        alt.Tooltip("day:N", title="Day"),
        "tokens:Q",
        alt.Tooltip("cost_usd:Q", format="$.4f"),
    ]
    bars = base.mark_bar(opacity=0.6).encode(y=alt.Y("tokens:Q", title="Tokens"), tooltip=tooltip)
    line = base.mark_line(point=True, color="#d62728").encode(
        y=alt.Y("cost_usd:Q", title="Cost (USD)", axis=alt.Axis(format="$.4~f")), tooltip=tooltip
    )
    layered: alt.LayerChart = alt.layer(bars, line).resolve_scale(y="independent")
    return layered


def counts_by(frame: pd.DataFrame, *, category: str, value: str, title: str) -> alt.Chart:
    """Vertical bars in the frame's order (stars, decades, months)."""
    chart: alt.Chart = (
        alt.Chart(frame, height=220)
        .mark_bar()
        .encode(
            x=alt.X(f"{category}:O", title=None, sort=None),
            y=alt.Y(f"{value}:Q", title=title, axis=alt.Axis(tickMinStep=1, format="d")),
            tooltip=[f"{category}:O", f"{value}:Q"],
        )
    )
    return chart
