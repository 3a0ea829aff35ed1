"""`rollup_plan.merge`: one rule for ranges of hours and for UTC intervals."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from itertools import pairwise

from hypothesis import given
from hypothesis import strategies as st

from reelmatch.store.rollup_plan import merge

ranges = st.lists(st.tuples(st.integers(0, 60), st.integers(0, 60)), max_size=12)


@given(ranges)
def test_merged_hours_cover_the_same_hours_once_in_order(
    given_ranges: list[tuple[int, int]],
) -> None:
    merged = merge(given_ranges)
    covered = {h for low, high in given_ranges for h in range(low, high)}
    assert {h for low, high in merged for h in range(low, high)} == covered
    assert all(low < high for low, high in merged)
    assert all(a[1] < b[0] for a, b in pairwise(merged))  # apart


def test_intervals_merge_by_the_same_rule() -> None:
    t = datetime(2026, 3, 29, tzinfo=UTC)
    hour = timedelta(hours=1)
    found = merge(
        [
            (t + 2 * hour, t + 3 * hour),
            (t, t + hour),
            (t + hour, t + hour),
            (t + hour, t + 2 * hour),
        ]
    )
    assert found == [(t, t + 3 * hour)]  # touching ones joined, the empty one dropped
    assert merge([(t + hour, t)]) == []
