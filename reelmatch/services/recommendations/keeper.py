"""The local engine's model lifecycle: load, train, share, refresh. Never trains on a page.

`model()` answers a request with what this process has: its model, else the stored one
(loading is a read, not training: a request may wait for a load, never for a training), else a
fallback (popularity on the catalog's own votes, fitted in ~10 ms) while the background thread
trains. The thread (`start()`, app only) checks
every `check_seconds` (and when `wake()`d): a newer model in the store is loaded; enough
changed library rows since the last fit (`threshold`) train a new one, under the store's lock
so only one replica trains, and publish it for the others. The CLI calls `ensure()` (load or
train now) and `retrain()`.
"""

from __future__ import annotations

import logging
import secrets
import threading
import time
from dataclasses import asdict, dataclass
from datetime import datetime
from typing import Any, Literal

from reelmatch.errors import InvalidInput
from reelmatch.recommend import (
    PopularityRecommender,
    RatingsSnapshot,
    Recommender,
    create_recommender,
    load_recommender,
)
from reelmatch.services.recommendations.model_store import ModelStore
from reelmatch.services.recommendations.training import TrainingSource
from reelmatch.services.repeater import Repeater
from reelmatch.store.database import Database
from reelmatch.store.types import utcnow
from reelmatch.store.uow import UnitOfWork

log = logging.getLogger(__name__)

FALLBACK_ID = "fallback"
#: How often a process without a model looks in the store again on the request path.
STORE_RECHECK_SECONDS = 5.0
CheckOutcome = Literal["loaded", "trained", "fresh", "busy"]


@dataclass(frozen=True, slots=True, kw_only=True)
class ModelInfo:
    model_id: str
    engine: str
    trained_at: str  # ISO 8601, UTC
    data_taken_at: str  # when its ratings were read
    ratings: int = 0
    users: int = 0
    movies: int = 0
    seconds: float = 0.0

    @classmethod
    def from_meta(cls, meta: dict[str, Any]) -> ModelInfo:
        known = {name: meta[name] for name in cls.__dataclass_fields__ if name in meta}
        return cls(**known)


@dataclass(frozen=True, slots=True)
class FittedModel:
    engine: Recommender
    info: ModelInfo

    @property
    def is_fallback(self) -> bool:
        return self.info.model_id == FALLBACK_ID


