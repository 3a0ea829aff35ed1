"""The KPI tiles: one number per question, for the period and the one before it."""

from __future__ import annotations

from dataclasses import asdict, dataclass
from typing import Any

from reelmatch.events import API_CALL, PAGE_VIEW
from reelmatch.services.analytics.daily import DailyFrames
from reelmatch.services.analytics.period import Period
from reelmatch.services.analytics.series import ratio
from reelmatch.store.repositories.analytics import AnalyticsRepository, EngineCounts
from reelmatch.store.repositories.analytics_system import SystemAnalyticsRepository

#: (key, label, unit) of every KPI, in display order. Units: count, ratio (0–1), usd, ms.
KPI_DEFINITIONS: tuple[tuple[str, str, str], ...] = (
    ("active_users", "Active users", "count"),
    ("dau", "Daily active users (average)", "count"),
    ("wau", "Weekly active users (last 7 days)", "count"),
    ("mau", "Monthly active users (last 30 days)", "count"),
    ("stickiness", "Stickiness (DAU / MAU)", "ratio"),
    ("new_users", "New users", "count"),
    ("ratings", "Ratings", "count"),
    ("watchlist_adds", "Watchlist adds", "count"),
    ("watches", "Watches logged", "count"),
    ("searches", "Searches", "count"),
    ("watchlist_conversion", "Watchlist → watched within 30 days", "ratio"),
    ("recommendation_acceptance", "Recommendations accepted", "ratio"),
    ("cost_per_accepted_usd", "Cost per accepted recommendation", "usd"),
    ("ai_cost_usd", "OpenAI cost", "usd"),
    ("ai_tokens", "OpenAI tokens", "count"),
    ("cache_hit_rate", "Cache hit rate", "ratio"),
    ("api_calls", "Upstream API calls", "count"),
    ("api_error_rate", "API error rate", "ratio"),
    ("rate_limited_rate", "API 429 rate", "ratio"),
    ("api_p95_ms", "API latency p95", "ms"),
    ("page_render_p95_ms", "Page render p95", "ms"),
    ("errors", "Errors", "count"),
)


@dataclass(frozen=True)
class Kpi:
    key: str
    label: str
    unit: str
    value: float | None
    previous: float | None

    @property
    def delta(self) -> float | None:
        """The change from the previous period (None when either side has no value)."""
        if self.value is None or self.previous is None:
            return None
        return self.value - self.previous

    @property
    def change(self) -> float | None:
        """The relative change (0.25 = 25 % up); None when the previous value is 0 or None."""
        delta = self.delta
        return None if delta is None or not self.previous else delta / self.previous

    def as_dict(self) -> dict[str, Any]:
        return {**asdict(self), "delta": self.delta, "change": self.change}


def kpi_list(current: dict[str, float | None], previous: dict[str, float | None]) -> list[Kpi]:
    return [
        Kpi(key, label, unit, current.get(key), previous.get(key))
        for key, label, unit in KPI_DEFINITIONS
    ]


#: (distinct users over the period, its trailing 7 days, its trailing 30 days).
ActiveCounts = tuple[int, int, int]
#: (API latency p95, page render p95), ms.
P95s = tuple[float | None, float | None]


@dataclass(frozen=True)
class PeriodReads:
    """What a period's KPIs read besides its per-day series: distinct users over the period,
    its trailing 7 and 30 days; the API latency and page render p95; the recommendations per
    engine (also shown on the page as they are); and watchlist conversion (pairs
    watchlisted, of those watched)."""

    active: ActiveCounts
    p95: P95s
    recommendations: EngineCounts
    conversion: tuple[int, int]


def usage_reads(
    analytics: AnalyticsRepository, system: SystemAnalyticsRepository, period: Period
) -> tuple[ActiveCounts, P95s, EngineCounts]:
    """`PeriodReads` but the conversion: (active, p95, recommendations)."""
    active = analytics.distinct_users([period.span, *map(period.trailing, (7, 30))])
    (api_p95,) = system.p95_per_span(API_CALL, [period.span])
    (page_p95,) = system.p95_per_span(PAGE_VIEW, [period.span])
    engines = analytics.recommendations_by_engine(period.span)
    return (active[0], active[1], active[2]), (api_p95, page_p95), engines


def kpi_values(frames: DailyFrames, reads: PeriodReads) -> dict[str, float | None]:
    """Every KPI of a period from its per-day series (`frames`, which must hold the
    period's days) and its other reads."""
    act, api, cache, ai = frames.activity, frames.api, frames.cache, frames.ai
    active_users, wau, mau = reads.active
    dau = float(act["active_users"].mean()) if len(act) else 0.0
    watchlisted, converted = reads.conversion
    recs = reads.recommendations
    cost = sum(cost for _, _, cost, _, _, _ in recs)
    shown = sum(shown for _, _, _, shown, _, _ in recs)
    accepted = sum(accepted for *_, accepted in recs)
    calls = int(api["calls"].sum())
    return {
        "active_users": active_users,
        "dau": dau,
        "wau": wau,
        "mau": mau,
        "stickiness": ratio(dau, mau),
        "new_users": int(act["new_users"].sum()),
        "ratings": int(act["ratings"].sum()),
        "watchlist_adds": int(act["watchlist_adds"].sum()),
        "watches": int(act["watches"].sum()),
        "searches": int(act["searches"].sum()),
        "watchlist_conversion": ratio(converted, watchlisted),
        "recommendation_acceptance": ratio(accepted, shown),
        "cost_per_accepted_usd": ratio(cost, accepted),
        "ai_cost_usd": float(ai["cost_usd"].sum()),
        "ai_tokens": int(ai["tokens"].sum()),
        "cache_hit_rate": ratio(int(cache["hits"].sum()), int(cache["lookups"].sum())),
        "api_calls": calls,
        "api_error_rate": ratio(int(api["failed"].sum()), calls),
        "rate_limited_rate": ratio(int(api["rate_limited"].sum()), calls),
        "api_p95_ms": reads.p95[0],
        "page_render_p95_ms": reads.p95[1],
        "errors": int(act["errors"].sum()),
    }
