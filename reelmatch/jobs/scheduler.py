"""Scheduled jobs, once per period across all workers.

Dramatiq has no scheduler, so every worker runs this small one. Periods are aligned to the
epoch (period `index = now // every`, on the claims' shared clock), so all workers agree where
one ends. When a worker sees a period it has not tried yet, it claims
`sched:{job}:{every}:{index}` (SET NX in Redis) and enqueues the job only if the claim was
its own: whichever worker comes first enqueues, the others find the claim taken. A worker that
starts mid-period enqueues that period's run unless another worker already did, so a fresh
installation refreshes and trains right away. If Redis fails, the period is tried again at
the next tick.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable, Sequence
from dataclasses import dataclass

import redis

from reelmatch.jobs.claims import Claims

log = logging.getLogger(__name__)

#: Longest pause between two looks at the clock.
MAX_TICK_SECONDS = 1.0


@dataclass(frozen=True, slots=True)
class Schedule:
    job: str
    every: float  # seconds

    def index(self, now: float) -> int:
        return int(now // self.every)

    def key(self, index: int) -> str:
        return f"sched:{self.job}:{self.every:g}:{index}"


class Scheduler:
    def __init__(
        self,
        schedules: Sequence[Schedule],
        *,
        claims: Claims,
        send: Callable[[str, int], None],
    ) -> None:
        """`send(job, period_index)` enqueues one scheduled run."""
        self.schedules = tuple(schedules)
        self._claims = claims
        self._send = send
        self._tried: dict[str, int] = {}
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None
        shortest = min((s.every for s in self.schedules), default=MAX_TICK_SECONDS)
        self._tick = max(0.05, min(MAX_TICK_SECONDS, shortest / 4))

    def tick(self) -> list[str]:
        """Enqueue every schedule whose current period nobody has claimed yet; the jobs sent."""
        sent: list[str] = []
        now = self._claims.now()
        for schedule in self.schedules:
            index = schedule.index(now)
            if self._tried.get(schedule.job) == index:
                continue
            # Twice the period, so a slow worker's clock cannot claim it again.
            key = schedule.key(index)
            if self._claims.claim(key, seconds=2 * schedule.every + 60):
                try:
                    self._send(schedule.job, index)
                except BaseException:
                    self._claims.release(key)  # not sent: the next tick claims it again
                    raise
                sent.append(schedule.job)
            self._tried[schedule.job] = index
        return sent

    def start(self) -> None:
        if self._thread is not None or not self.schedules:
            return
        self._stop.clear()
        self._thread = threading.Thread(target=self._run, name="job-scheduler", daemon=True)
        self._thread.start()

    def stop(self, timeout: float = 5.0) -> None:
        self._stop.set()
        if self._thread is not None:
            self._thread.join(timeout)
            self._thread = None

    def _run(self) -> None:
        while not self._stop.is_set():
            try:
                self.tick()
            except (redis.RedisError, OSError) as error:
                log.warning("scheduler: Redis failed (%s); trying again", type(error).__name__)
            except Exception:
                log.exception("scheduler: unexpected error; trying again")
            self._stop.wait(self._tick)
