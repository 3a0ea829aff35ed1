"""Release dates of a movie in one region, from TMDB's `/movie/{id}/release_dates`."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

#: TMDB release types the calendar shows: 2 theatrical (limited), 3 theatrical, 4 digital.
KINDS = {2: "theatrical", 3: "theatrical", 4: "digital"}


@dataclass(frozen=True, slots=True, order=True)
class ReleaseDate:
    on: date
    kind: str  # "theatrical" or "digital"


def release_dates_in(data: dict[str, Any], *, region: str) -> list[ReleaseDate]:
    """The theatrical and digital dates of `region` in a TMDB answer, one per day and kind,
    oldest first. Entries with an unreadable date are skipped."""
    found: set[ReleaseDate] = set()
    for country in data.get("results") or []:
        if not isinstance(country, dict) or country.get("iso_3166_1") != region:
            continue
        for entry in country.get("release_dates") or []:
            if not isinstance(entry, dict) or not isinstance(entry.get("type"), int):
                continue
            kind = KINDS.get(entry["type"])
            raw = str(entry.get("release_date") or "")[:10] if kind else ""
            try:
                day = date.fromisoformat(raw)
            except ValueError:
                continue
            found.add(ReleaseDate(on=day, kind=str(kind)))
    return sorted(found)