class ModelKeeper:
    def __init__(
        self,
        *,
        source: TrainingSource,
        store: ModelStore,
        threshold: int,
        check_seconds: float,
        database: Database,
    ) -> None:
        self._source = source
        self._store = store
        self._threshold = threshold
        self._check_seconds = check_seconds
        self._database = database
        self._model: FittedModel | None = None
        self._fallback: FittedModel | None = None
        self._store_checked = 0.0
        self._training = threading.Lock()  # one training at a time in this process
        self._loading = threading.Lock()  # one load at a time; requests never wait on it
        self._delay = check_seconds
        self._thread = Repeater(self._background_check, name="reelmatch-recommender")
        self.trainings = 0
        self.loads = 0

    @property
    def store(self) -> ModelStore:
        return self._store

    # The request path ----------------------------------------------------------------------

    def model(self) -> FittedModel:
        """The best model available without training (see the module docstring)."""
        current = self._model
        if current is not None:
            return current
        loading = self._loading.locked()  # another thread is loading: wait for its model
        if loading or time.monotonic() - self._store_checked >= STORE_RECHECK_SECONDS:
            loaded = self._load_stored()
            if loaded is not None:
                return loaded
        self._thread.wake()
        return self._fallback_model()

    # Blocking operations (CLI, tests, the background thread) --------------------------------

    def ensure(self) -> FittedModel:
        """This process's model: loaded from the store, or trained now when there is none."""
        return self._model or self._load_stored() or self.retrain()

    def retrain(self) -> FittedModel:
        """Train on the current data now, publish it to the store and use it."""
        with self._training:
            data = self._source.read()
            started = time.perf_counter()
            engine = _fit(data.snapshot, data.features)
            info = ModelInfo(
                model_id=secrets.token_hex(6),
                engine=engine.name,
                trained_at=utcnow().isoformat(),
                data_taken_at=data.taken_at.isoformat(),
                ratings=data.ratings,
                users=engine.info.users,
                movies=engine.info.movies,
                seconds=round(time.perf_counter() - started, 3),
            )
            self._store.save(asdict(info), engine.to_bytes())
            self._model = FittedModel(engine, info)
            self.trainings += 1
        log.info(
            "trained recommendation model %s: %d ratings, %d users, %d movies in %.1f s",
            info.model_id, info.ratings, info.users, info.movies, info.seconds,
        )  # fmt: skip
        return self._model

    def check(self) -> CheckOutcome:
        """One background step: load a newer stored model, or retrain when due."""
        stored = self._store.meta()
        current = self._model
        newer = stored is not None and (current is None or _newer(stored, current.info))
        if newer and self._load_stored(force=True) is not None:
            return "loaded"
        if current is not None and not self._due(current.info):
            return "fresh"
        token = self._store.try_lock()
        if token is None:
            return "busy"  # another replica is training; its model arrives with the next check
        try:
            self.retrain()
        finally:
            self._store.unlock(token)
        return "trained"

    # The background thread -----------------------------------------------------------------

    def start(self) -> None:
        self._thread.start()

    def wake(self) -> None:
        self._thread.wake()

    def stop(self, timeout: float = 5.0) -> None:
        self._thread.stop(timeout)

    def _background_check(self) -> float:
        """One `check()`; the seconds until the next (doubling after failures, up to 1 h)."""
        try:
            self.check()
            self._delay = self._check_seconds
        except Exception:
            log.exception("recommendation model check failed; trying again later")
            self._delay = min(self._delay * 2, 3600.0)
        return self._delay

    # Internals -------------------------------------------------------------------------------

    def _load_stored(self, *, force: bool = False, wait: bool = True) -> FittedModel | None:
        """The stored model, adopted; None when there is none (or, with `wait=False`, when
        another thread is loading right now)."""
        if not self._loading.acquire(blocking=wait):
            return None
        try:
            self._store_checked = time.monotonic()
            if self._model is not None and not force:
                return self._model
            found = self._store.load()
            if found is None:
                return None
            meta, data = found
            if self._model is not None and self._model.info.model_id == meta["model_id"]:
                return self._model
            try:
                engine = load_recommender(data)
                info = ModelInfo.from_meta(meta)
            except (InvalidInput, TypeError):
                log.warning("the stored recommendation model could not be loaded; retraining")
                return None
            self._model = FittedModel(engine, info)
            self.loads += 1
            return self._model
        finally:
            self._loading.release()

    def _due(self, info: ModelInfo) -> bool:
        """Enough library rows changed since the model's data was read."""
        since = datetime.fromisoformat(info.data_taken_at)
        with UnitOfWork(self._database, read_only=True) as uow:
            changed = uow.recommendations.ratings_changed_since(since)
            count = uow.recommendations.rating_count()
        return changed >= self._threshold or abs(count - info.ratings) >= self._threshold

    def _fallback_model(self) -> FittedModel:
        fallback = self._fallback
        if fallback is None:
            empty = RatingsSnapshot.from_rows([])
            engine = PopularityRecommender().fit(empty, self._source.features())
            now = utcnow().isoformat()
            info = ModelInfo(
                model_id=FALLBACK_ID, engine=engine.name, trained_at=now, data_taken_at=now
            )
            fallback = self._fallback = FittedModel(engine, info)
        return fallback


def _fit(snapshot: RatingsSnapshot, features: Any) -> Recommender:
    return create_recommender("hybrid").fit(snapshot, features)


def _newer(stored: dict[str, Any], current: ModelInfo) -> bool:
    return bool(
        stored.get("model_id") != current.model_id
        and str(stored.get("trained_at", "")) > current.trained_at
    )
