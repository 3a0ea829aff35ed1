"""Computed results in the app's cache (Redis when set, so every replica and the batch job
share them), under `recs:{user_id}:{fingerprint}`, and behind it the stored runs
(`stored.py`): a miss in the cache is answered from `recommendation_runs` when a fresh run
matches, and the cache is filled again from it.

An entry is the `RecommendationsResult` as JSON plus `shown`: whether its items were already
stamped shown (a batch-computed result is stamped, and its `recommendation_shown` events sent,
the first time a page serves it). AI picks are also kept under `recs:{user_id}:ai-{digest}`,
keyed by the taste digest only, so feedback on an AI list never costs a new AI request.
"""

from __future__ import annotations

from dataclasses import dataclass, replace

from reelmatch.cache import Cache
from reelmatch.cache.keys import recs_key
from reelmatch.domain import Recommendation, RecommendationsResult, from_data, to_data
from reelmatch.services.recommendations.stored import StoredResults, ai_picks

KIND = "recs"


@dataclass(frozen=True, slots=True)
class StoredResult:
    result: RecommendationsResult
    shown: bool


@dataclass(frozen=True, slots=True, kw_only=True)
class StoredPicks:
    """What one AI request produced, grounded, and what it cost."""

    picks: tuple[Recommendation, ...]
    model: str | None
    cost_usd: float | None
    hallucinations: int


class ResultCache:
    def __init__(
        self,
        cache: Cache,
        *,
        ttl: float,
        stored: StoredResults | None = None,
    ) -> None:
        self._cache = cache
        self._stored = stored
        self.ttl = ttl

    def get(self, user_id: int, fingerprint: str) -> StoredResult | None:
        data = self._cache.get(recs_key(user_id, fingerprint))
        if isinstance(data, dict):
            try:
                return StoredResult(from_data(RecommendationsResult, data["result"]), data["shown"])
            except (KeyError, TypeError, ValueError):
                return None  # written by another version: compute again
        found = self._stored.result(user_id, fingerprint) if self._stored else None
        if found is None:
            return None
        result, shown = found
        self.put(user_id, result, shown=shown)
        return StoredResult(result, shown)

    def put(
        self, user_id: int, result: RecommendationsResult, *, shown: bool, ttl: float | None = None
    ) -> None:
        data = {"result": to_data(replace(result, from_cache=False)), "shown": shown}
        key = recs_key(user_id, result.fingerprint)
        self._cache.set(key, data, kind=KIND, ttl=self.ttl if ttl is None else ttl)

    def has(self, user_id: int, fingerprint: str) -> bool:
        return self._cache.get(recs_key(user_id, fingerprint)) is not None

    def get_picks(self, user_id: int, digest: str) -> StoredPicks | None:
        data = self._cache.get(recs_key(user_id, f"ai-{digest}"))
        if isinstance(data, dict):
            try:
                return from_data(StoredPicks, data)
            except ValueError:
                return None
        run = self._stored.picks(user_id, digest) if self._stored else None
        if run is None or not ai_picks(run):
            return None
        picks = StoredPicks(
            picks=ai_picks(run),
            model=run.model,
            cost_usd=run.cost_usd or None,
            hallucinations=run.hallucinations,
        )
        self.put_picks(user_id, digest, picks)
        return picks

    def put_picks(self, user_id: int, digest: str, picks: StoredPicks) -> None:
        self._cache.set(recs_key(user_id, f"ai-{digest}"), to_data(picks), kind=KIND, ttl=self.ttl)

    def forget_user(self, user_id: int) -> None:
        self._cache.invalidate_prefix(recs_key(user_id, ""))
