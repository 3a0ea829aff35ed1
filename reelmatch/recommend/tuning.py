"""How the hybrid's defaults were chosen: a small search on validation splits.

The training part of the evaluation split is split again the same way (each user's latest
20% of likes become validation), so the test likes are never looked at. Then:
1. each `l2` in the grid is fitted once (the only training setting searched);
2. coordinate search over the scoring settings (a value at a time, two passes; the current
   value stays a candidate), keeping what raises validation NDCG@10 among settings whose
   coverage@10 is at least `min_coverage` (a product requirement: a recommender that shows
   everyone the same 300 films is not one), with diversity off;
3. cold start: a fifth of the validation users are also left out of a second model and ask
   with five ratings (`coldstart.py`); every combination of the newcomer settings (and the
   popularity exponent, which trades with them) is scored on the mean of that NDCG and the
   step-2 NDCG (coverage still first), so new users improve without costing regular ones;
4. diversity: the largest value whose NDCG stays within `tolerance` of the best, because a
   varied page is worth a little accuracy and the metric cannot see sequels.
"""

from __future__ import annotations

import itertools
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field, replace
from typing import Any

from reelmatch.recommend.coldstart import ColdStartSplit, cold_start_split, score_cold_start
from reelmatch.recommend.data import MovieFeatures, RatingsSnapshot
from reelmatch.recommend.evaluation import Progress, Split, holdout_split, score_fitted
from reelmatch.recommend.hybrid import HybridConfig, HybridRecommender

__all__ = ["COLD_START_SPACE", "SCORING_SPACE", "Trial", "TuningResult", "tune_hybrid"]

SCORING_SPACE: dict[str, tuple[Any, ...]] = {
    "popularity_exponent": (0.1, 0.2, 0.3, 0.4, 0.5),
    "half_life": (2.5, 5.0, 10.0, 25.0),
    "recency_floor": (0.0, 0.1, 0.2),
    "sequence_weight": (0.0, 0.25, 0.5, 1.0),
    "cf_shrink": (0.0, 2.0, 5.0),
    "content_weight": (0.0, 0.05, 0.1, 0.2),
    "popularity_weight": (0.0, 0.05, 0.1, 0.2, 0.4),
}
COLD_START_SPACE: dict[str, tuple[Any, ...]] = {
    "experience_scale": (5.0, 10.0, 25.0),
    "cold_popularity_weight": (0.5, 1.0, 2.0, 4.0),
    "popularity_exponent": (0.5, 0.6),
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
    cold_start_ndcg: float | None = None


@dataclass(frozen=True, slots=True, kw_only=True)
class TuningResult:
    best: HybridConfig
    best_ndcg: float
    cold_start_ndcg: float | None = None
    trials: list[Trial] = field(default_factory=list)


def tune_hybrid(
    train: RatingsSnapshot,
    features: Sequence[MovieFeatures],
    *,
    catalog_size: int,
    base: HybridConfig | None = None,
    space: Mapping[str, Sequence[Any]] = SCORING_SPACE,
    cold_start_space: Mapping[str, Sequence[Any]] = COLD_START_SPACE,
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
    model = _coordinate_search(search, models[best_l2], space)
    cold_ndcg = None
    if cold_start_space:
        search.cold = cold_start_split(validation.train)
        search.cold_model = HybridRecommender(model.config).fit(search.cold.train, features)
        model, cold_ndcg = _tune_cold_start(search, model, cold_start_space)
    best_ndcg = search.goal(model, {})[1]
    fine = [
        d
        for d in diversity_values
        if search.goal(model, {"diversity": d})[1] >= (1 - tolerance) * best_ndcg
    ]
    return TuningResult(
        best=replace(model.config, diversity=max(fine, default=0.0)),
        best_ndcg=best_ndcg,
        cold_start_ndcg=cold_ndcg,
        trials=search.trials,
    )


def _coordinate_search(
    search: _Search, model: HybridRecommender, space: Mapping[str, Sequence[Any]]
) -> HybridRecommender:
    for _round in range(2):
        for name, values in space.items():
            # The current value stays a candidate, so a pass never makes things worse.
            candidates = dict.fromkeys([getattr(model.config, name), *values])
            best_value = max(candidates, key=lambda v: search.goal(model, {name: v}))
            model = model.reconfigured(replace(model.config, **{name: best_value}))
    return model


def _tune_cold_start(
    search: _Search, model: HybridRecommender, space: Mapping[str, Sequence[Any]]
) -> tuple[HybridRecommender, float]:
    """Every combination (the settings interact: a weight for newcomers means nothing without
    a scale saying who is new), on the mean of warm and cold-start NDCG, coverage first."""
    names = list(space)
    grid = [dict(zip(names, values, strict=True)) for values in itertools.product(*space.values())]

    def balanced(changes: dict[str, Any]) -> tuple[bool, float]:
        enough, warm = search.goal(model, changes)
        return enough, (warm + search.cold_ndcg(replace(model.config, **changes))) / 2

    best = max([{}, *grid], key=balanced)
    model = model.reconfigured(replace(model.config, **best))
    return model, search.cold_ndcg(model.config)


class _Search:
    """Scores configurations on the validation splits, remembering every trial."""

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
        self.cold: ColdStartSplit | None = None
        self.cold_model: HybridRecommender | None = None
        self._seen: dict[tuple[Any, ...], Trial] = {}
        self._cold_seen: dict[tuple[Any, ...], float] = {}

    def goal(self, model: HybridRecommender, changes: dict[str, Any]) -> tuple[bool, float]:
        """(coverage is enough, NDCG@10): compared as a tuple, so coverage comes first."""
        config = replace(model.config, **changes)
        key = _key(config)
        if key not in self._seen:
            scores = score_fitted(
                model.reconfigured(config), self.split, catalog_size=self.catalog_size
            )
            trial = Trial(
                changes={**_difference(config), **changes},
                ndcg=scores.ndcg,
                recall=scores.recall,
                coverage=scores.coverage,
            )
            self.trials.append(trial)
            self._seen[key] = trial
            if self.progress:
                self.progress("tuning", len(self.trials), 0)
        trial = self._seen[key]
        return trial.coverage >= self.min_coverage, trial.ndcg

    def cold_ndcg(self, config: HybridConfig) -> float:
        """Cold-start NDCG@10 (call `goal` with the same settings first)."""
        assert self.cold is not None
        assert self.cold_model is not None
        key = _key(config)
        if key not in self._cold_seen:
            engine = self.cold_model.reconfigured(config)
            scores = score_cold_start(engine, self.cold, catalog_size=self.catalog_size)
            self._cold_seen[key] = scores.ndcg
            warm = self._seen[key]
            self.trials.append(replace(warm, cold_start_ndcg=scores.ndcg))
            if self.progress:
                self.progress("tuning", len(self.trials), 0)
        return self._cold_seen[key]


def _key(config: HybridConfig) -> tuple[Any, ...]:
    return tuple(sorted(vars_of(config).items()))


def vars_of(config: HybridConfig) -> dict[str, Any]:
    return {name: getattr(config, name) for name in config.__dataclass_fields__}


def _difference(config: HybridConfig) -> dict[str, Any]:
    default = vars_of(HybridConfig())
    return {name: value for name, value in vars_of(config).items() if default[name] != value}
