"""Team analytics (admins) over events, ratings and recommendations, in SQL on both
databases; the data behind the Analytics page and `python -m reelmatch metrics`."""

from reelmatch.services.analytics.kpis import KPI_DEFINITIONS, Kpi
from reelmatch.services.analytics.period import Period, parse_days
from reelmatch.services.analytics.results import Conversion, PruneResult, TeamDashboard
from reelmatch.services.analytics.rollups import RollupResult
from reelmatch.services.analytics.team import OPERATOR, AnalyticsService

__all__ = [
    "KPI_DEFINITIONS",
    "OPERATOR",
    "AnalyticsService",
    "Conversion",
    "Kpi",
    "Period",
    "PruneResult",
    "RollupResult",
    "TeamDashboard",
    "parse_days",
]
