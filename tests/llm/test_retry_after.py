"""One Retry-After reader for TMDB and OpenAI (decision 57)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from email.utils import format_datetime

import httpx
import pytest

from reelmatch.domain.retry_after import parse_retry_after, retry_after


@pytest.mark.parametrize(
    ("value", "seconds"),
    [
        (None, None),
        ("", None),
        ("3", 3.0),
        ("1.5", 1.5),
        ("-1", 0.0),
        ("soon", None),
        ("inf", None),
    ],
)
def test_one_value(value: str | None, seconds: float | None) -> None:
    assert parse_retry_after(value) == seconds


def test_an_http_date_is_the_time_until_it() -> None:
    later = format_datetime(datetime.now(UTC) + timedelta(seconds=30), usegmt=True)
    seconds = parse_retry_after(later)
    assert seconds is not None
    assert 25 < seconds <= 30
    earlier = format_datetime(datetime.now(UTC) - timedelta(hours=1), usegmt=True)
    assert parse_retry_after(earlier) == 0.0


def test_milliseconds_come_first_and_names_ignore_case() -> None:
    assert retry_after(httpx.Headers({"Retry-After-Ms": "250", "Retry-After": "9"})) == 0.25
    assert retry_after(httpx.Headers({"Retry-After": "9"})) == 9.0
    assert retry_after(httpx.Headers({"retry-after-ms": "junk", "retry-after": "2"})) == 2.0
    assert retry_after(httpx.Headers({})) is None
