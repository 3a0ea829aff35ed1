"""What `AnalyticsService` hands back: the page's data, conversion, and a prune's outcome."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

import pandas as pd

from reelmatch.services.analytics.kpis import Kpi
from reelmatch.services.analytics.period import Period
from reelmatch.services.analytics.series import ratio


@dataclass(frozen=True)
class Conversion:
    watchlisted: int
    converted: int
    window_days: int

    @property
    def rate(self) -> float | None:
        return ratio(self.converted, self.watchlisted)


@dataclass(frozen=True)
class TeamDashboard:
    """Everything the Analytics page shows for one period."""

    period: Period
    kpis: list[Kpi]
    activity: pd.DataFrame
    #: The previous period's activity, for comparison.
    previous_activity: pd.DataFrame
    conversion: Conversion
    recommendations: pd.DataFrame
    top_movies: pd.DataFrame
    top_genres: pd.DataFrame
    cache_hit_rate: pd.DataFrame
    api_errors: pd.DataFrame
    api_latency: pd.DataFrame
    ai_usage: pd.DataFrame
    page_render: pd.DataFrame


@dataclass(frozen=True)
class ChartTables:
    """The per-group tables of a period (no per-day series): most rated movies and
    genres, latency per endpoint, render time per page."""

    top_movies: pd.DataFrame
    top_genres: pd.DataFrame
    api_latency: pd.DataFrame
    page_render: pd.DataFrame


@dataclass(frozen=True)
class PruneResult:
    cutoff: datetime
    events_removed: int
    rollup_rows: int
