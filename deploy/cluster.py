"""The app as a cluster on one machine: N app replicas and a worker behind HAProxy.

    DATABASE_URL=postgresql+psycopg://… REDIS_URL=redis://… python deploy/cluster.py up
    make cluster                                   # the same, with the URLs from the environment

`up` migrates once (`db upgrade`, which takes a lock, so replicas could do it themselves),
starts every process, waits until the proxy answers /_stcore/health, prints where everything
is, and stops them all on Ctrl-C. The commands are `COMMANDS`, the very ones the container
image runs (deploy/Dockerfile, deploy/compose.yaml; tests/cluster keeps them in sync), and
the proxy runs deploy/haproxy.cfg with this machine's addresses put in.

From Python (the cluster tests, bench/load.py): `with running_cluster(env, replicas=2) as c:`
gives each replica's PID and port, the proxy's URL, and which replica a sticky cookie names.
"""

from __future__ import annotations

import argparse
import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import BinaryIO

ROOT = Path(__file__).resolve().parent.parent
HAPROXY_CONFIG = Path(__file__).resolve().parent / "haproxy.cfg"
STICKY_COOKIE = "RMSRV"
#: What each kind of process runs: here as `python -m reelmatch …`, in the image the same.
COMMANDS: dict[str, list[str]] = {
    "migrate": ["-m", "reelmatch", "db", "upgrade"],
    "app": ["-m", "reelmatch", "serve"],
    "worker": ["-m", "reelmatch", "worker"],
}


@dataclass
class Member:
    name: str
    process: subprocess.Popen[bytes]
    log: BinaryIO
    port: int | None = None

    @property
    def pid(self) -> int:
        return self.process.pid

    @property
    def alive(self) -> bool:
        return self.process.poll() is None


@dataclass
class Cluster:
    run_dir: Path
    proxy_port: int
    replicas: list[Member] = field(default_factory=list)
    proxy: Member | None = None
    worker: Member | None = None

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.proxy_port}"

    def replica(self, sticky: str) -> Member:
        """The replica a sticky cookie's value (RMSRV=app1) names."""
        return next(member for member in self.replicas if member.name == sticky)

    def members(self) -> list[Member]:
        return [m for m in (self.proxy, *self.replicas, self.worker) if m is not None]


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def proxy_config(*, bind_port: int, replicas: Mapping[str, int]) -> str:
    """deploy/haproxy.cfg with this machine's bind address and server lines."""
    text = HAPROXY_CONFIG.read_text()
    text = re.sub(r"(?m)^    bind \S+$", f"    bind 127.0.0.1:{bind_port}", text)
    servers = "\n".join(
        f"    server {name} 127.0.0.1:{port} check cookie {name}" for name, port in replicas.items()
    )
    return re.sub(r"(?m)(^    server .*\n?)+", servers + "\n", text)


def _python(kind: str) -> list[str]:
    return [sys.executable, *COMMANDS[kind]]


def _spawn(name: str, command: list[str], env: Mapping[str, str], run_dir: Path) -> Member:
    log = (run_dir / f"{name}.log").open("wb")
    process = subprocess.Popen(  # noqa: S603 (our interpreter, the proxy binary)
        command, cwd=ROOT, env=dict(env), stdout=log, stderr=subprocess.STDOUT
    )
    return Member(name, process, log)


def wait_healthy(url: str, *, timeout: float = 60.0, process: Member | None = None) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process is not None and not process.alive:
            raise RuntimeError(f"{process.name} exited with {process.process.returncode}")
        try:
            with urllib.request.urlopen(f"{url}/_stcore/health", timeout=2) as answer:  # noqa: S310
                if answer.read() == b"ok":
                    return
        except OSError:
            time.sleep(0.25)
    raise TimeoutError(f"{url} was not healthy within {timeout:.0f} s")


