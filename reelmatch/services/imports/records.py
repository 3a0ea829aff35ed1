"""What parsers produce: one `ImportRow` per usable line, and a `ParseLog` of what was not usable.

Every source (Letterboxd, IMDb, Trakt, the old browser app, MovieLens) turns its files into the
same rows, so matching, preview and apply never need to know where a row came from.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

from reelmatch.errors import InvalidInput

#: The name of a registered import source ("letterboxd"; see registry.py).
ImportFormat = str

#: Problems kept for display; the rest are only counted (a garbage file has one per line).
MAX_PROBLEMS_KEPT = 500


@dataclass(frozen=True, slots=True)
class UploadedFile:
    """One file as the user handed it over: its name (no path) and its bytes."""

    name: str
    data: bytes


@dataclass(frozen=True, slots=True, kw_only=True)
class ListRef:
    """The list a row belongs to (Letterboxd `lists/*.csv`, a Trakt list): applying creates
    it, or replaces the items of the user's list of the same name (decision 90)."""

    name: str
    description: str = ""
    ranked: bool = False


@dataclass(frozen=True, slots=True, kw_only=True)
class ImportRow:
    """One line of an export, in our terms. `line` is the file's line number for CSV files
    and the item number (1-based) for JSON files."""

    source: str
    line: int
    title: str = ""
    year: int | None = None
    original_title: str | None = None
    tmdb_id: int | None = None
    imdb_id: str | None = None
    #: Stars, 0.5–5 in half steps.
    rating: float | None = None
    #: False for a rating logged with a past diary entry; a "current" rating (ratings file)
    #: wins over those.
    rating_is_current: bool = True
    rated_at: datetime | None = None
    watchlist: bool = False
    watched_on: date | None = None
    #: True when the export only says "seen" (Letterboxd watched.csv): the watch is recorded
    #: only if the user has no diary entry for the movie at all.
    seen_only: bool = False
    rewatch: bool = False
    note: str | None = None
    #: The list this row puts the movie on, and its place there (file order when None).
    in_list: ListRef | None = None
    list_position: int | None = None

    @property
    def where(self) -> str:
        return f"{self.source} {_unit(self.source)} {self.line}"

    @property
    def actions(self) -> str:
        """What the row asks for, in words: "4.5★, diary 2024-01-02, watchlist"."""
        parts = []
        if self.rating is not None:
            parts.append(f"{self.rating:g}★")
        if self.watched_on is not None:
            parts.append(f"{'seen' if self.seen_only else 'diary'} {self.watched_on.isoformat()}")
        if self.watchlist:
            parts.append("watchlist")
        if self.in_list is not None:
            parts.append(f"list {self.in_list.name}")
        return ", ".join(parts) or "nothing"


@dataclass(frozen=True, slots=True)
class RowProblem:
    source: str
    line: int
    message: str

    @property
    def where(self) -> str:
        return f"{self.source} {_unit(self.source)} {self.line}"


def _unit(source: str) -> str:
    return "item" if source.lower().endswith(".json") else "line"


@dataclass
class ParseLog:
    """Collects rows, per-row problems and notices while a file is parsed; enforces the row
    limit so a huge file is refused instead of filling memory."""

    max_rows: int
    rows: list[ImportRow] = field(default_factory=list)
    problems: list[RowProblem] = field(default_factory=list)
    problem_count: int = 0
    skipped: Counter[str] = field(default_factory=Counter)
    duplicates: int = 0
    notices: list[str] = field(default_factory=list)
    files: list[str] = field(default_factory=list)
    preferences: dict[str, Any] | None = None

    def add(self, row: ImportRow) -> None:
        if len(self.rows) >= self.max_rows:
            raise InvalidInput(
                f"This import has more than {self.max_rows:,} rows; split it into smaller files."
            )
        self.rows.append(row)

    def problem(self, source: str, line: int, message: str) -> None:
        self.problem_count += 1
        if len(self.problems) < MAX_PROBLEMS_KEPT:
            self.problems.append(RowProblem(source, line, message))

    def skip(self, reason: str) -> None:
        """A row that is fine but not for us (a TV episode, another MovieLens user...)."""
        self.skipped[reason] += 1

    def notice(self, message: str) -> None:
        if message not in self.notices:
            self.notices.append(message)


@dataclass(frozen=True, slots=True, kw_only=True)
class ParsedImport:
    format: ImportFormat
    files: tuple[str, ...]
    rows: tuple[ImportRow, ...]
    problems: tuple[RowProblem, ...] = ()
    problem_count: int = 0
    skipped: tuple[tuple[str, int], ...] = ()
    duplicates: int = 0
    notices: tuple[str, ...] = ()
    #: Preference fields found in the file (old browser app only), not yet validated.
    preferences: dict[str, Any] | None = None

    @classmethod
    def from_log(cls, fmt: ImportFormat, log: ParseLog) -> ParsedImport:
        notices = list(log.notices)
        if log.duplicates:
            notices.append(f"{log.duplicates} duplicate line(s) were ignored.")
        return cls(
            format=fmt,
            files=tuple(log.files),
            rows=tuple(log.rows),
            problems=tuple(log.problems),
            problem_count=log.problem_count,
            skipped=tuple(sorted(log.skipped.items())),
            duplicates=log.duplicates,
            notices=tuple(notices),
            preferences=log.preferences,
        )

    @property
    def skipped_count(self) -> int:
        return self.problem_count + sum(count for _, count in self.skipped)
