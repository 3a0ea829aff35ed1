"""Offline evaluation: the app's own engines on a time-based hold-out split.

Protocol (the one behind the reference table in docs/architecture.md): ratings ≥ 4★ are likes;
for every user with at least 5 likes, the latest 20% of likes (at least one) are held out;
everyone's other likes train the model. Ratings below 4★ are left out of training by default,
so nothing a user did after their held-out likes leaks in and the figures compare with the
reference.
Each engine recommends 10 movies per test user as the app would (rated movies excluded);
NDCG@10 and Recall@10 (hits / min(10, held out)) are averaged over test users, coverage@10 is
the share of the catalog recommended to anyone.
"""

from __future__ import annotations

import math
import time
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

from reelmatch.recommend.base import Recommender
from reelmatch.recommend.data import MovieFeatures, RatingsSnapshot, UserHistory
from reelmatch.recommend.engines import create_recommender
from reelmatch.recommend.movielens import MovieLensData

__all__ = [
    "DEFAULT_ENGINES",
    "HELD_OUT_FRACTION",
    "MIN_LIKES",
    "POSITIVE_STARS",
    "EngineReport",
    "EvaluationReport",
    "Progress",
    "Scores",
    "Split",
    "coverage",
    "evaluate_engine",
    "evaluate_movielens",
    "holdout_split",
    "ndcg_at_k",
    "percentile",
    "recall_at_k",
    "subset",
    "timed_picks",
]

DEFAULT_ENGINES = ("hybrid", "popular")
POSITIVE_STARS = 4.0
HELD_OUT_FRACTION = 0.2
MIN_LIKES = 5
Progress = Callable[[str, int, int], None]  # (what, done, total)
IntArray = npt.NDArray[np.int64]


@dataclass(frozen=True, slots=True, kw_only=True, eq=False)
class Split:
    train: RatingsSnapshot
    held_out: dict[int, frozenset[int]]  # user id → movie ids held out

    @property
    def held_out_count(self) -> int:
        return sum(len(movies) for movies in self.held_out.values())


@dataclass(frozen=True, slots=True, kw_only=True)
class EngineReport:
    engine: str
    ndcg: float
    recall: float
    coverage: float
    train_seconds: float
    latency_p50_ms: float
    latency_p95_ms: float
    users: int
    k: int


@dataclass(frozen=True, slots=True, kw_only=True)
class EvaluationReport:
    users: int
    ratings: int
    movies: int
    with_metadata: int
    test_users: int
    held_out: int
    engines: tuple[EngineReport, ...]
    notes: tuple[str, ...] = ()


def evaluate_movielens(
    data: MovieLensData,
    *,
    engines: Sequence[str] = DEFAULT_ENGINES,
    k: int = 10,
    seed: int = 0,
    progress: Progress | None = None,
) -> EvaluationReport:
    """Split `data` by the protocol above and evaluate each engine on the same split."""
    split = holdout_split(data.snapshot)
    reports = tuple(
        evaluate_engine(
            name, split, data.features, catalog_size=data.movies, k=k, seed=seed, progress=progress
        )
        for name in engines
    )
    return EvaluationReport(
        users=len(set(data.snapshot.user_ids.tolist())),
        ratings=len(data.snapshot),
        movies=data.movies,
        with_metadata=data.with_metadata,
        test_users=len(split.held_out),
        held_out=split.held_out_count,
        engines=reports,
        notes=data.notes,
    )


def holdout_split(
    snapshot: RatingsSnapshot,
    *,
    positive_stars: float = POSITIVE_STARS,
    fraction: float = HELD_OUT_FRACTION,
    min_likes: int = MIN_LIKES,
    keep_dislikes: bool = False,
) -> Split:
    """Hold out each eligible user's latest `fraction` of likes (ties by time: movie id)."""
    likes = snapshot.stars >= positive_stars
    order = np.lexsort((snapshot.movie_ids, snapshot.rated_at, snapshot.user_ids))
    order = order[likes[order]]
    users = snapshot.user_ids[order]
    starts = np.flatnonzero(np.r_[True, users[1:] != users[:-1]])
    ends = np.r_[starts[1:], len(order)]
    test = np.zeros(len(snapshot), dtype=bool)
    for start, end in zip(starts.tolist(), ends.tolist(), strict=True):
        count = end - start
        if count >= min_likes:
            test[order[end - max(1, math.ceil(fraction * count)) : end]] = True
    train = ~test & (likes | keep_dislikes)
    held_out: dict[int, set[int]] = {}
    for user, movie in zip(
        snapshot.user_ids[test].tolist(), snapshot.movie_ids[test].tolist(), strict=True
    ):
        held_out.setdefault(user, set()).add(movie)
    return Split(
        train=subset(snapshot, train),
        held_out={user: frozenset(movies) for user, movies in held_out.items()},
    )


