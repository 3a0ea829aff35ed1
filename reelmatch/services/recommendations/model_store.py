"""Where fitted models are kept between processes: Redis when `REDIS_URL` is set (replicas
share one model), else a file in the data directory (the CLI's `--retrain` and app restarts
reuse it).

A model is its `Recommender.to_bytes()` (npz + JSON, never pickle) plus a small JSON `meta`
(model id, when and on what it was trained). In Redis both live in ONE hash, written with one
HSET and read with one HMGET, so a reader never pairs one model's meta with another's bytes;
the file is written to a temporary name and renamed into place for the same reason.

Training is done under the store's lock (`training_lock()`: in Redis, redis-py's token lock,
extended while the training runs and gone `lock_seconds` after its holder died), and the store
counts library changes since the last training (`count_change()`), so the rating path can tell
when a retrain is due without asking the database.
"""

from __future__ import annotations

import json
import os
import tempfile
import threading
from contextlib import AbstractContextManager, nullcontext
from pathlib import Path
from typing import Any, Protocol

from reelmatch.cache import RedisLink
from reelmatch.cache.locks import held_lock

MODEL_NAME = "hybrid"
#: How long a training lock outlives a holder that stopped extending it (a dead process).
LOCK_SECONDS = 60.0


class ModelStore(Protocol):
    #: True when other processes (replicas) see what is saved here.
    shared: bool

    def meta(self) -> dict[str, Any] | None: ...

    def load(self) -> tuple[dict[str, Any], bytes] | None: ...

    def save(self, meta: dict[str, Any], data: bytes) -> None: ...

    def training_lock(self) -> AbstractContextManager[bool]:
        """True inside while this process may train (no other one is), else False."""
        ...

    def count_change(self) -> int:
        """Count one library change; returns the changes counted since `reset_changes()`."""
        ...

    def reset_changes(self) -> None: ...


class RedisModelStore:
    """`rm:model:hybrid` (hash: meta, data), `rm:model:hybrid:lock` (who is training) and
    `rm:model:hybrid:changes` (library changes since the last training started)."""

    shared = True

    def __init__(
        self, link: RedisLink, *, name: str = MODEL_NAME, lock_seconds: float = LOCK_SECONDS
    ) -> None:
        self._link = link
        self._key = link.key(f"model:{name}")
        self._lock_key = link.key(f"model:{name}:lock")
        self._changes_key = link.key(f"model:{name}:changes")
        self._lock_seconds = lock_seconds

    def meta(self) -> dict[str, Any] | None:
        raw = self._link.call(lambda client: client.hget(self._key, "meta"), None)
        return _meta(raw)

    def load(self) -> tuple[dict[str, Any], bytes] | None:
        found = self._link.call(lambda client: client.hmget(self._key, ["meta", "data"]), None)
        if not found or found[0] is None or found[1] is None:
            return None
        meta, data = _meta(found[0]), found[1]
        if meta is None or not isinstance(data, bytes):
            return None
        return meta, data

    def save(self, meta: dict[str, Any], data: bytes) -> None:
        fields: list[str | bytes] = ["meta", json.dumps(meta), "data", data]
        self._link.call(lambda client: client.hset(self._key, items=fields), None)

    def training_lock(self) -> AbstractContextManager[bool]:
        """redis-py's token lock, extended while held; Redis errors propagate (a job then
        fails and is retried later)."""
        return held_lock(self._link.client, self._lock_key, seconds=self._lock_seconds)

    def count_change(self) -> int:
        return int(self._link.call(lambda client: client.incr(self._changes_key), 0))

    def reset_changes(self) -> None:
        self._link.call(lambda client: client.delete(self._changes_key), 0)


class FileModelStore:
    """`<data dir>/models/hybrid.model`: one JSON line of meta, then the model bytes."""

    shared = False

    def __init__(self, folder: Path, *, name: str = MODEL_NAME) -> None:
        self._path = folder / f"{name}.model"
        self._changes = 0
        self._lock = threading.Lock()

    def meta(self) -> dict[str, Any] | None:
        loaded = self._read(meta_only=True)
        return loaded[0] if loaded else None

    def load(self) -> tuple[dict[str, Any], bytes] | None:
        return self._read(meta_only=False)

    def save(self, meta: dict[str, Any], data: bytes) -> None:
        self._path.parent.mkdir(parents=True, exist_ok=True)
        handle, temporary = tempfile.mkstemp(dir=self._path.parent, suffix=".tmp")
        try:
            with os.fdopen(handle, "wb") as out:
                out.write(json.dumps(meta).encode() + b"\n")
                out.write(data)
            os.replace(temporary, self._path)
        except BaseException:
            Path(temporary).unlink(missing_ok=True)
            raise

    def training_lock(self) -> AbstractContextManager[bool]:
        # One host: at worst two processes train at once, and the last one wins.
        return nullcontext(True)

    def count_change(self) -> int:
        with self._lock:  # changes counted by this process only
            self._changes += 1
            return self._changes

    def reset_changes(self) -> None:
        with self._lock:
            self._changes = 0

    def _read(self, *, meta_only: bool) -> tuple[dict[str, Any], bytes] | None:
        try:
            with self._path.open("rb") as source:
                header = source.readline()
                data = b"" if meta_only else source.read()
        except OSError:
            return None
        meta = _meta(header)
        return (meta, data) if meta is not None else None


def _meta(raw: bytes | str | None) -> dict[str, Any] | None:
    if raw is None:
        return None
    try:
        meta = json.loads(raw)
    except ValueError:
        return None
    return meta if isinstance(meta, dict) and isinstance(meta.get("model_id"), str) else None
