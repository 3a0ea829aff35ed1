"""The one interface every engine implements (in the spirit of implicit's `RecommenderBase`).

`fit(snapshot, features, seed=...)` trains; `recommend(user, k, filters=...)` answers from the
fitted state; `to_bytes()` / `from_bytes()` move a fitted engine between processes without
pickle. The shared steps (profiles, filters, exclusions, deterministic top-k, building
`Recommendation`s) live here, so an engine only says how it scores and explains.
"""

from __future__ import annotations

import dataclasses
import time
from abc import ABC, abstractmethod
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any, ClassVar, Self

import numpy as np
import numpy.typing as npt

from reelmatch.domain import Recommendation, RecommendationFilters
from reelmatch.errors import InvalidInput
from reelmatch.recommend.data import MovieFeatures, RatingsSnapshot, UserHistory
from reelmatch.recommend.index import ItemIndex
from reelmatch.recommend.profiles import Profile, UserTable
from reelmatch.recommend.serialization import Arrays, pack, prefixed, unpack, unprefixed

__all__ = ["MAX_K", "FitInfo", "Pick", "Recommender", "top_positions"]

MAX_K = 500
FloatArray = npt.NDArray[np.float64]
IntArray = npt.NDArray[np.int64]
BoolArray = npt.NDArray[np.bool_]


@dataclass(frozen=True, slots=True, kw_only=True)
class FitInfo:
    """What a fitted model was trained on, for logs, caches and the analytics page."""

    users: int = 0
    ratings: int = 0
    movies: int = 0
    seconds: float = 0.0
    seed: int = 0


@dataclass(frozen=True, slots=True)
class Pick:
    position: int
    score: float
    reasons: tuple[str, ...]


