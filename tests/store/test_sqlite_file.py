"""The SQLite file holds password hashes: only its owner may read it."""

from __future__ import annotations

import stat
from pathlib import Path

from reelmatch.services.users import UserService
from reelmatch.store.database import Database
from reelmatch.store.migrate import upgrade


def _mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


def test_a_new_database_file_and_its_journal_are_private(tmp_path: Path) -> None:
    path = tmp_path / "var" / "reelmatch.db"
    url = f"sqlite:///{path}"
    upgrade(url)
    database = Database.from_url(url)
    try:
        UserService(database.unit_of_work, bcrypt_rounds=4).create_user(
            username="amy", password="password1"
        )
        files = [path, *path.parent.glob("reelmatch.db-*")]
        assert len(files) >= 2  # the WAL journal exists while the database is open
        assert {file.name: _mode(file) for file in files} == {file.name: 0o600 for file in files}
    finally:
        database.dispose()


def test_an_older_world_readable_file_is_tightened(tmp_path: Path) -> None:
    path = tmp_path / "reelmatch.db"
    path.touch(mode=0o644)
    path.chmod(0o644)
    Database.from_url(f"sqlite:///{path}").dispose()
    assert _mode(path) == 0o600
