"""The app under load: real `streamlit run app.py` processes, their CPU and memory from /proc.

`start_replica()` starts one app process on a free port with the environment it is given
(database, Redis, TMDB); `ProcessMeter` reads a process's CPU seconds and resident memory.
"""

from __future__ import annotations

import os
import subprocess
import sys
import time
import urllib.request
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
CLOCK_TICKS = os.sysconf("SC_CLK_TCK")
PAGE_SIZE = os.sysconf("SC_PAGE_SIZE")


@dataclass(frozen=True, slots=True)
class ProcessMeter:
    pid: int

    def cpu_seconds(self) -> float:
        """User plus system CPU time of the process (all its threads) so far."""
        fields = Path(f"/proc/{self.pid}/stat").read_text().rsplit(")", 1)[1].split()
        return (int(fields[11]) + int(fields[12])) / CLOCK_TICKS

    def rss_mb(self) -> float:
        pages = int(Path(f"/proc/{self.pid}/statm").read_text().split()[1])
        return pages * PAGE_SIZE / 1e6


@dataclass
class Replica:
    process: subprocess.Popen[bytes]
    port: int

    @property
    def meter(self) -> ProcessMeter:
        return ProcessMeter(self.process.pid)

    @property
    def stream_url(self) -> str:
        return f"ws://127.0.0.1:{self.port}/_stcore/stream"

    def stop(self) -> None:
        self.process.terminate()
        try:
            self.process.wait(10)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()


def free_port() -> int:
    import socket

    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def wait_healthy(url: str, *, timeout: float = 60.0) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            with urllib.request.urlopen(url, timeout=2) as answer:  # noqa: S310 (loopback)
                if answer.read() == b"ok":
                    return
        except OSError:
            time.sleep(0.2)
    raise TimeoutError(f"{url} did not answer ok within {timeout:.0f} s")


def run_cli(env: Mapping[str, str], *args: str, stdin: str | None = None) -> None:
    subprocess.run(
        [sys.executable, "-m", "reelmatch", *args],
        cwd=ROOT,
        env=dict(env),
        input=stdin.encode() if stdin is not None else None,
        check=True,
        capture_output=True,
    )


def run_python(env: Mapping[str, str], code: str, *args: str) -> None:
    subprocess.run(
        [sys.executable, "-c", code, *args],
        cwd=ROOT,
        env=dict(env),
        check=True,
        capture_output=True,
    )


def start_replica(env: Mapping[str, str], *, log: Path) -> Replica:
    port = free_port()
    process = subprocess.Popen(
        [sys.executable, "-m", "streamlit", "run", "app.py", "--server.port", str(port)],
        cwd=ROOT,
        env=dict(env),
        stdout=log.open("wb"),
        stderr=subprocess.STDOUT,
    )
    replica = Replica(process, port)
    try:
        wait_healthy(f"http://127.0.0.1:{port}/_stcore/health")
    except TimeoutError:
        replica.stop()
        raise
    return replica
