"""How the hybrid's defaults were chosen: a small search on a validation split.

The training part of the evaluation split is split again the same way (each user's latest
20% of likes become validation), so the test likes are never looked at. Then:
1. each `l2` in the grid is fitted once (the only training setting searched);
2. coordinate search over the scoring settings (a value at a time, two passes), keeping what
   raises validation NDCG@10 among settings whose coverage@10 is at least `min_coverage`
   (a product requirement: a recommender that shows everyone the same 300 films is not
   one), with diversity off;
3. diversity: the largest value whose NDCG stays within `tolerance` of the best, because a
   varied page is worth a little accuracy and the metric cannot see sequels.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field, replace
from typing import Any

from reelmatch.recommend.data import MovieFeatures, RatingsSnapshot
from reelmatch.recommend.evaluation import Progress, Split, holdout_split, score_fitted
from reelmatch.recommend.hybrid import HybridConfig, HybridRecommender

__all__ = ["SCORING_SPACE", "Trial", "TuningResult", "tune_hybrid"]

SCORING_SPACE: dict[str, tuple[Any, ...]] = {
    "popularity_exponent": (0.1, 0.2, 0.3, 0.4, 0.5),
    "half_life": (2.5, 5.0, 10.0, 25.0),
    "recency_floor": (0.0, 0.1, 0.2),
    "sequence_weight": (0.0, 0.25, 0.5, 1.0),
    "cf_shrink": (0.0, 2.0, 5.0),
    "content_weight": (0.0, 0.05, 0.1, 0.2),
    "popularity_weight": (0.0, 0.05, 0.1, 0.2, 0.4),
}
L2_VALUES = (100.0, 150.0, 250.0)
MIN_COVERAGE = 0.08
DIVERSITY_VALUES = (0.0, 0.1, 0.2, 0.3, 0.4, 0.5)


@dataclass(frozen=True, slots=True, kw_only=True)
class Trial:
    changes: dict[str, Any]
    ndcg: float
    recall: float
    coverage: float


@dataclass(frozen=True, slots=True, kw_only=True)
class TuningResult:
    best: HybridConfig
    best_ndcg: float
    trials: list[Trial] = field(default_factory=list)


def tune_hybrid(
    train: RatingsSnapshot,
    features: Sequence[MovieFeatures],
    *,
    catalog_size: int,
    base: HybridConfig | None = None,
    space: Mapping[str, Sequence[Any]] = SCORING_SPACE,
    l2_values: Sequence[float] = L2_VALUES,
    diversity_values: Sequence[float] = DIVERSITY_VALUES,
    tolerance: float = 0.02,
    min_coverage: float = MIN_COVERAGE,
    progress: Progress | None = None,
) -> TuningResult:
    validation = holdout_split(train)
    search = _Search(
        validation, catalog_size=catalog_size, min_coverage=min_coverage, progress=progress
    )
    start = replace(base or HybridConfig(), diversity=0.0)
    models = {
        l2: HybridRecommender(replace(start, l2=l2)).fit(validation.train, features)
        for l2 in l2_values
    }
    best_l2 = max(l2_values, key=lambda l2: search.goal(models[l2], {"l2": l2}))
    model = models[best_l2]
    for _round in range(2):
        for name, values in space.items():
            best_value = max(values, key=lambda v: search.goal(model, {name: v}))
            model = model.reconfigured(replace(model.config, **{name: best_value}))
    best_ndcg = search.goal(model, {})[1]
    chosen = max(
        (
            d
            for d in diversity_values
            if search.goal(model, {"diversity": d})[1] >= (1 - tolerance) * best_ndcg
        ),
        default=0.0,
    )
    return TuningResult(
        best=replace(model.config, diversity=chosen), best_ndcg=best_ndcg, trials=search.trials
    )


class _Search:
    """Scores configurations on the validation split, remembering every trial."""

    def __init__(
        self,
        split: Split,
        *,
        catalog_size: int,
        min_coverage: float,
        progress: Progress | None,
    ) -> None:
        self.split = split
        self.catalog_size = catalog_size
        self.min_coverage = min_coverage
        self.progress = progress
        self.trials: list[Trial] = []
        self._seen: dict[tuple[Any, ...], tuple[bool, float]] = {}

    def goal(self, model: HybridRecommender, changes: dict[str, Any]) -> tuple[bool, float]:
        """(coverage is enough, NDCG@10): compared as a tuple, so coverage comes first."""
        config = replace(model.config, **changes)
        key = tuple(sorted(vars_of(config).items()))
        if key not in self._seen:
            scores = score_fitted(
                model.reconfigured(config), self.split, catalog_size=self.catalog_size
            )
            self.trials.append(
                Trial(
                    changes={**_difference(config), **changes},
                    ndcg=scores.ndcg,
                    recall=scores.recall,
                    coverage=scores.coverage,
                )
            )
            self._seen[key] = (scores.coverage >= self.min_coverage, scores.ndcg)
            if self.progress:
                self.progress("tuning", len(self.trials), 0)
        return self._seen[key]


def vars_of(config: HybridConfig) -> dict[str, Any]:
    return {name: getattr(config, name) for name in config.__dataclass_fields__}


def _difference(config: HybridConfig) -> dict[str, Any]:
    default = vars_of(HybridConfig())
    return {name: value for name, value in vars_of(config).items() if default[name] != value}
