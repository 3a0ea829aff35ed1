"""The layering rule of docs/architecture.md, checked rather than hoped for."""

from __future__ import annotations

import ast
import subprocess
import sys
import tomllib
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
UI = ROOT / "reelmatch" / "ui"
#: The modules that may look the services up: the accessor itself and the shell, which
#: resolves them once per run and hands them to the pages.
SERVICE_LOOKUP = {"reelmatch/ui/state.py", "reelmatch/ui/shell.py"}


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


def test_app_py_only_starts_the_shell() -> None:
    assert _imports(ROOT / "app.py") == {"streamlit", "reelmatch.ui.shell"}


def _names(path: Path) -> set[str]:
    """Every name a module uses: variables, attributes, imported names."""
    names: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(), filename=str(path))):
        if isinstance(node, ast.Name):
            names.add(node.id)
        elif isinstance(node, ast.Attribute):
            names.add(node.attr)
        elif isinstance(node, ast.alias):
            names.add(node.name)
    return names


def test_only_the_shell_looks_the_services_up() -> None:
    """Pages and views get their services passed in; none calls (or imports) the locator."""
    offenders = [
        path.relative_to(ROOT).as_posix()
        for path in [ROOT / "app.py", *sorted((ROOT / "reelmatch").rglob("*.py"))]
        if path.relative_to(ROOT).as_posix() not in SERVICE_LOOKUP
        and "get_services" in _names(path)
    ]
    assert offenders == []


def test_every_view_is_in_the_independence_contract() -> None:
    contracts = tomllib.loads((ROOT / "pyproject.toml").read_text())["tool"]["importlinter"]
    listed = {
        module
        for contract in contracts["contracts"]
        if contract["type"] == "independence"
        for module in contract["modules"]
    }
    views = {f"reelmatch.ui.{path.stem}" for path in UI.glob("*_view.py")}
    assert views - listed == set()
    assert "reelmatch.ui.pages.*" in listed


def test_every_page_module_is_registered_by_the_shell() -> None:
    from reelmatch.ui.shell import PAGES

    registered = {render.__module__ for _, render in PAGES}
    modules = {f"reelmatch.ui.pages.{p.stem}" for p in (UI / "pages").glob("[!_]*.py")}
    assert registered == modules


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
