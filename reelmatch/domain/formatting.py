"""How a KPI value is written, said once for the Analytics tiles and the `metrics` table
(decision 57). The CLI is the plain mode: the same digits and units, no thousands separators
and "–" for a missing value, so its columns stay one word wide and easy to split."""

from __future__ import annotations

import math
from typing import Protocol

#: Counts shown with one decimal (averages).
AVERAGES = frozenset({"dau"})
#: A value that is not there: the tiles' em dash, the plain-text table's en dash.
MISSING = "—"
PLAIN_MISSING = "–"


class KpiLike(Protocol):
    @property
    def key(self) -> str: ...

    @property
    def unit(self) -> str: ...


def format_kpi(kpi: KpiLike, value: float | None, *, plain: bool = False) -> str:
    """A value in its KPI's unit: ratios as percentages, dollars to two significant digits
    below a dollar, milliseconds whole, averages with one decimal, counts whole."""
    if value is None:
        return PLAIN_MISSING if plain else MISSING
    shown = _format(kpi, value)
    return shown.replace(",", "") if plain else shown


def format_kpi_delta(kpi: KpiLike, delta: float) -> str:
    """A change in the KPI's unit, signed (ratios in percentage points)."""
    if delta == 0:
        return "no change"
    sign = "-" if delta < 0 else "+"
    size = abs(delta)
    if kpi.unit == "ratio":
        return f"{sign}{size * 100:.1f} pp"
    return sign + _format(kpi, size)


def _format(kpi: KpiLike, value: float) -> str:
    if kpi.unit == "ratio":
        return f"{value:.1%}"
    if kpi.unit == "usd":
        return dollars(value)
    if kpi.unit == "ms":
        return f"{value:,.0f} ms"
    return f"{value:,.1f}" if kpi.key in AVERAGES else f"{value:,.0f}"


def dollars(amount: float) -> str:
    """Cents for a dollar or more; below that, enough decimals for two significant digits
    ($0.00018 rather than $0.0002 or $0.0000)."""
    if amount == 0 or abs(amount) >= 1:
        return f"${amount:,.2f}"
    decimals = max(4, 1 - math.floor(math.log10(abs(amount))))
    return f"${amount:.{decimals}f}"