class Recommender(ABC):
    """Base of every engine. Subclasses set `name`, `source`, `config_type`, `default_config`
    and implement `_fit`, `_pick`, `_parts_to_arrays` and `_parts_from_arrays`.

    `config` is a frozen dataclass of the engine's settings; `seed` makes any randomness
    repeatable (the current engines are deterministic and only record it).
    """

    name: ClassVar[str]
    source: ClassVar[str]
    config_type: ClassVar[type[Any]]
    default_config: ClassVar[Any]

    def __init__(self, config: Any | None = None) -> None:
        if config is not None and not isinstance(config, self.config_type):
            raise InvalidInput(f"The {self.name} engine takes a {self.config_type.__name__}.")
        self.config = self.default_config if config is None else config
        self._index: ItemIndex | None = None
        self._users: UserTable | None = None
        self.info = FitInfo()

    # The interface -----------------------------------------------------------------------

    def fit(
        self, snapshot: RatingsSnapshot, features: Iterable[MovieFeatures], *, seed: int = 0
    ) -> Self:
        """Train on every user's ratings and the movies' features; returns `self`."""
        started = time.perf_counter()
        by_id = {f.movie.id: f for f in features}
        index = ItemIndex.build(by_id.values(), snapshot.movie_ids.tolist())
        self._fit(snapshot, by_id, index, seed=seed)
        self._index, self._users = index, UserTable.build(snapshot)
        self.info = FitInfo(
            users=len(self._users.user_ids),
            ratings=len(snapshot),
            movies=int(index.recommendable.sum()),
            seconds=time.perf_counter() - started,
            seed=seed,
        )
        return self

    def recommend(
        self,
        user: int | UserHistory,
        k: int = 10,
        *,
        filters: RecommendationFilters | None = None,
    ) -> list[Recommendation]:
        """Up to `k` movies for `user`, best first, each with reasons.

        `user` is a user id (their history as of `fit`) or a `UserHistory` (their history now:
        new users and new ratings count without retraining).
        """
        if isinstance(k, bool) or not isinstance(k, int) or not 1 <= k <= MAX_K:
            raise InvalidInput(f"Ask for between 1 and {MAX_K} recommendations, not {k!r}.")
        index = self.index
        profile = self.profile(user)
        filters = filters or RecommendationFilters()
        candidates = index.candidates(profile, filters)
        picks = self._pick(profile, filters=filters, candidates=candidates, k=k)
        return [
            Recommendation(
                movie=index.movies[pick.position],  # type: ignore[arg-type]
                score=round(float(pick.score), 6),
                reasons=pick.reasons,
                source=self.source,
            )
            for pick in picks[:k]
        ]

    def profile(self, user: int | UserHistory) -> Profile:
        if isinstance(user, UserHistory):
            return Profile.of(user)
        if isinstance(user, bool) or not isinstance(user, int | np.integer):
            raise InvalidInput(f"A user is an id or a UserHistory, not {type(user).__name__}.")
        users = self._users
        if users is None:
            raise InvalidInput("This recommender has not been trained yet.")
        return users.profile(int(user))

    @property
    def index(self) -> ItemIndex:
        if self._index is None:
            raise InvalidInput("This recommender has not been trained yet.")
        return self._index

    @property
    def is_fitted(self) -> bool:
        return self._index is not None

    # Serialisation -------------------------------------------------------------------------

    def to_bytes(self) -> bytes:
        """The fitted engine as bytes (npz + JSON, no pickle), for a cache shared by replicas."""
        index = self.index
        assert self._users is not None
        index_arrays, index_meta = index.to_arrays()
        parts_arrays, parts_meta = self._parts_to_arrays()
        meta = {
            "engine": self.name,
            "config": dataclasses.asdict(self.config),
            "info": dataclasses.asdict(self.info),
            "index": index_meta,
            "parts": parts_meta,
        }
        arrays = {
            **prefixed("index", index_arrays),
            **prefixed("users", self._users.arrays),
            **prefixed("parts", parts_arrays),
        }
        return pack(meta, arrays)

    @classmethod
    def from_bytes(cls, data: bytes) -> Self:
        return cls.restore(*unpack(data))

    @classmethod
    def restore(cls, meta: dict[str, Any], arrays: Arrays) -> Self:
        """The engine from unpacked `to_bytes` output (see `serialization.unpack`)."""
        if meta.get("engine") != cls.name:
            raise InvalidInput(f"This saved model is a {meta.get('engine')!r} engine.")
        try:
            engine = cls(cls.config_type(**meta["config"]))
            engine._index = ItemIndex.from_arrays(unprefixed("index", arrays), meta["index"])
            engine._users = UserTable(unprefixed("users", arrays))
            engine._parts_from_arrays(unprefixed("parts", arrays), meta["parts"])
            engine.info = FitInfo(**meta["info"])
        except (KeyError, TypeError, ValueError) as error:
            raise InvalidInput(
                f"This saved model is incomplete ({type(error).__name__})."
            ) from None
        return engine

    # What an engine provides ---------------------------------------------------------------

    @abstractmethod
    def _fit(
        self,
        snapshot: RatingsSnapshot,
        features: dict[int, MovieFeatures],
        index: ItemIndex,
        *,
        seed: int,
    ) -> None: ...

    @abstractmethod
    def _pick(
        self,
        profile: Profile,
        *,
        filters: RecommendationFilters,
        candidates: BoolArray,
        k: int,
    ) -> list[Pick]: ...

    @abstractmethod
    def _parts_to_arrays(self) -> tuple[Arrays, dict[str, Any]]: ...

    @abstractmethod
    def _parts_from_arrays(self, arrays: Arrays, meta: dict[str, Any]) -> None: ...


def top_positions(scores: FloatArray, candidates: BoolArray, n: int) -> IntArray:
    """The `n` best candidate positions, best first; ties go to the lower movie id.

    Exact and deterministic: every item tied with the n-th score is sorted before cutting.
    """
    positions = np.flatnonzero(candidates)
    if not len(positions) or n <= 0:
        return np.zeros(0, dtype=np.int64)
    values = scores[positions]
    if len(positions) > n:
        threshold = np.partition(values, len(values) - n)[len(values) - n]
        keep = values >= threshold
        positions, values = positions[keep], values[keep]
    order = np.lexsort((positions, -values))
    return np.asarray(positions[order][:n], dtype=np.int64)
