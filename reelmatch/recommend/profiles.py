"""A user's history as arrays, and how much each rated movie counts when scoring.

Engines accept a `UserHistory` (the service's current view) or a user id (looked up in the
snapshot the model was fitted on); both become a `Profile`, so scoring never builds a Python
object per rating on the hot path.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import numpy.typing as npt

from reelmatch.recommend.data import RatingsSnapshot, UserHistory
from reelmatch.recommend.serialization import Arrays

IntArray = npt.NDArray[np.int64]
FloatArray = npt.NDArray[np.float64]

EMPTY_IDS: IntArray = np.zeros(0, dtype=np.int64)


@dataclass(frozen=True, slots=True, kw_only=True, eq=False)
class Profile:
    movie_ids: IntArray = field(default_factory=lambda: EMPTY_IDS)
    stars: FloatArray = field(default_factory=lambda: np.zeros(0))
    rated_at: FloatArray = field(default_factory=lambda: np.zeros(0))
    watchlist: IntArray = field(default_factory=lambda: EMPTY_IDS)
    watched: IntArray = field(default_factory=lambda: EMPTY_IDS)
    dismissed: IntArray = field(default_factory=lambda: EMPTY_IDS)

    @classmethod
    def of(cls, history: UserHistory) -> Profile:
        latest = {}  # one rating per movie: the latest (then the last given)
        for rating in sorted(history.ratings, key=lambda r: r.rated_at):
            latest[rating.movie_id] = rating
        ratings = list(latest.values())
        return cls(
            movie_ids=np.array([r.movie_id for r in ratings], dtype=np.int64),
            stars=np.array([r.stars for r in ratings], dtype=np.float64),
            rated_at=np.array([r.rated_at for r in ratings], dtype=np.float64),
            watchlist=_ids(history.watchlist),
            watched=_ids(history.watched),
            dismissed=_ids(history.dismissed),
        )


def _ids(values: frozenset[int]) -> IntArray:
    return np.array(sorted(values), dtype=np.int64)


@dataclass(frozen=True, slots=True, kw_only=True)
class Weighting:
    """How much a rated movie says about what to show next.

    weight = (stars − neutral) × recency, recency = floor + (1 − floor) · ½^(newer / half_life)
    where `newer` counts the user's ratings made strictly later. A 5★ counts twice a 4★, a 1★
    pushes similar movies down, and the last few ratings matter most (taste drifts; the
    evaluation holds out each user's latest likes). Watchlisted movies count as a mild like.
    """

    neutral_stars: float = 3.0
    half_life: float = 10.0
    floor: float = 0.2
    watchlist_weight: float = 0.5


def rating_weights(profile: Profile, weighting: Weighting) -> FloatArray:
    """One weight per rating of `profile`, in its order."""
    times = profile.rated_at
    if not len(times):
        return np.zeros(0)
    ordered = np.sort(times)
    newer = len(times) - np.searchsorted(ordered, times, side="right")
    decay = np.exp2(-newer / max(weighting.half_life, 1e-9))
    recency = weighting.floor + (1.0 - weighting.floor) * decay
    return np.asarray((profile.stars - weighting.neutral_stars) * recency, dtype=np.float64)


class UserTable:
    """The fitted snapshot's users, so `recommend(user_id)` works without a `UserHistory`."""

    def __init__(self, arrays: Arrays) -> None:
        self.arrays = arrays
        self.user_ids: IntArray = arrays["user_ids"]
        self._indptr = arrays["indptr"]

    @classmethod
    def build(cls, snapshot: RatingsSnapshot) -> UserTable:
        order = np.lexsort((snapshot.rated_at, snapshot.user_ids))
        users = snapshot.user_ids[order]
        user_ids, starts = np.unique(users, return_index=True)
        arrays: Arrays = {
            "user_ids": user_ids,
            "indptr": np.append(starts, len(users)).astype(np.int64),
            "movie_ids": snapshot.movie_ids[order],
            "stars": snapshot.stars[order],
            "rated_at": snapshot.rated_at[order],
        }
        for name, mapping in (
            ("watchlist", snapshot.watchlists),
            ("dismissed", snapshot.dismissed),
        ):
            pairs = sorted((u, m) for u, ids in mapping.items() for m in ids)
            arrays[f"{name}_pairs"] = np.array(pairs, dtype=np.int64).reshape(-1, 2)
        return cls(arrays)

    def __contains__(self, user_id: int) -> bool:
        return self._row(user_id) is not None

    def profile(self, user_id: int) -> Profile:
        """The user's profile as fitted; empty for a user the snapshot did not have."""
        row = self._row(user_id)
        if row is None:
            ratings: dict[str, npt.NDArray[np.generic]] = {}
        else:
            rows = slice(int(self._indptr[row]), int(self._indptr[row + 1]))
            ratings = {n: self.arrays[n][rows] for n in ("movie_ids", "stars", "rated_at")}
        return Profile(
            **ratings,  # type: ignore[arg-type]
            watchlist=self._pairs("watchlist", user_id),
            dismissed=self._pairs("dismissed", user_id),
        )

    def _row(self, user_id: int) -> int | None:
        row = int(np.searchsorted(self.user_ids, user_id))
        if row < len(self.user_ids) and self.user_ids[row] == user_id:
            return row
        return None

    def _pairs(self, name: str, user_id: int) -> IntArray:
        pairs = self.arrays[f"{name}_pairs"]
        if not len(pairs):
            return EMPTY_IDS
        return np.asarray(pairs[pairs[:, 0] == user_id, 1], dtype=np.int64)
