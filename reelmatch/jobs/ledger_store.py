"""Where the job ledger keeps what dramatiq does not: which jobs are running right now, each
job's last error and last success, its recent attempts, and which workers are alive.

`RedisLedgerStore` (every worker and web process sees the same) keeps, under the broker's
namespace (`rm:jobs`):

- `ledger:running:{job}`: a sorted set of running attempts scored by when they expire; the
  worker running them pushes that time forward every third of the heartbeat timeout, so an
  attempt of a killed worker stops counting by itself;
- `ledger:last:{job}`: a hash with the last error, its time, and the last success's time;
- `ledger:history:{job}`: the last 50 attempts, newest first (JSON);
- `ledger:workers`: a sorted set of live workers, scored the same way.

`MemoryLedgerStore` keeps the same in this process (the app's embedded worker, no Redis).
"""

from __future__ import annotations

import json
import threading
import time
from collections import defaultdict, deque
from collections.abc import Sequence
from dataclasses import asdict, dataclass
from datetime import UTC, datetime
from typing import Any, Literal, Protocol, cast

import redis

HISTORY = 50
Outcome = Literal["done", "retry", "error", "failed"]


@dataclass(frozen=True, slots=True, kw_only=True)
class Attempt:
    """One run of a job: `done`, `retry` (asked to run again later, not an error), `error`
    (failed, will be retried with back-off) or `failed` (out of retries: dead-lettered)."""

    job: str
    message_id: str
    worker: str
    outcome: Outcome
    at: float  # epoch seconds, when it ended
    seconds: float
    period: int | None = None
    error: str | None = None

    def to_json(self) -> str:
        return json.dumps(asdict(self))

    @classmethod
    def from_json(cls, raw: str | bytes) -> Attempt:
        return cls(**json.loads(raw))


@dataclass(frozen=True, slots=True, kw_only=True)
class LastRun:
    error: str | None = None
    error_at: datetime | None = None
    ok_at: datetime | None = None


class LedgerStore(Protocol):
    def started(self, job: str, entry: str, *, expires: float) -> None: ...

    def finished(self, job: str, entry: str, attempt: Attempt) -> None: ...

    def keep_alive(
        self, entries: Sequence[tuple[str, str]], worker: str, *, expires: float
    ) -> None: ...

    def worker_gone(self, worker: str) -> None: ...

    def running(self, job: str) -> list[dict[str, Any]]: ...

    def last(self, job: str) -> LastRun: ...

    def history(self, job: str, *, limit: int = 20) -> list[Attempt]: ...

    def workers(self) -> list[str]: ...


def running_entry(message_id: str, worker: str) -> str:
    return json.dumps({"id": message_id, "worker": worker, "started": time.time()})


def _when(raw: Any) -> datetime | None:
    return datetime.fromtimestamp(float(raw), UTC) if raw not in (None, b"", "") else None


class RedisLedgerStore:
    def __init__(self, client: redis.Redis, *, namespace: str) -> None:
        self._client = client
        self._key = f"{namespace}:ledger"

    def started(self, job: str, entry: str, *, expires: float) -> None:
        self._client.zadd(f"{self._key}:running:{job}", {entry: expires})

    def finished(self, job: str, entry: str, attempt: Attempt) -> None:
        fields: list[str | float] = ["ok_at", attempt.at]
        if attempt.error is not None:
            fields = ["error", attempt.error, "error_at", attempt.at]
        history = f"{self._key}:history:{job}"
        with self._client.pipeline() as pipe:
            pipe.zrem(f"{self._key}:running:{job}", entry)
            if attempt.outcome != "retry":
                pipe.hset(f"{self._key}:last:{job}", items=fields)
            pipe.lpush(history, attempt.to_json())
            pipe.ltrim(history, 0, HISTORY - 1)
            pipe.execute()

    def keep_alive(
        self, entries: Sequence[tuple[str, str]], worker: str, *, expires: float
    ) -> None:
        with self._client.pipeline() as pipe:
            for job, entry in entries:
                pipe.zadd(f"{self._key}:running:{job}", {entry: expires}, xx=True)
            pipe.zadd(f"{self._key}:workers", {worker: expires})
            pipe.execute()

    def worker_gone(self, worker: str) -> None:
        self._client.zrem(f"{self._key}:workers", worker)

    def running(self, job: str) -> list[dict[str, Any]]:
        key = f"{self._key}:running:{job}"
        self._client.zremrangebyscore(key, "-inf", time.time())
        return [json.loads(raw) for raw in cast(list[bytes], self._client.zrange(key, 0, -1))]

    def last(self, job: str) -> LastRun:
        raw = cast(dict[bytes, bytes], self._client.hgetall(f"{self._key}:last:{job}"))
        found = {k.decode(): v.decode() for k, v in raw.items()}
        return LastRun(
            error=found.get("error"),
            error_at=_when(found.get("error_at")),
            ok_at=_when(found.get("ok_at")),
        )

    def history(self, job: str, *, limit: int = 20) -> list[Attempt]:
        raw = cast(list[bytes], self._client.lrange(f"{self._key}:history:{job}", 0, limit - 1))
        return [Attempt.from_json(item) for item in raw]

    def workers(self) -> list[str]:
        key = f"{self._key}:workers"
        self._client.zremrangebyscore(key, "-inf", time.time())
        return sorted(
            member.decode() for member in cast(list[bytes], self._client.zrange(key, 0, -1))
        )


class MemoryLedgerStore:
    """The same records for one process; nothing expires (the process is its only worker)."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._running: dict[str, dict[str, float]] = defaultdict(dict)
        self._last: dict[str, LastRun] = {}
        self._history: dict[str, deque[Attempt]] = defaultdict(lambda: deque(maxlen=HISTORY))
        self._workers: set[str] = set()

    def started(self, job: str, entry: str, *, expires: float) -> None:
        with self._lock:
            self._running[job][entry] = expires

    def finished(self, job: str, entry: str, attempt: Attempt) -> None:
        at = _when(attempt.at)
        with self._lock:
            self._running[job].pop(entry, None)
            last = self._last.get(job, LastRun())
            if attempt.error is not None:
                last = LastRun(error=attempt.error, error_at=at, ok_at=last.ok_at)
            elif attempt.outcome != "retry":
                last = LastRun(error=last.error, error_at=last.error_at, ok_at=at)
            self._last[job] = last
            self._history[job].appendleft(attempt)

    def keep_alive(
        self, entries: Sequence[tuple[str, str]], worker: str, *, expires: float
    ) -> None:
        with self._lock:
            self._workers.add(worker)

    def worker_gone(self, worker: str) -> None:
        with self._lock:
            self._workers.discard(worker)

    def running(self, job: str) -> list[dict[str, Any]]:
        with self._lock:
            return [json.loads(entry) for entry in self._running[job]]

    def last(self, job: str) -> LastRun:
        with self._lock:
            return self._last.get(job, LastRun())

    def history(self, job: str, *, limit: int = 20) -> list[Attempt]:
        with self._lock:
            return list(self._history[job])[:limit]

    def workers(self) -> list[str]:
        with self._lock:
            return sorted(self._workers)
