"""Latency histograms in fixed log buckets (decision 83) and how the rollups store them: one
packed value per day and group, merged by addition (decision 91).

Bucket k holds values in [GROWTH**k, GROWTH**(k+1)) ms and reads back as its geometric
middle, at most `MAX_PERCENTILE_ERROR` away from any value in it.
"""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Iterable, Mapping

import numpy as np

GROWTH = 1.03
MAX_PERCENTILE_ERROR = math.sqrt(GROWTH) - 1
#: The bucket of values <= 0 ms (read back as 0).
ZERO_BUCKET = -100_000
#: A packed histogram is little-endian int32 (bucket, count) pairs.
_PAIRS = np.dtype("<i4")


def bucket_of(ms: float) -> int:
    """The bucket of a latency (the rollup SQL computes the same: floor(ln(ms) / ln(GROWTH)))."""
    return ZERO_BUCKET if ms <= 0 else math.floor(math.log(ms) / math.log(GROWTH))


def bucket_value(bucket: int) -> float:
    return 0.0 if bucket == ZERO_BUCKET else float(GROWTH ** (bucket + 0.5))


def nearest_rank_bucket(counts: Mapping[int, int], fraction: float) -> float | None:
    """The nearest-rank percentile (the value at rank ceil(fraction * n)) of a histogram, as
    its bucket's middle."""
    total = sum(counts.values())
    if not total:
        return None
    rank = max(1, math.ceil(fraction * total))
    seen = 0
    for bucket in sorted(counts):
        seen += counts[bucket]
        if seen >= rank:
            return bucket_value(bucket)
    raise AssertionError("unreachable: the ranks add up to the total")


def pack(counts: Mapping[int, int]) -> bytes:
    """A histogram as bytes for the `latency_daily.histogram` column."""
    return np.array(sorted(counts.items()), dtype=_PAIRS).reshape(-1).tobytes()


def pack_buckets(buckets: np.ndarray) -> bytes:
    """The histogram of each value's bucket, as `pack` gives it."""
    present, totals = _counted(buckets)
    return np.column_stack((present, totals)).astype(_PAIRS).reshape(-1).tobytes()


def merged(packed: Iterable[bytes]) -> Counter[int]:
    """The sum of packed histograms (buckets with no count left out)."""
    pairs = np.frombuffer(b"".join(packed), dtype=_PAIRS).reshape(-1, 2)
    present, totals = _counted(pairs[:, 0], pairs[:, 1])
    return Counter(dict(zip(present.tolist(), totals.tolist(), strict=True)))


def _counted(
    buckets: np.ndarray, counts: np.ndarray | None = None
) -> tuple[np.ndarray, np.ndarray]:
    """The buckets present and their totals (`counts` each, else one), sorted. The buckets
    of a year of days for one group lie within a few hundred to a few thousand consecutive
    numbers (`bucket_expression` gives at most about 50,000), so they are counted by offset
    (`bincount`, linear) instead of sorted (`unique`, several times slower); the zero
    bucket, far below the rest, is added apart."""
    found: list[tuple[np.ndarray, np.ndarray]] = []
    zero = buckets == ZERO_BUCKET
    if zero.any():
        total = int(counts[zero].sum()) if counts is not None else int(zero.sum())
        if total:
            found.append((np.array([ZERO_BUCKET]), np.array([total])))
        buckets = buckets[~zero]
        counts = counts[~zero] if counts is not None else None
    if len(buckets):
        low = int(buckets.min())
        offsets = np.subtract(buckets, low, dtype=np.int64)  # int32 could wrap on bad data
        totals = np.bincount(offsets, weights=counts).astype(np.int64)
        (present,) = np.nonzero(totals)
        found.append((present + low, totals[present]))
    if not found:
        return np.empty(0, dtype=np.int64), np.empty(0, dtype=np.int64)
    return np.concatenate([b for b, _ in found]), np.concatenate([n for _, n in found])
