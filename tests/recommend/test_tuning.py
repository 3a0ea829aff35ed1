"""The search that chose the hybrid's defaults, on the synthetic world with a tiny grid."""

from __future__ import annotations

import pytest

from reelmatch.recommend import HybridConfig
from reelmatch.recommend.tuning import tune_hybrid
from tests.recommend import world


def test_tuning_picks_the_best_validation_setting_from_the_grid() -> None:
    seen: list[int] = []
    result = tune_hybrid(
        world.snapshot(users=80),
        world.features(),
        catalog_size=len(world.MOVIES),
        space={"content_weight": (0.0, 1.0), "popularity_weight": (0.0, 3.0)},
        l2_values=(20.0, 200.0),
        diversity_values=(0.0, 0.9),
        tolerance=0.0,
        min_coverage=0.0,
        progress=lambda what, done, total: seen.append(done),
    )
    assert result.best.l2 in {20.0, 200.0}
    default = HybridConfig()
    # A grid value or the starting value (kept when nothing in the grid beats it).
    assert result.best.content_weight in {0.0, 1.0, default.content_weight}
    assert result.best.popularity_weight in {0.0, 3.0, default.popularity_weight}
    undiversified = [t for t in result.trials if t.changes.get("diversity", 0.0) == 0.0]
    assert result.best_ndcg == pytest.approx(max(t.ndcg for t in undiversified))
    assert len(result.trials) == len(seen) >= 6
    # With no tolerance, diversity is only kept if it costs nothing at all.
    diversified = [t for t in result.trials if t.changes.get("diversity") == 0.9]
    assert len(diversified) == 1
    expected = 0.9 if diversified[0].ndcg >= result.best_ndcg else 0.0
    assert result.best.diversity == expected
    # Everything the search did not touch keeps its default.
    assert result.best.half_life == default.half_life
