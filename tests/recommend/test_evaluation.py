"""Evaluation metrics and the hold-out split, on fixtures small enough to compute by hand."""

from __future__ import annotations

import math

import pytest

from reelmatch.domain import Movie
from reelmatch.recommend import MovieFeatures, RatingsSnapshot, create_recommender
from reelmatch.recommend.coldstart import cold_start_split, score_cold_start
from reelmatch.recommend.evaluation import (
    coverage,
    evaluate_engine,
    holdout_split,
    ndcg_at_k,
    percentile,
    recall_at_k,
)


def test_ndcg_and_recall_by_hand() -> None:
    # Hits at ranks 2 and 4 of 4; three relevant movies.
    # DCG = 1/log2(3) + 1/log2(5) = 0.63093 + 0.43068; IDCG = 1 + 1/log2(3) + 1/log2(4).
    assert ndcg_at_k([5, 1, 7, 3], {1, 3, 9}, k=4) == pytest.approx(1.06161 / 2.13093, abs=1e-5)
    assert recall_at_k([5, 1, 7, 3], {1, 3, 9}, k=4) == pytest.approx(2 / 3)
    # One hit at rank 1 of 10, twenty relevant: IDCG = Σ 1/log2(i+1), i = 1…10 = 4.54356.
    twenty = set(range(100, 120))
    assert ndcg_at_k([100, *range(9)], twenty) == pytest.approx(1 / 4.54356, abs=1e-5)
    assert recall_at_k([100, *range(9)], twenty) == pytest.approx(0.1)
    # Only the top k count.
    assert ndcg_at_k([1, 2, 3], {3}, k=2) == 0.0
    assert recall_at_k([1, 2, 3], {3}, k=2) == 0.0
    assert ndcg_at_k([3, 1], {3}, k=2) == 1.0
    assert ndcg_at_k([1], set()) == 0.0


def test_coverage_and_percentiles() -> None:
    assert coverage([[1, 2], [2, 3]], 10) == pytest.approx(0.3)
    assert coverage([], 0) == 0.0
    samples = [float(n) for n in range(1, 21)]
    assert percentile(samples, 0.95) == 19.0
    assert percentile(samples, 0.50) == 10.0
    assert percentile([], 0.5) == 0.0


def test_holdout_split_takes_each_users_latest_fifth_of_likes() -> None:
    rows = [
        *((1, m, 4.0, t) for t, m in enumerate([11, 12, 13, 14, 15])),  # 5 likes → 1 held out
        (1, 16, 2.0, 9),  # a later dislike: never trained on by default
        *((2, m, 5.0, t) for t, m in enumerate([11, 12, 13, 14])),  # 4 likes → train only
        *((3, m, 4.5, 7) for m in range(20, 30)),  # 10 likes at one moment → 2, by movie id
    ]
    split = holdout_split(RatingsSnapshot.from_rows(rows))
    assert split.held_out == {1: frozenset({15}), 3: frozenset({28, 29})}
    assert split.held_out_count == 3
    trained = set(zip(split.train.user_ids.tolist(), split.train.movie_ids.tolist(), strict=True))
    assert (1, 15) not in trained
    assert (1, 16) not in trained
    assert {(2, 11), (2, 14), (3, 20), (3, 27)} <= trained
    assert len(split.train) == 4 + 4 + 8
    with_dislikes = holdout_split(RatingsSnapshot.from_rows(rows), keep_dislikes=True)
    assert len(with_dislikes.train) == len(split.train) + 1


def test_evaluate_engine_by_hand() -> None:
    """User 10 likes 1–5 over time (5 is held out); the others only train. Popularity then
    ranks the unrated 6 (1 like) before 5 (0 likes): a hit at rank 2 → NDCG 1/log2(3)."""
    likes = {10: [1, 2, 3, 4, 5], 11: [1, 2, 3], 12: [1, 2], 13: [1, 6]}
    rows = [(u, m, 4.0, t) for u, movies in likes.items() for t, m in enumerate(movies)]
    split = holdout_split(RatingsSnapshot.from_rows(rows))
    assert split.held_out == {10: frozenset({5})}
    features = [MovieFeatures(movie=Movie(id=m, title=f"M{m}")) for m in range(1, 7)]
    report = evaluate_engine("popular", split, features, catalog_size=6)
    assert report.engine == "popular"
    assert report.users == 1
    assert report.ndcg == pytest.approx(1 / math.log2(3))
    assert report.recall == 1.0
    assert report.coverage == pytest.approx(2 / 6)
    assert report.train_seconds >= 0
    assert report.latency_p95_ms >= report.latency_p50_ms > 0


def test_cold_start_split_withholds_users_and_gives_their_first_likes() -> None:
    likes = {u: list(range(u * 100, u * 100 + 8)) for u in range(1, 11)}
    rows = [(u, m, 4.5, t) for u, movies in likes.items() for t, m in enumerate(movies)]
    rows.append((1, 999, 1.0, 0))  # a dislike is never given as a like
    split = cold_start_split(RatingsSnapshot.from_rows(rows), share=0.3, given=5, seed=1)
    askers = {history.user_id for history, _ in split.asks}
    assert len(askers) == 3
    assert not askers & set(split.train.user_ids.tolist())  # unseen in training
    for history, liked in split.asks:
        assert history.user_id is not None
        movies = likes[history.user_id]
        assert [r.movie_id for r in history.ratings] == movies[:5]
        assert liked == frozenset(movies[5:])
    engine = create_recommender("popular").fit(
        split.train, [MovieFeatures(movie=Movie(id=m, title=str(m))) for m in range(100, 1100)]
    )
    scores = score_cold_start(engine, split, catalog_size=1000, k=3)
    assert scores.ndcg == 0.0  # nobody else liked these users' movies
    assert len(scores.latencies) == 3
