"""The local engine's model lifecycle: load, train, share, follow. Never trains on a page.

`model()` answers a request with what this process has: its model, else the stored one
(loading is a read, not training: a request may wait for a first load, never for a training),
else a fallback (popularity on the catalog's own votes, fitted in ~10 ms). A process that has a
model looks at the store's metadata every few seconds and loads a newer model on a short-lived
thread, so replicas follow the trainer without a page waiting for the load.

Training is a job (`reelmatch.jobs`): `train_if_due()` trains when there is no stored model or
enough library rows changed since the stored one's data was read, under the store's lock so
only one process trains, and publishes the result. The rating path counts changes in the store
(`note_change()`) and calls `on_due` every `threshold` of them, which enqueues that job. The CLI
calls `ensure()` (load or train now) and `retrain()`.
"""

from __future__ import annotations

import logging
import secrets
import threading
import time
from collections.abc import Callable
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
from reelmatch.store.types import utcnow
from reelmatch.store.uow import UowFactory

log = logging.getLogger(__name__)

FALLBACK_ID = "fallback"
#: How often the request path looks in the store (for a first model, or a newer one).
STORE_RECHECK_SECONDS = 5.0
TrainOutcome = Literal["trained", "fresh", "busy"]


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
        unit_of_work: UowFactory,
    ) -> None:
        self._source = source
        self._store = store
        self._threshold = threshold
        self._unit_of_work = unit_of_work
        self._model: FittedModel | None = None
        self._fallback: FittedModel | None = None
        self._store_checked = 0.0
        self._training = threading.Lock()  # one training at a time in this process
        self._loading = threading.Lock()  # one load at a time; requests never wait on it
        #: Called when a training is due (no model anywhere, or `threshold` changes counted);
        #: the job system sets it to enqueue the training job. Must not raise.
        self.on_due: Callable[[], None] | None = None
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
            self._follow_store(current)
            return current
        loading = self._loading.locked()  # another thread is loading: wait for its model
        if loading or time.monotonic() - self._store_checked >= STORE_RECHECK_SECONDS:
            loaded = self._load_stored()
            if loaded is not None:
                return loaded
            if not loading:
                self._request_training()  # nothing stored yet (at most every few seconds)
        return self._fallback_model()

    def note_change(self) -> None:
        """The rating path: count one library change; every `threshold` changes since the
        last training started, ask for a training (a burst of ratings asks once)."""
        count = self._store.count_change()
        if count and count % self._threshold == 0:
            self._request_training()

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

    def train_if_due(self) -> TrainOutcome:
        """The training job: train and publish when there is no stored model or enough rows
        changed since its data was read; "busy" when another process holds the lock. Running
        it twice trains once: the second run finds the first one's model fresh."""
        if not self._due():
            self._adopt_newer()
            return "fresh"
        with self._store.training_lock() as held:
            if not held:
                return "busy"
            if not self._due():  # published by another process just before we got the lock
                self._adopt_newer()
                return "fresh"
            self._store.reset_changes()  # changes from now on count towards the next one
            self.retrain()
        return "trained"

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

    def _follow_store(self, current: FittedModel) -> None:
        """Every few seconds, one metadata read; a newer stored model is loaded on a thread
        of its own while requests go on with `current`."""
        now = time.monotonic()
        if now - self._store_checked < STORE_RECHECK_SECONDS or self._loading.locked():
            return
        self._store_checked = now
        stored = self._store.meta()
        if stored is not None and _newer(stored, current.info):
            threading.Thread(
                target=self._load_stored,
                kwargs={"force": True, "wait": False},
                name="reelmatch-model-load",
                daemon=True,
            ).start()

    def _adopt_newer(self) -> None:
        stored, current = self._store.meta(), self._model
        if stored is not None and (current is None or _newer(stored, current.info)):
            self._load_stored(force=True)

    def _request_training(self) -> None:
        if self.on_due is not None:
            self.on_due()

    def _due(self) -> bool:
        """No stored model, or enough library rows changed since its data was read (or the
        rating count moved that much: a reset database)."""
        meta = self._store.meta()
        try:
            info = ModelInfo.from_meta(meta) if meta is not None else None
            since = datetime.fromisoformat(info.data_taken_at) if info is not None else None
        except (TypeError, ValueError):
            return True  # unreadable: replace it
        if info is None or since is None:
            return True
        with self._unit_of_work(read_only=True) as uow:
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
