"""The storage seam (decision 56): services are given a unit-of-work factory; only the store
builds units of work and repositories, and only a unit of work commits."""

from __future__ import annotations

import ast
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PACKAGE = ROOT / "reelmatch"
STORE = "reelmatch/store/"
#: The one place repositories are built from a session.
UNIT_OF_WORK = "reelmatch/store/uow.py"


def _calls(source: str) -> list[tuple[int, str, str | None]]:
    """(line, called name, receiver name) for every call in the source."""
    found: list[tuple[int, str, str | None]] = []
    for node in ast.walk(ast.parse(source)):
        if not isinstance(node, ast.Call):
            continue
        func = node.func
        if isinstance(func, ast.Name):
            found.append((node.lineno, func.id, None))
        elif isinstance(func, ast.Attribute):
            receiver = func.value.id if isinstance(func.value, ast.Name) else None
            found.append((node.lineno, func.attr, receiver))
    return sorted(found, key=lambda call: call[0])


def seam_breaks(relative: str, source: str) -> list[str]:
    """What in one module goes around the unit of work."""
    breaks = []
    for line, name, receiver in _calls(source):
        where = f"{relative}:{line}"
        if name == "UnitOfWork" and not relative.startswith(STORE):
            breaks.append(f"{where} builds a UnitOfWork (take a UowFactory instead)")
        if name.endswith("Repository") and relative != UNIT_OF_WORK:
            breaks.append(f"{where} builds {name} from a session (use the uow's attribute)")
        if name == "commit" and receiver != "uow" and not relative.startswith(STORE):
            breaks.append(f"{where} commits outside a unit of work")
    return breaks


def _modules() -> list[tuple[str, str]]:
    return [
        (path.relative_to(ROOT).as_posix(), path.read_text())
        for path in sorted(PACKAGE.rglob("*.py"))
    ]


def test_only_the_store_builds_units_of_work_and_repositories() -> None:
    modules = _modules()
    assert len(modules) > 100  # the scan sees the package
    breaks = [b for relative, source in modules for b in seam_breaks(relative, source)]
    assert breaks == []


def test_the_check_catches_each_way_around_the_seam() -> None:
    service = (
        "def f(database, session, uow):\n"
        "    with UnitOfWork(database) as work:\n"
        "        StatsRepository(work.session).rated()\n"
        "    session.commit()\n"
        "    uow.commit()\n"
    )
    assert seam_breaks("reelmatch/services/x.py", service) == [
        "reelmatch/services/x.py:2 builds a UnitOfWork (take a UowFactory instead)",
        "reelmatch/services/x.py:3 builds StatsRepository from a session (use the uow's attribute)",
        "reelmatch/services/x.py:4 commits outside a unit of work",
    ]
    # the store itself may: the factory builds the unit of work, which builds the repositories
    assert seam_breaks("reelmatch/store/database.py", "UnitOfWork(self)") == []
    assert seam_breaks(UNIT_OF_WORK, "StatsRepository(self.session)") == []
