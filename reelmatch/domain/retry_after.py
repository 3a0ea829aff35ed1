"""The server's `Retry-After`, read once for TMDB and OpenAI (decision 57): delta-seconds or
an HTTP date, and OpenAI's `retry-after-ms` before it."""

from __future__ import annotations

import email.utils
import math
import time
from collections.abc import Mapping


def parse_retry_after(value: str | None, *, unit: float = 1.0) -> float | None:
    """Seconds to wait from one header value (a number of `unit` seconds, or an HTTP date);
    never negative; None when the value is absent or not understood."""
    if not value:
        return None
    seconds: float | None
    try:
        seconds = float(value) * unit
    except ValueError:
        seconds = _seconds_until(value)
    if seconds is None or not math.isfinite(seconds):
        return None
    return max(seconds, 0.0)


def retry_after(headers: Mapping[str, str]) -> float | None:
    """The delay a response asks for: `retry-after-ms` first, then `retry-after`."""
    for name, unit in (("retry-after-ms", 0.001), ("retry-after", 1.0)):
        seconds = parse_retry_after(headers.get(name), unit=unit)
        if seconds is not None:
            return seconds
    return None


def _seconds_until(http_date: str) -> float | None:
    try:
        parsed = email.utils.parsedate_to_datetime(http_date)
    except (TypeError, ValueError):
        return None
    return parsed.timestamp() - time.time()
