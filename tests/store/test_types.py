"""SQLite's stored datetimes come back as aware UTC datetimes, whatever text is stored."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from reelmatch.store.types import _parse_sqlite_utc


@pytest.mark.parametrize(
    ("stored", "expected"),
    [
        ("2026-12-05 10:11:12.345678", datetime(2026, 12, 5, 10, 11, 12, 345678, tzinfo=UTC)),
        ("2026-12-05 10:11:12", datetime(2026, 12, 5, 10, 11, 12, tzinfo=UTC)),
        ("2026-12-05 11:11:12+01:00", datetime(2026, 12, 5, 10, 11, 12, tzinfo=UTC)),
    ],
)
def test_stored_text_is_read_as_utc(stored: str, expected: datetime) -> None:
    parsed = _parse_sqlite_utc(stored)
    assert parsed == expected
    assert parsed is not None
    assert parsed.utcoffset() is not None


def test_null_stays_null() -> None:
    assert _parse_sqlite_utc(None) is None
