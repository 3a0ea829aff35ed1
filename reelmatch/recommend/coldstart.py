"""Cold-start evaluation: users the model never saw, asking with their first few ratings.

A share of users (seeded) is left out of training entirely. Each then calls `recommend` with a
`UserHistory` of their first `given` likes (the path the app takes for a new user, without
retraining) and is scored on the rest of their likes.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from reelmatch.recommend.base import Recommender
from reelmatch.recommend.data import RatingsSnapshot, UserHistory
from reelmatch.recommend.evaluation import (
    POSITIVE_STARS,
    Scores,
    coverage,
    ndcg_at_k,
    recall_at_k,
    subset,
    timed_picks,
)

__all__ = ["ColdStartSplit", "cold_start_split", "score_cold_start"]


@dataclass(frozen=True, slots=True, kw_only=True, eq=False)
class ColdStartSplit:
    train: RatingsSnapshot
    asks: tuple[tuple[UserHistory, frozenset[int]], ...]  # (what they gave, what they liked)


def cold_start_split(
    snapshot: RatingsSnapshot, *, share: float = 0.2, given: int = 5, seed: int = 11
) -> ColdStartSplit:
    users = np.unique(snapshot.user_ids)
    count = int(len(users) * share)
    newcomers = np.random.default_rng(seed).choice(users, size=count, replace=False)
    strangers = np.isin(snapshot.user_ids, newcomers)
    asks = []
    for user in sorted(newcomers.tolist()):
        rows = np.flatnonzero((snapshot.user_ids == user) & (snapshot.stars >= POSITIVE_STARS))
        rows = rows[np.lexsort((snapshot.movie_ids[rows], snapshot.rated_at[rows]))]
        if len(rows) <= given:
            continue
        first = rows[:given]
        history = UserHistory.from_stars(
            dict(
                zip(snapshot.movie_ids[first].tolist(), snapshot.stars[first].tolist(), strict=True)
            ),
            user_id=user,
        )
        asks.append((history, frozenset(snapshot.movie_ids[rows[given:]].tolist())))
    return ColdStartSplit(train=subset(snapshot, ~strangers), asks=tuple(asks))


def score_cold_start(
    engine: Recommender,
    split: ColdStartSplit,
    *,
    catalog_size: int,
    k: int = 10,
    timing_repeats: int = 1,
) -> Scores:
    ndcgs, recalls, latencies, lists = [], [], [], []
    for history, liked in split.asks:
        picks, latency = timed_picks(engine, history, k, repeats=timing_repeats)
        latencies.append(latency)
        ndcgs.append(ndcg_at_k(picks, liked, k))
        recalls.append(recall_at_k(picks, liked, k))
        lists.append(picks)
    return Scores(
        engine=engine.name,
        ndcg=float(np.mean(ndcgs)) if ndcgs else 0.0,
        recall=float(np.mean(recalls)) if recalls else 0.0,
        coverage=coverage(lists, catalog_size),
        latencies=latencies,
        k=k,
    )
