"""`recommend --all-users` with Redis: the users cut into chunk jobs that every worker (and the
command itself) takes from one queue, with progress in Redis, resumable.

A run is keyed by what it computes (engine and k): `batch:{engine}:{k}` holds its plan while
it is unfinished, so the same command started again (after Ctrl-C, or on another machine)
follows that run instead of starting a second one. The chunks' usernames are written before
any chunk is sent (`batch:{run}:chunks`), each chunk is sent by whoever claims
`batch:{run}:sent:{i}` first, and each finished chunk writes its counts to `batch:{run}:done`
(an HSET: a chunk run twice, after a worker died, overwrites its own line). A chunk computes
only users whose list is not cached for their current state, so a user is computed once even
when a chunk runs again.
"""

from __future__ import annotations

import json
import secrets
import time
from collections.abc import Sequence
from dataclasses import asdict, dataclass
from typing import Any

import redis

#: How long an unfinished run's records are kept.
RUN_SECONDS = 86400

_DELETE_IF_SAME = """
if redis.call('get', KEYS[1]) == ARGV[1] then return redis.call('del', KEYS[1]) end
return 0
"""


@dataclass(frozen=True, slots=True, kw_only=True)
class BatchPlan:
    run: str
    key: str
    users: int
    chunks: int
    engine: str
    k: int
    started_at: float

    def to_json(self) -> str:
        return json.dumps(asdict(self), sort_keys=True)


class BatchStore:
    def __init__(self, client: redis.Redis, *, namespace: str) -> None:
        self._client = client
        self._ns = f"{namespace}:batch"
        self._delete_if_same = client.register_script(_DELETE_IF_SAME)

    def open(
        self, chunks: Sequence[Sequence[str]], *, engine: str, k: int
    ) -> tuple[BatchPlan, bool]:
        """The unfinished run for (engine, k) and True, or a new one made of `chunks` and
        False."""
        key = f"{engine}:{k}"
        plan = BatchPlan(
            run=secrets.token_hex(6),
            key=key,
            users=sum(len(chunk) for chunk in chunks),
            chunks=len(chunks),
            engine=engine,
            k=k,
            started_at=time.time(),
        )
        if chunks:
            definitions = [part for i, c in enumerate(chunks) for part in (i, json.dumps(list(c)))]
            self._client.hset(self._run_key(plan.run, "chunks"), items=definitions)
            self._client.expire(self._run_key(plan.run, "chunks"), RUN_SECONDS)
        if self._client.set(self._plan_key(key), plan.to_json(), nx=True, ex=RUN_SECONDS):
            return plan, False
        self._client.delete(self._run_key(plan.run, "chunks"))
        found = self._client.get(self._plan_key(key))
        if found is None:  # finished between the two commands: start again
            return self.open(chunks, engine=engine, k=k)
        return BatchPlan(**json.loads(found)), True

    def chunk(self, plan: BatchPlan, index: int) -> list[str]:
        raw = self._client.hget(self._run_key(plan.run, "chunks"), str(index))
        return list(json.loads(raw)) if raw is not None else []

    def claim_send(self, plan: BatchPlan, index: int) -> bool:
        key = self._run_key(plan.run, f"sent:{index}")
        return bool(self._client.set(key, "1", nx=True, ex=RUN_SECONDS))

    def record(self, run: str, chunk: int, counts: dict[Any, int]) -> None:
        key = self._run_key(run, "done")
        with self._client.pipeline() as pipe:
            pipe.hset(key, str(chunk), json.dumps(counts))
            pipe.expire(key, RUN_SECONDS)
            pipe.execute()

    def done(self, plan: BatchPlan) -> dict[int, dict[str, int]]:
        raw = self._client.hgetall(self._run_key(plan.run, "done"))
        return {int(chunk): json.loads(counts) for chunk, counts in raw.items()}

    def close(self, plan: BatchPlan) -> None:
        """Forget a finished run (only if it is still the current one for its key)."""
        self._delete_if_same(keys=[self._plan_key(plan.key)], args=[plan.to_json()])
        names = [self._run_key(plan.run, "chunks"), self._run_key(plan.run, "done")]
        names += [self._run_key(plan.run, f"sent:{i}") for i in range(plan.chunks)]
        self._client.delete(*names)

    def _plan_key(self, key: str) -> str:
        return f"{self._ns}:{key}"

    def _run_key(self, run: str, part: str) -> str:
        return f"{self._ns}:run:{run}:{part}"
