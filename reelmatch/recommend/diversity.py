"""Diversity re-ranking, so a page is not ten sequels.

Maximal marginal relevance (Carbonell & Goldstein, 1998) over the best `pool` candidates:
each next pick maximises (1 − d)·relevance − d·(similarity to the closest movie already
picked), with relevance scaled to 0–1 within the pool and similarity the content cosine.
A hard cap per collection (when the catalog knows collections) backs it up.
"""

from __future__ import annotations

import numpy as np
import numpy.typing as npt

IntArray = npt.NDArray[np.int64]
FloatArray = npt.NDArray[np.float64]


def rerank(
    pool: IntArray,
    relevance: FloatArray,
    similarity: FloatArray,
    *,
    k: int,
    diversity: float,
    collections: IntArray,
    max_per_collection: int,
) -> list[int]:
    """Indices into `pool` (best first) for a page of `k`.

    `pool` is ordered best first; `similarity` is its pairwise similarity; `collections` a
    code per pool item (−1 for none). Ties go to the earlier (better) pool item.
    """
    count = len(pool)
    if not count:
        return []
    spread = float(relevance.max() - relevance.min())
    scaled = (relevance - relevance.min()) / spread if spread > 0 else np.ones(count)
    closest = np.zeros(count)
    taken = np.zeros(count, dtype=bool)
    per_collection: dict[int, int] = {}
    chosen: list[int] = []
    while len(chosen) < min(k, count):
        value = (1.0 - diversity) * scaled - diversity * closest
        value[taken | _capped(collections, per_collection, max_per_collection)] = -np.inf
        if not np.isfinite(value).any():
            value = np.where(taken, -np.inf, (1.0 - diversity) * scaled - diversity * closest)
        best = int(np.argmax(value))
        chosen.append(best)
        taken[best] = True
        closest = np.maximum(closest, similarity[best])
        if collections[best] >= 0:
            code = int(collections[best])
            per_collection[code] = per_collection.get(code, 0) + 1
    return chosen


def _capped(
    collections: IntArray, per_collection: dict[int, int], limit: int
) -> npt.NDArray[np.bool_]:
    full = [code for code, used in per_collection.items() if used >= limit]
    return np.isin(collections, full) if full else np.zeros(len(collections), dtype=bool)
