"""Real `python -m reelmatch worker` processes for tests: started with the test's settings,
stopped with SIGTERM (and checked to exit 0), or killed with SIGKILL mid-job."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Iterator, Mapping
from pathlib import Path

import pytest
import redis

ROOT = Path(__file__).resolve().parents[2]


class WorkerProcesses:
    def __init__(self, env: Mapping[str, str], logs: Path) -> None:
        self.env = {**os.environ, "PYTHONPATH": str(ROOT), **env}
        self.logs = logs
        self.processes: list[subprocess.Popen[bytes]] = []

    def start(self, count: int, *, threads: int = 1) -> list[subprocess.Popen[bytes]]:
        """`count` worker processes, each started on its own; returns once all are alive."""
        started = [self._spawn("--threads", str(threads)) for _ in range(count)]
        self.wait_alive({self.name(process) for process in started})
        return started

    def start_supervised(self, count: int) -> subprocess.Popen[bytes]:
        """One `worker --processes count` (which starts the workers); returns once they are
        alive."""
        parent = self._spawn("--processes", str(count), "--threads", "1")
        self.wait_alive(count=count)
        return parent

    def alive(self) -> set[str]:
        client = redis.Redis.from_url(self.env["REDIS_URL"])
        key = f"{self.env['REELMATCH_CACHE_PREFIX']}jobs:ledger:workers"
        try:
            return {member.decode() for member in client.zrange(key, 0, -1)}
        finally:
            client.close()

    def _spawn(self, *args: str) -> subprocess.Popen[bytes]:
        log = (self.logs / f"worker-{len(self.processes)}.log").open("wb")
        process = subprocess.Popen(
            [sys.executable, "-m", "reelmatch", "worker", *args],
            cwd=ROOT,
            env=self.env,
            stdout=log,
            stderr=subprocess.STDOUT,
        )
        log.close()
        self.processes.append(process)
        return process

    def name(self, process: subprocess.Popen[bytes]) -> str:
        return f"{socket.gethostname()}:{process.pid}"

    def by_name(self, name: str) -> subprocess.Popen[bytes]:
        return next(p for p in self.processes if self.name(p) == name)

    def wait_alive(
        self, names: set[str] | None = None, *, count: int = 0, within: float = 90
    ) -> set[str]:
        """Until these workers (or `count` of them) have joined the live workers."""
        deadline = time.monotonic() + within
        while True:
            alive = self.alive()
            if (names or set()) <= alive and len(alive) >= count:
                return alive
            for process in self.processes:
                assert process.poll() is None, self.output()
            assert time.monotonic() < deadline, "workers did not start:\n" + self.output()
            time.sleep(0.05)

    def kill(self, process: subprocess.Popen[bytes]) -> None:
        process.send_signal(signal.SIGKILL)
        process.wait(timeout=10)

    def kill_by_name(self, name: str) -> None:
        """SIGKILL a worker named host:pid (a supervised one has no Popen here)."""
        os.kill(int(name.rsplit(":", 1)[1]), signal.SIGKILL)

    def stop(self) -> list[int | None]:
        """SIGTERM to each running one; their exit codes (a killed one's is negative)."""
        for process in self.processes:
            if process.poll() is None:
                process.send_signal(signal.SIGTERM)
        codes = []
        for process in self.processes:
            try:
                codes.append(process.wait(timeout=60))
            except subprocess.TimeoutExpired:
                process.kill()
                codes.append(process.wait())
        return codes

    def output(self) -> str:
        return "\n".join(path.read_text() for path in sorted(self.logs.glob("worker-*.log")))


def worker_processes(env: Mapping[str, str], logs: Path) -> Iterator[WorkerProcesses]:
    workers = WorkerProcesses(env, logs)
    try:
        yield workers
    finally:
        codes = workers.stop()
        if any(code not in (0, -signal.SIGKILL) for code in codes):
            pytest.fail(f"a worker did not stop cleanly ({codes}):\n{workers.output()}")
