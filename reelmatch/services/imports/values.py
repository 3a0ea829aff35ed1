"""Cell values to typed values. Each function raises `BadValue` with a message for the user
(it becomes a problem on that row); an empty cell is None, not an error."""

from __future__ import annotations

import math
import re
import unicodedata
from datetime import UTC, date, datetime
from typing import Any

from reelmatch.domain import validate_watch_day
from reelmatch.errors import InvalidInput

MAX_TITLE_LENGTH = 500
MAX_NOTE_LENGTH = 2000
FIRST_YEAR = 1870
_IMDB_ID = re.compile(r"tt\d{5,10}")
_ISO_DAY = re.compile(r"\d{4}-\d{2}-\d{2}")
_OTHER_DATE_FORMATS = ("%a %b %d %H:%M:%S %Y", "%Y/%m/%d", "%d %b %Y", "%b %d, %Y")


class BadValue(ValueError):
    """A cell that cannot mean what its column says."""


def clean_text(value: Any, *, limit: int = MAX_TITLE_LENGTH) -> str:
    """Text without control characters, runs of spaces or surrounding blanks, cut to `limit`."""
    if not isinstance(value, str):
        return ""
    kept = "".join(" " if unicodedata.category(ch)[0] == "C" else ch for ch in value)
    return " ".join(kept.split())[:limit]


def clean_note(value: Any) -> str | None:
    """A review or note: line breaks kept (as \\n), other control characters dropped, cut to
    the diary's limit."""
    if not isinstance(value, str):
        return None
    value = value.replace("\r\n", "\n").replace("\r", "\n")
    kept = "".join(ch for ch in value if ch in "\n\t" or unicodedata.category(ch)[0] != "C").strip()
    return kept[:MAX_NOTE_LENGTH] or None


def parse_year(value: Any) -> int | None:
    if value is None or value == "":
        return None
    text = str(value).strip()
    if re.fullmatch(r"\d{4}(\.0)?", text):
        year = int(text[:4])
        if FIRST_YEAR <= year <= date.today().year + 10:
            return year
    raise BadValue(f"{clip(text)!r} is not a year")


def parse_stars(value: Any, *, scale: int = 5) -> float | None:
    """Stars 0.5–5 from a 0.5–5 (`scale=5`) or 1–10 (`scale=10`) rating; empty is None."""
    if value is None or value == "" or (isinstance(value, str) and not value.strip()):
        return None
    if isinstance(value, bool):
        raise BadValue(f"{value!r} is not a rating")
    if isinstance(value, str) and re.fullmatch(r"\s*\d+,\d+\s*", value):
        value = value.replace(",", ".")  # "4,5": a decimal comma, as many locales save it
    try:
        number = float(value)
    except (TypeError, ValueError):
        raise BadValue(f"{clip(str(value))!r} is not a rating") from None
    stars = number / 2 if scale == 10 else number
    if not math.isfinite(stars) or not 0.5 <= stars <= 5 or stars * 2 != round(stars * 2):
        low, high = (1, 10) if scale == 10 else (0.5, 5)
        step = "whole numbers" if scale == 10 else "half stars"
        raise BadValue(f"rating {clip(str(value))!r} is not {low}–{high} in {step}")
    return stars


def parse_day(value: Any) -> date | None:
    """A calendar day from an ISO date or datetime (the day in UTC), or a few other formats
    IMDb used over the years; checked as the CLI and the pages check a watch's day."""
    if value is None or (isinstance(value, str) and not value.strip()):
        return None
    day = _day(str(value).strip())
    try:
        return validate_watch_day(day, today=datetime.now(UTC).date())
    except InvalidInput as error:
        raise BadValue(error.message.rstrip(".")) from None


def _day(text: str) -> date:
    if _ISO_DAY.fullmatch(text):
        try:
            return date.fromisoformat(text)
        except ValueError:
            raise BadValue(f"{clip(text)!r} is not a date") from None
    instant = parse_instant(text)
    if instant is None:  # pragma: no cover - text is not empty here
        raise BadValue("missing date")
    return instant.date()


def parse_instant(value: Any) -> datetime | None:
    """A point in time in UTC (naive times are taken as UTC; a bare date is midnight)."""
    if value is None or (isinstance(value, str) and not value.strip()):
        return None
    text = str(value).strip()
    try:
        parsed = datetime.fromisoformat(text.replace("Z", "+00:00"))
    except ValueError:
        parsed = _other_format(text)
    if parsed.tzinfo is None:
        parsed = parsed.replace(tzinfo=UTC)
    try:
        instant = parsed.astimezone(UTC)
    except OverflowError:
        raise BadValue(f"{clip(text)!r} is out of range") from None
    if not FIRST_YEAR <= instant.year <= date.today().year + 1:
        raise BadValue(f"date {clip(text)!r} is out of range")
    return instant


def _other_format(text: str) -> datetime:
    for pattern in _OTHER_DATE_FORMATS:
        try:
            return datetime.strptime(text, pattern)
        except ValueError:
            continue
    raise BadValue(f"{clip(text)!r} is not a date")


def from_timestamp(value: Any) -> datetime:
    """A Unix timestamp (seconds) as a UTC datetime."""
    try:
        instant = datetime.fromtimestamp(int(str(value).strip()), UTC)
    except (TypeError, ValueError, OverflowError, OSError):
        raise BadValue(f"{clip(str(value))!r} is not a timestamp") from None
    if not FIRST_YEAR <= instant.year <= date.today().year + 1:
        raise BadValue(f"timestamp {clip(str(value))!r} is out of range")
    return instant


def parse_id(value: Any) -> int | None:
    """A positive integer id (TMDB, MovieLens) from an int or a digit string; else None."""
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        return value if 0 < value < 2**31 else None
    if isinstance(value, float) and value.is_integer():
        return parse_id(int(value))
    if isinstance(value, str) and re.fullmatch(r"\s*\d{1,10}(\.0)?\s*", value):
        return parse_id(int(float(value)))
    return None


def parse_imdb_id(value: Any) -> str | None:
    """ "tt0068646" from an id or an IMDb URL; None when there is none."""
    if not isinstance(value, str):
        return None
    found = _IMDB_ID.search(value)
    return found.group(0) if found else None


def parse_flag(value: Any) -> bool:
    return isinstance(value, str) and value.strip().casefold() in {"yes", "true", "1", "y"}


def clip(text: str, limit: int = 40) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"
