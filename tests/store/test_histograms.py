"""Packed latency histograms add up exactly, whatever their buckets."""

from __future__ import annotations

from collections import Counter

import numpy as np
from hypothesis import given
from hypothesis import strategies as st

from reelmatch.store.histograms import ZERO_BUCKET, merged, pack, pack_buckets

#: Buckets as the rollups make them: the zero bucket, sub-millisecond (negative) ones, and
#: the usual few hundred.
buckets = st.one_of(st.just(ZERO_BUCKET), st.integers(-2_000, 1_000))
histogram = st.dictionaries(buckets, st.integers(0, 2**20), max_size=40)


@given(st.lists(histogram, max_size=30))
def test_merged_is_the_sum_of_the_histograms(days: list[dict[int, int]]) -> None:
    expected: Counter[int] = Counter()
    for day in days:
        expected.update(day)
    found = merged(pack(day) for day in days)
    assert dict(found) == {bucket: n for bucket, n in expected.items() if n}
    assert all(isinstance(b, int) and isinstance(n, int) for b, n in found.items())


@given(st.lists(buckets, max_size=200))
def test_a_histogram_of_each_events_bucket_counts_each_bucket(events: list[int]) -> None:
    packed = pack_buckets(np.array(events, dtype=np.int64))
    assert packed == pack(Counter(events))
    assert dict(merged([packed])) == dict(Counter(events))
