"""The lock files: current with what they are compiled from, used by every install, and a
stale lock fails the build with a message that says what to run."""

from __future__ import annotations

import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from tests.conftest import ROOT

LOCK_SCRIPT = ROOT / "scripts" / "lock.py"
INPUTS = ("requirements.txt", "requirements-dev.txt", "pyproject.toml")
LOCKS = ("requirements.lock", "requirements-dev.lock")
PIN = re.compile(r"^([A-Za-z0-9_.\-\[\]]+)==([^\s;\\]+)", re.MULTILINE)


def _checkout(tmp_path: Path) -> Path:
    """The files the lock check reads, as a fresh clone has them."""
    for name in (*INPUTS, *LOCKS, "Makefile"):
        shutil.copy(ROOT / name, tmp_path / name)
    (tmp_path / "scripts").mkdir()
    shutil.copy(LOCK_SCRIPT, tmp_path / "scripts" / "lock.py")
    return tmp_path


def _check(root: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, str(root / "scripts" / "lock.py"), "--check"],
        cwd=root,
        capture_output=True,
        text=True,
        check=False,
    )


def _pins(lock: str) -> dict[str, str]:
    text = (ROOT / lock).read_text(encoding="utf-8")
    return {name.lower(): version for name, version in PIN.findall(text)}


def test_the_committed_locks_are_current() -> None:
    result = _check(ROOT)
    assert result.returncode == 0, result.stderr


@pytest.mark.parametrize(
    ("changed", "stale"),
    [("requirements.txt", "requirements.lock"), ("requirements-dev.txt", "requirements-dev.lock")],
)
def test_a_changed_requirement_without_a_relock_fails_with_what_to_run(
    tmp_path: Path, changed: str, stale: str
) -> None:
    root = _checkout(tmp_path)
    with (root / changed).open("a", encoding="utf-8") as file:
        file.write("humanize>=4\n")
    result = _check(root)
    assert result.returncode == 1
    assert f"{stale} is out of date with {changed}" in result.stderr
    assert "make lock" in result.stderr


def test_a_changed_python_requirement_in_pyproject_fails(tmp_path: Path) -> None:
    root = _checkout(tmp_path)
    pyproject = root / "pyproject.toml"
    pyproject.write_text(
        pyproject.read_text().replace('requires-python = ">=3.11"', 'requires-python = ">=3.12"')
    )
    assert _check(root).returncode == 1


def test_comments_and_tool_settings_do_not_need_a_relock(tmp_path: Path) -> None:
    root = _checkout(tmp_path)
    with (root / "requirements.txt").open("a", encoding="utf-8") as file:
        file.write("\n# a note about why a range is what it is\n")
    pyproject = root / "pyproject.toml"
    pyproject.write_text(pyproject.read_text().replace("line-length = 100", "line-length = 99"))
    assert _check(root).returncode == 0


def test_a_lock_without_its_digest_is_refused(tmp_path: Path) -> None:
    root = _checkout(tmp_path)
    lock = root / "requirements.lock"
    lock.write_text(lock.read_text().split("\n", 1)[1])
    result = _check(root)
    assert result.returncode == 1
    assert "requirements.lock is missing or has no inputs digest" in result.stderr


def test_the_runtime_lock_pins_the_same_versions_as_the_dev_lock() -> None:
    runtime, dev = _pins("requirements.lock"), _pins("requirements-dev.lock")
    assert {"streamlit", "sqlalchemy", "redis"} <= runtime.keys()
    assert {"pytest", "mypy", "ruff"} <= dev.keys() - runtime.keys()
    assert {name: dev.get(name) for name in runtime} == runtime


@pytest.mark.parametrize(
    ("target", "lock"), [("run", "requirements.lock"), ("test", "requirements-dev.lock")]
)
def test_a_fresh_clone_installs_from_the_lock_only(tmp_path: Path, target: str, lock: str) -> None:
    root = _checkout(tmp_path)
    planned = subprocess.run(
        ["make", "-n", target], cwd=root, capture_output=True, text=True, check=True
    ).stdout
    installs = [line for line in planned.splitlines() if "install" in line or " sync " in line]
    assert any("pip sync" in line and line.endswith(lock) for line in installs), planned
    assert not [line for line in installs if "-r requirements" in line], installs