def subset(snapshot: RatingsSnapshot, rows: npt.NDArray[np.bool_]) -> RatingsSnapshot:
    return RatingsSnapshot(
        user_ids=snapshot.user_ids[rows],
        movie_ids=snapshot.movie_ids[rows],
        stars=snapshot.stars[rows],
        rated_at=snapshot.rated_at[rows],
        watchlists=snapshot.watchlists,
        dismissed=snapshot.dismissed,
    )


def ndcg_at_k(recommended: Sequence[int], relevant: Iterable[int], k: int = 10) -> float:
    """Binary-relevance NDCG: DCG of the list over the DCG of a perfect list."""
    wanted = set(relevant)
    if not wanted:
        return 0.0
    gains = sum(1.0 / math.log2(rank + 2) for rank, m in enumerate(recommended[:k]) if m in wanted)
    ideal = sum(1.0 / math.log2(rank + 2) for rank in range(min(k, len(wanted))))
    return gains / ideal


def recall_at_k(recommended: Sequence[int], relevant: Iterable[int], k: int = 10) -> float:
    """Hits in the top k over min(k, number relevant), so a perfect list scores 1."""
    wanted = set(relevant)
    if not wanted:
        return 0.0
    return len(wanted.intersection(recommended[:k])) / min(k, len(wanted))


def coverage(lists: Iterable[Sequence[int]], catalog_size: int) -> float:
    """Share of the catalog that appears in at least one list."""
    seen = {movie for movie_list in lists for movie in movie_list}
    return len(seen) / catalog_size if catalog_size else 0.0


def percentile(samples: Sequence[float], share: float) -> float:
    """Nearest-rank percentile (`share` in 0–1); 0 for no samples."""
    if not samples:
        return 0.0
    ordered = sorted(samples)
    return ordered[min(len(ordered) - 1, max(0, math.ceil(share * len(ordered)) - 1))]


def evaluate_engine(
    engine: str | Recommender,
    split: Split,
    features: Sequence[MovieFeatures],
    *,
    catalog_size: int,
    k: int = 10,
    seed: int = 0,
    timing_repeats: int = 3,
    progress: Progress | None = None,
) -> EngineReport:
    """Fit `engine` (a name or an untrained instance) on the split and score it."""
    model = create_recommender(engine) if isinstance(engine, str) else engine
    if progress:
        progress(f"{model.name}: training", 0, 0)
    started = time.perf_counter()
    if not model.is_fitted:
        model.fit(split.train, features, seed=seed)
    train_seconds = time.perf_counter() - started
    scores = score_fitted(
        model,
        split,
        catalog_size=catalog_size,
        k=k,
        timing_repeats=timing_repeats,
        progress=progress,
    )
    return scores.with_training(train_seconds)


def score_fitted(
    model: Recommender,
    split: Split,
    *,
    catalog_size: int,
    k: int = 10,
    timing_repeats: int = 1,
    progress: Progress | None = None,
) -> Scores:
    """Accuracy and coverage of a fitted model on `split`, and its latency per user: the best
    of `timing_repeats` calls, so other processes on a shared machine do not count."""
    users = sorted(split.held_out)
    ndcgs, recalls, latencies, lists = [], [], [], []
    for done, user in enumerate(users, start=1):
        picks, latency = timed_picks(model, user, k, repeats=timing_repeats)
        latencies.append(latency)
        ndcgs.append(ndcg_at_k(picks, split.held_out[user], k))
        recalls.append(recall_at_k(picks, split.held_out[user], k))
        lists.append(picks)
        if progress and (done % 50 == 0 or done == len(users)):
            progress(f"{model.name}: recommending", done, len(users))
    return Scores(
        engine=model.name,
        ndcg=float(np.mean(ndcgs)) if ndcgs else 0.0,
        recall=float(np.mean(recalls)) if recalls else 0.0,
        coverage=coverage(lists, catalog_size),
        latencies=latencies,
        k=k,
    )


def timed_picks(
    model: Recommender, user: int | UserHistory, k: int, *, repeats: int = 1
) -> tuple[list[int], float]:
    """The movie ids recommended and the fastest of `repeats` calls in milliseconds."""
    best = math.inf
    picks: list[int] = []
    for _ in range(max(1, repeats)):
        started = time.perf_counter()
        picks = [r.movie.id for r in model.recommend(user, k)]
        best = min(best, (time.perf_counter() - started) * 1000)
    return picks, best


@dataclass(frozen=True, slots=True, kw_only=True)
class Scores:
    engine: str
    ndcg: float
    recall: float
    coverage: float
    latencies: list[float]
    k: int

    def with_training(self, seconds: float) -> EngineReport:
        return EngineReport(
            engine=self.engine,
            ndcg=self.ndcg,
            recall=self.recall,
            coverage=self.coverage,
            train_seconds=seconds,
            latency_p50_ms=percentile(self.latencies, 0.50),
            latency_p95_ms=percentile(self.latencies, 0.95),
            users=len(self.latencies),
            k=self.k,
        )
