"""Compile the lock files from the declared requirements, or check that they are current.

`requirements.txt` (runtime) and `requirements-dev.txt` (runtime plus test tools) declare what
we depend on, with ranges. `requirements-dev.lock` pins every package `make test` installs and
`requirements.lock` pins the runtime subset at the same versions; `make run` and `make test`
install from them only (`uv pip sync`), so a fresh clone of any commit gets what passed.

Each lock starts with a digest of its inputs: the requirement lines (comments and blank lines
do not count) and the dependency fields of pyproject.toml. `--check` recomputes it without
touching the network, so CI fails at once when a requirement changed and nobody relocked.

    python scripts/lock.py          # relock (needs uv and PyPI), then run `make test`
    python scripts/lock.py --check  # exit 1 with a one-line reason when a lock is stale
"""

from __future__ import annotations

import argparse
import hashlib
import json
import shutil
import subprocess
import sys
import tomllib
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
RUNTIME_IN, DEV_IN = "requirements.txt", "requirements-dev.txt"
RUNTIME_LOCK, DEV_LOCK = "requirements.lock", "requirements-dev.lock"
DIGEST_PREFIX = "# inputs-digest: "
RELOCK = "make lock"


def requirement_lines(path: Path) -> list[str]:
    """The requirement lines of a requirements file, following `-r` includes."""
    lines: list[str] = []
    for raw in path.read_text(encoding="utf-8").splitlines():
        line = raw.split("#", 1)[0].strip()
        if not line:
            continue
        if line.startswith(("-r ", "--requirement ")):
            lines.extend(requirement_lines(path.parent / line.split(maxsplit=1)[1]))
        else:
            lines.append(" ".join(line.split()))
    return lines


def pyproject_dependency_fields(root: Path) -> dict[str, object]:
    """The parts of pyproject.toml that change what gets installed (not tool settings)."""
    project = tomllib.loads((root / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    keys = ("requires-python", "dependencies", "optional-dependencies")
    return {key: project[key] for key in keys if key in project}


def inputs_digest(root: Path, requirements: str) -> str:
    payload = {
        "requirements": requirement_lines(root / requirements),
        "pyproject": pyproject_dependency_fields(root),
    }
    encoded = json.dumps(payload, sort_keys=True).encode()
    return "sha256:" + hashlib.sha256(encoded).hexdigest()


def recorded_digest(lock: Path) -> str | None:
    if not lock.exists():
        return None
    first = lock.read_text(encoding="utf-8").split("\n", 1)[0]
    return first.removeprefix(DIGEST_PREFIX) if first.startswith(DIGEST_PREFIX) else None


def stale_locks(root: Path) -> list[str]:
    """One message per lock that does not match its inputs; empty when all are current."""
    problems = []
    for requirements, lock in ((RUNTIME_IN, RUNTIME_LOCK), (DEV_IN, DEV_LOCK)):
        recorded = recorded_digest(root / lock)
        if recorded is None:
            problems.append(f"{lock} is missing or has no inputs digest: run `{RELOCK}`")
        elif recorded != inputs_digest(root, requirements):
            problems.append(
                f"{lock} is out of date with {requirements} or pyproject.toml: "
                f"run `{RELOCK}`, commit the lock, then run `make test`"
            )
    return problems


def compile_lock(root: Path, requirements: str, lock: str, *constraints: str) -> None:
    uv = shutil.which("uv") or str(Path(sys.executable).parent / "uv")
    command = [
        uv, "pip", "compile", requirements, "--quiet", "--universal", "--generate-hashes",
        "--python-version", "3.11", "--custom-compile-command", RELOCK,
    ]  # fmt: skip
    for constraint in constraints:
        command += ["--constraint", constraint]
    compiled = subprocess.run(command, cwd=root, check=True, capture_output=True, text=True)  # noqa: S603
    header = f"{DIGEST_PREFIX}{inputs_digest(root, requirements)}\n"
    (root / lock).write_text(header + compiled.stdout, encoding="utf-8")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--check", action="store_true", help="only check; exit 1 when stale")
    parser.add_argument("--root", type=Path, default=ROOT, help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.check:
        problems = stale_locks(args.root)
        for problem in problems:
            print(problem, file=sys.stderr)
        return 1 if problems else 0
    # The dev set is resolved first; the runtime lock is then held to the same versions.
    compile_lock(args.root, DEV_IN, DEV_LOCK)
    compile_lock(args.root, RUNTIME_IN, RUNTIME_LOCK, DEV_LOCK)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
