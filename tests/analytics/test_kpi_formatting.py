"""One KPI formatter (decision 57): the `metrics` table is its plain mode, so the CLI and the
tiles show the same digits; plain text only drops thousands separators and marks a missing
value with "–"."""

from __future__ import annotations

import pytest

from reelmatch.domain.formatting import format_kpi
from reelmatch.services.analytics import Kpi


def _kpi(key: str, unit: str) -> Kpi:
    return Kpi(key=key, label=key, unit=unit, value=None, previous=None)


@pytest.mark.parametrize(
    ("key", "unit", "value", "tile", "plain"),
    [
        ("active_users", "count", 12345.0, "12,345", "12345"),
        ("dau", "count", 2.25, "2.2", "2.2"),
        ("dau", "count", 1234.5, "1,234.5", "1234.5"),
        ("cache_hit_rate", "ratio", 0.2, "20.0%", "20.0%"),
        ("ai_cost_usd", "usd", 1234.5, "$1,234.50", "$1234.50"),
        ("cost_per_accepted_usd", "usd", 0.000184, "$0.00018", "$0.00018"),
        ("api_p95_ms", "ms", 1328.4, "1,328 ms", "1328 ms"),
        ("errors", "count", None, "—", "–"),
    ],
)
def test_tiles_and_plain_text_show_the_same_digits(
    key: str, unit: str, value: float | None, tile: str, plain: str
) -> None:
    kpi = _kpi(key, unit)
    assert format_kpi(kpi, value) == tile
    assert format_kpi(kpi, value, plain=True) == plain
