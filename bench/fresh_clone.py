"""From a fresh clone to a healthy app: `git clone` this repository's HEAD into a scratch
folder, run `make run` there (lock check, venv, `uv pip sync` from the lock, migrations,
`python -m reelmatch serve`) and time until `/_stcore/health` answers.

    .venv/bin/python bench/fresh_clone.py [--runs 3]

With uv's package cache warm (any earlier install on this machine), as a developer or CI meets
it; the first run on a new machine also downloads the packages. Target: under 30 s.
"""

from __future__ import annotations

import argparse
import os
import shutil
import signal
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.common import print_table, summary, write_json  # noqa: E402
from bench.load_server import free_port  # noqa: E402

TIMEOUT = 300.0


def healthy(url: str) -> bool:
    try:
        with urllib.request.urlopen(url, timeout=1) as response:  # noqa: S310 (loopback)
            return bool(response.read() == b"ok")
    except OSError:
        return False


def one_run() -> float:
    with tempfile.TemporaryDirectory(prefix="rm-fresh-") as scratch:
        clone = Path(scratch) / "reelmatch"
        git, make = shutil.which("git") or "git", shutil.which("make") or "make"
        subprocess.run([git, "clone", "-q", str(ROOT), str(clone)], check=True)
        port = free_port()
        env = {k: v for k, v in os.environ.items() if not k.startswith(("TMDB_", "OPENAI_"))}
        env.pop("DATABASE_URL", None)
        env.pop("REDIS_URL", None)
        started = time.perf_counter()
        process = subprocess.Popen(
            [make, "run", f"PORT={port}"],
            cwd=clone,
            env=env,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
            start_new_session=True,
        )
        try:
            url = f"http://127.0.0.1:{port}/_stcore/health"
            while not healthy(url):
                if process.poll() is not None:
                    raise RuntimeError(f"make run stopped with exit code {process.returncode}")
                if time.perf_counter() - started > TIMEOUT:
                    raise TimeoutError("no health answer within 5 minutes")
                time.sleep(0.2)
            return time.perf_counter() - started
        finally:
            os.killpg(process.pid, signal.SIGTERM)
            process.wait(30)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args()
    seconds = [one_run() for _ in range(args.runs)]
    stats = summary(seconds)
    print_table(
        "fresh clone: `make run` until /_stcore/health answers (warm uv cache)",
        ["runs", "median s", "max s", "target s"],
        [[len(seconds), stats["p50"], max(seconds), 30]],
    )
    write_json("fresh_clone", {"seconds": seconds, "median": stats["p50"], "target": 30})


if __name__ == "__main__":
    main()
