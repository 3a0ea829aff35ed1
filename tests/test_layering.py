"""The layering rule of docs/architecture.md, checked rather than hoped for."""

from __future__ import annotations

import ast
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
# What a page may import: Streamlit, the UI helpers, domain values and errors.
PAGE_ALLOWED = ("streamlit", "reelmatch.ui", "reelmatch.domain", "reelmatch.errors")


def test_import_linter_contracts_hold() -> None:
    lint = Path(sys.executable).with_name("lint-imports")
    result = subprocess.run(
        [str(lint), "pyproject.toml"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        env={"PYTHONPATH": str(ROOT), "PATH": "/usr/bin:/bin"},
        check=False,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "broken" not in result.stdout.lower().replace("0 broken", "")


def _imports(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(), filename=str(path))
    names: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module:
            names.add(node.module)
    return names


def test_pages_only_talk_to_the_ui_layer() -> None:
    offenders = {}
    for path in [ROOT / "app.py", *sorted((ROOT / "pages").glob("*.py"))]:
        bad = {
            name
            for name in _imports(path)
            if name.split(".")[0] in {"reelmatch", "sqlalchemy", "httpx", "openai", "redis"}
            and not name.startswith(PAGE_ALLOWED)
        }
        if bad:
            offenders[path.name] = sorted(bad)
    assert offenders == {}


def test_streamlit_is_imported_only_by_the_ui() -> None:
    offenders = []
    for path in (ROOT / "reelmatch").rglob("*.py"):
        relative = path.relative_to(ROOT).as_posix()
        if relative.startswith("reelmatch/ui/"):
            continue
        if any(
            name.split(".")[0] in {"streamlit", "streamlit_authenticator"}
            for name in _imports(path)
        ):
            offenders.append(relative)
    assert offenders == []