def start(
    env: Mapping[str, str], *, replicas: int = 2, proxy_port: int = 0, run_dir: Path
) -> Cluster:
    """Migrate, then start the replicas, the worker (when this version has one) and HAProxy;
    on any failure, stop what was started and raise."""
    haproxy = shutil.which("haproxy") or "/usr/sbin/haproxy"
    if not Path(haproxy).exists():
        raise RuntimeError("haproxy is not installed: apt-get install -y haproxy")
    migrated = subprocess.run(_python("migrate"), cwd=ROOT, env=dict(env), capture_output=True)  # noqa: S603
    if migrated.returncode != 0:
        raise RuntimeError(f"db upgrade failed: {migrated.stderr.decode(errors='replace')}")
    cluster = Cluster(run_dir, proxy_port or free_port())
    try:
        _start_members(cluster, env, replicas=replicas, haproxy=haproxy)
    except BaseException:
        stop(cluster)
        raise
    return cluster


def _start_members(
    cluster: Cluster, env: Mapping[str, str], *, replicas: int, haproxy: str
) -> None:
    run_dir = cluster.run_dir
    for number in range(1, replicas + 1):
        port = free_port()
        member = _spawn(
            f"app{number}", _python("app"), {**env, "REELMATCH_PORT": str(port)}, run_dir
        )
        member.port = port
        cluster.replicas.append(member)
    for member in cluster.replicas:
        wait_healthy(f"http://127.0.0.1:{member.port}", process=member)
    config = run_dir / "haproxy.cfg"
    ports = {member.name: member.port or 0 for member in cluster.replicas}
    config.write_text(proxy_config(bind_port=cluster.proxy_port, replicas=ports))
    cluster.proxy = _spawn("proxy", [haproxy, "-db", "-f", str(config)], env, run_dir)
    cluster.proxy.port = cluster.proxy_port
    cluster.worker = _spawn("worker", _python("worker"), env, run_dir)
    wait_healthy(cluster.url, process=cluster.proxy)


def stop(cluster: Cluster, *, timeout: float = 10.0) -> None:
    for member in reversed(cluster.members()):
        if member.alive:
            member.process.send_signal(signal.SIGTERM)
    for member in cluster.members():
        try:
            member.process.wait(timeout)
        except subprocess.TimeoutExpired:
            member.process.kill()
            member.process.wait()
        member.log.close()


@contextmanager
def running_cluster(
    env: Mapping[str, str], *, replicas: int = 2, run_dir: Path | None = None
) -> Iterator[Cluster]:
    with tempfile.TemporaryDirectory(prefix="rm-cluster-") as scratch:
        folder = run_dir or Path(scratch)
        folder.mkdir(parents=True, exist_ok=True)
        cluster = start(env, replicas=replicas, run_dir=folder)
        try:
            yield cluster
        finally:
            stop(cluster)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("action", choices=["up"])
    parser.add_argument("--replicas", type=int, default=2)
    parser.add_argument("--port", type=int, default=8080, help="the proxy's port")
    args = parser.parse_args()
    missing = [name for name in ("DATABASE_URL", "REDIS_URL") if not os.environ.get(name)]
    if missing:
        sys.exit(
            f"make cluster needs {' and '.join(missing)}: PostgreSQL and Redis every process shares"
        )
    run_dir = ROOT / "var" / "cluster"
    run_dir.mkdir(parents=True, exist_ok=True)
    cluster = start(os.environ, replicas=args.replicas, proxy_port=args.port, run_dir=run_dir)
    print(f"Reel Matchmaker at {cluster.url} (logs in {run_dir})")
    for member in cluster.members():
        print(
            f"  {member.name:7} pid {member.pid}" + (f"  port {member.port}" if member.port else "")
        )
    try:
        while all(member.alive for member in cluster.members()):
            time.sleep(1)
        print("a process stopped; stopping the cluster", file=sys.stderr)
    except KeyboardInterrupt:
        pass
    finally:
        stop(cluster)


if __name__ == "__main__":
    sys.path.insert(0, str(ROOT))
    main()
