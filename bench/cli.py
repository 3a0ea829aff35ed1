"""CLI start-up benchmark: how long a person waits for the command line.

    .venv/bin/python bench/cli.py [--runs 5]

Runs `python -m reelmatch --help` and `movies search godfater --json` (offline catalog) as
fresh processes, `--runs` times each, and prints the median wall time against the targets
(0.5 s and 1.0 s), then the ten slowest imports of each (`python -X importtime`, cumulative
microseconds of the top-level packages), so a regression shows what brought it.
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time
from collections import defaultdict
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.common import print_table, write_json

ROOT = Path(__file__).resolve().parent.parent
COMMANDS = {
    "--help": (["--help"], 0.5),
    "movies search godfater --json": (["movies", "search", "godfater", "--json"], 1.0),
}


def environment(folder: str) -> dict[str, str]:
    """No keys, no Redis, a throwaway data directory: the offline catalog, as on a fresh clone."""
    env = {k: v for k, v in os.environ.items() if not k.startswith(("TMDB_", "OPENAI_", "REDIS"))}
    env.update(REELMATCH_DATA_DIR=f"{folder}/var", REELMATCH_SECRETS_FILE=f"{folder}/none.toml")
    env.pop("DATABASE_URL", None)
    return env


def wall_seconds(args: list[str], env: dict[str, str]) -> float:
    started = time.perf_counter()
    subprocess.run(
        [sys.executable, "-m", "reelmatch", *args], cwd=ROOT, env=env, check=True,
        capture_output=True,
    )  # fmt: skip
    return time.perf_counter() - started


def slowest_imports(args: list[str], env: dict[str, str], *, top: int = 10) -> list[list[object]]:
    done = subprocess.run(
        [sys.executable, "-X", "importtime", "-m", "reelmatch", *args],
        cwd=ROOT, env=env, check=True, capture_output=True, text=True,
    )  # fmt: skip
    totals: dict[str, int] = defaultdict(int)
    for line in done.stderr.splitlines():
        if not line.startswith("import time:") or "|" not in line:
            continue
        _, cumulative, name = (part.strip() for part in line.split("|"))
        if cumulative.isdigit() and not name.startswith(" ") and "." not in name:
            totals[name] = max(totals[name], int(cumulative))
    ranked = sorted(totals.items(), key=lambda item: item[1], reverse=True)[:top]
    return [[name, round(micros / 1000, 1)] for name, micros in ranked]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args()
    results: dict[str, object] = {}
    rows = []
    with tempfile.TemporaryDirectory(prefix="rm-cli-") as folder:
        env = environment(folder)
        wall_seconds(["movies", "search", "warm", "--json"], env)  # bytecode compiled once
        for label, (command, target) in COMMANDS.items():
            samples = [wall_seconds(command, env) for _ in range(args.runs)]
            median = statistics.median(samples)
            imports = slowest_imports(command, env)
            rows.append([label, median, min(samples), max(samples), f"< {target}", median < target])
            results[label] = {"median_s": median, "samples_s": samples, "target_s": target,
                              "slowest_imports_ms": imports}  # fmt: skip
            print_table(f"slowest imports: {label} (cumulative ms)", ["package", "ms"], imports)
    print_table(
        f"CLI wall time, {args.runs} runs (s)",
        ["command", "median", "min", "max", "target", "met"],
        rows,
    )
    write_json("cli", {"runs": args.runs, "commands": results})


if __name__ == "__main__":
    main()
