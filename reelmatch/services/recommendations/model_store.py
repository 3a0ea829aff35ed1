"""Where fitted models are kept between processes: Redis when `REDIS_URL` is set (replicas
share one model), else a file in the data directory (the CLI's `--retrain` and app restarts
reuse it).

A model is its `Recommender.to_bytes()` (npz + JSON, never pickle) plus a small JSON `meta`
(model id, when and on what it was trained). In Redis both live in ONE hash, written with one
HSET and read with one HMGET, so a reader never pairs one model's meta with another's bytes;
the file is written to a temporary name and renamed into place for the same reason.
"""

from __future__ import annotations

import json
import os
import secrets
import tempfile
from pathlib import Path
from typing import Any, Protocol

import redis

from reelmatch.cache import RedisLink

MODEL_NAME = "hybrid"
LOCK_SECONDS = 600


class ModelStore(Protocol):
    #: True when other processes (replicas) see what is saved here.
    shared: bool

    def meta(self) -> dict[str, Any] | None: ...

    def load(self) -> tuple[dict[str, Any], bytes] | None: ...

    def save(self, meta: dict[str, Any], data: bytes) -> None: ...

    def try_lock(self) -> str | None:
        """A token when this process may train now (others are not), else None."""
        ...

    def unlock(self, token: str) -> None: ...


class RedisModelStore:
    """`rm:model:hybrid` (hash: meta, data) and `rm:model:hybrid:lock` (who is training)."""

    shared = True

    def __init__(self, link: RedisLink, *, name: str = MODEL_NAME) -> None:
        self._link = link
        self._key = link.key(f"model:{name}")
        self._lock_key = link.key(f"model:{name}:lock")

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

    def try_lock(self) -> str | None:
        token = secrets.token_hex(8)

        def take(client: redis.Redis) -> bool:
            return bool(client.set(self._lock_key, token, nx=True, ex=LOCK_SECONDS))

        # Redis down: each process trains on its own (it cannot share the result anyway).
        return token if self._link.call(take, True) else None

    def unlock(self, token: str) -> None:
        def release(client: redis.Redis) -> None:
            if client.get(self._lock_key) == token.encode():
                client.delete(self._lock_key)

        self._link.call(release, None)


class FileModelStore:
    """`<data dir>/models/hybrid.model`: one JSON line of meta, then the model bytes."""

    shared = False

    def __init__(self, folder: Path, *, name: str = MODEL_NAME) -> None:
        self._path = folder / f"{name}.model"

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

    def try_lock(self) -> str | None:
        return "file"  # one host: at worst two processes train at once, and the last one wins

    def unlock(self, token: str) -> None:
        return None

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
