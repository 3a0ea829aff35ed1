"""`python -m reelmatch worker`: the worker role as a process (or a few).

One process: the services built once, then a `WorkerRun` with `threads` threads and the
scheduler until SIGTERM or SIGINT; it then stops scheduling, lets running jobs finish (up to 30
s; what is still running then goes back to the queue when this process's heartbeat is old),
and exits 0. Several (`processes > 1`): this process starts that many one-process workers,
passes SIGTERM/SIGINT on, restarts one that dies unexpectedly, and exits when they have.
"""

from __future__ import annotations

import logging
import signal
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from types import FrameType

from reelmatch.jobs.system import Jobs

log = logging.getLogger(__name__)

RESTART_DELAY = 1.0


@contextmanager
def stop_signals() -> Iterator[threading.Event]:
    """An event set by SIGTERM or SIGINT while inside (the previous handlers come back)."""
    stop = threading.Event()

    def handle(signum: int, frame: FrameType | None) -> None:
        stop.set()

    previous = {sig: signal.signal(sig, handle) for sig in (signal.SIGTERM, signal.SIGINT)}
    try:
        yield stop
    finally:
        for sig, handler in previous.items():
            signal.signal(sig, handler)


def serve(jobs: Jobs, *, threads: int, stop: threading.Event) -> None:
    """Run jobs and schedules until `stop` is set."""
    run = jobs.worker(threads=threads, process_boot=True)
    run.start()
    log.info(
        "worker %s started: %d threads, schedules %s",
        jobs.ledger.worker,
        threads,
        ", ".join(f"{s.job} every {s.every:g} s" for s in jobs.schedules),
    )
    try:
        while not stop.wait(1.0):
            pass
    finally:
        log.info("worker %s stopping", jobs.ledger.worker)
        run.stop()
    log.info("worker %s stopped", jobs.ledger.worker)


def supervise(*, processes: int, threads: int, stop: threading.Event) -> int:
    """Run `processes` one-process workers until `stop`; the exit code."""
    command = [sys.executable, "-m", "reelmatch", "worker", "--processes", "1"]
    command += ["--threads", str(threads)]
    children = [subprocess.Popen(command) for _ in range(processes)]  # noqa: S603
    try:
        while not stop.wait(0.5):
            for index, child in enumerate(children):
                if child.poll() is not None:
                    log.warning(
                        "worker process %d exited (%s); restarting", child.pid, child.returncode
                    )
                    time.sleep(RESTART_DELAY)
                    children[index] = subprocess.Popen(command)  # noqa: S603
    finally:
        for child in children:
            if child.poll() is None:
                child.send_signal(signal.SIGTERM)
        codes = [child.wait() for child in children]
    # A child still starting when SIGTERM came ends by the signal itself: a clean stop too.
    return 0 if all(code in (0, -signal.SIGTERM) for code in codes) else 1
