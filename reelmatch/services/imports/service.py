"""The import use case, in two steps for the Settings page (and one call for the CLI):

1. `preview(user, fmt, files, progress=...)` parses and matches, touches nothing, and returns an
   `ImportPreview`: matched and unmatched rows, per-row problems, notices and what would change.
2. `apply(user, preview, progress=...)` writes it in ONE transaction and returns counts.

Idempotent: applying the same file again changes nothing (see plan.py).
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from sqlalchemy.exc import DataError, DBAPIError, IntegrityError

from reelmatch.catalog import Catalog
from reelmatch.domain import Preferences, User
from reelmatch.errors import InvalidInput, NotAllowed, UpstreamUnavailable
from reelmatch.events import EventSink
from reelmatch.services.imports.apply import ListPlan, build_lists, read_state, write_import
from reelmatch.services.imports.limits import ImportLimits
from reelmatch.services.imports.matching import MatchedRow, MovieMatcher, UnmatchedRow
from reelmatch.services.imports.parsing import parse_upload
from reelmatch.services.imports.plan import Changes, ReplacedRating, build_plan, diff
from reelmatch.services.imports.preferences import merge_preferences
from reelmatch.services.imports.records import (
    ImportFormat,
    ParsedImport,
    RowProblem,
    UploadedFile,
)
from reelmatch.services.imports.snapshot import SnapshotCatalog
from reelmatch.store.mapping import preferences_from_row
from reelmatch.store.uow import UowFactory

Progress = Callable[[float, str], None]
log = logging.getLogger(__name__)

#: Share of the preview's progress bar spent parsing (the rest is matching).
PARSE_SHARE = 0.05


@dataclass(frozen=True, slots=True, kw_only=True)
class ChangeCounts:
    new_ratings: int = 0
    changed_ratings: int = 0
    watchlist: int = 0
    diary: int = 0
    unchanged: int = 0
    #: Ratings the user has that the import would overwrite with a different value.
    replaced: tuple[ReplacedRating, ...] = ()
    #: Lists the import creates or replaces, and the films on them.
    lists: int = 0
    list_films: int = 0

    @classmethod
    def of(cls, changes: Changes, lists: Sequence[ListPlan] = ()) -> ChangeCounts:
        return cls(
            lists=len(lists),
            list_films=sum(len(plan.movie_ids) for plan in lists),
            new_ratings=changes.new_ratings,
            changed_ratings=changes.changed_ratings,
            watchlist=len(changes.watchlist),
            diary=len(changes.diary),
            unchanged=changes.unchanged,
            replaced=changes.replaced,
        )

    @property
    def any(self) -> bool:
        return bool(
            self.new_ratings or self.changed_ratings or self.watchlist or self.diary or self.lists
        )


@dataclass(frozen=True, slots=True, kw_only=True)
class ImportPreview:
    """What the user confirms. Holds no database state: `apply` recomputes the changes."""

    format: ImportFormat
    user_id: int
    files: tuple[str, ...]
    matched: tuple[MatchedRow, ...]
    unmatched: tuple[UnmatchedRow, ...]
    problems: tuple[RowProblem, ...]
    problem_count: int
    skipped: tuple[tuple[str, int], ...]
    notices: tuple[str, ...]
    changes: ChangeCounts
    preferences: Preferences | None = None

    @property
    def skipped_count(self) -> int:
        """Rows not imported because they are broken or not movies (unmatched not included)."""
        return self.problem_count + sum(count for _, count in self.skipped)

    @property
    def list_summary(self) -> str:
        """ "2 lists with 14 films" (empty when the import has no lists)."""
        if not self.changes.lists:
            return ""
        lists, films = self.changes.lists, self.changes.list_films
        return f"{lists} list{'s' * (lists != 1)} with {films} film{'s' * (films != 1)}"

    @property
    def unmatched_list_titles(self) -> tuple[str, ...]:
        """ "Title (Year) — list NAME" for list rows no movie matched."""
        return tuple(
            f"{item.row.title or '?'}"
            + (f" ({item.row.year})" if item.row.year else "")
            + f" — list {item.row.in_list.name}"
            for item in self.unmatched
            if item.row.in_list is not None
        )

    @property
    def has_changes(self) -> bool:
        return self.changes.any or self.preferences is not None


@dataclass(frozen=True, slots=True, kw_only=True)
class ImportResult:
    """What an import wrote. `rated` counts new and changed ratings; `unchanged` counts
    movies the user already had exactly so; `skipped` counts rows that were broken or not
    movies; `unmatched` counts rows no catalog movie matched."""

    format: ImportFormat
    rated: int
    watchlisted: int
    diary_entries: int
    unchanged: int
    skipped: int
    unmatched: int
    preferences_updated: bool = False
    #: Lists created or replaced.
    lists: int = 0


class ImportService:
    def __init__(
        self,
        unit_of_work: UowFactory,
        *,
        catalog: Catalog,
        events: EventSink,
        limits: ImportLimits | None = None,
        lookup_workers: int = 8,
        snapshot: Callable[[], SnapshotCatalog] | None = None,
        on_imported: Callable[[], None] | None = None,
    ) -> None:
        """`snapshot`: the bundled snapshot to match against before asking a live `catalog`
        (see snapshot.py). `on_imported`: called after an applied import that matched movies
        (the app wakes the metadata refresher with it); it must return quickly."""
        self._unit_of_work = unit_of_work
        self._catalog = catalog
        self._events = events
        self.limits = limits or ImportLimits()
        self._matcher = MovieMatcher(catalog, snapshot=snapshot, workers=lookup_workers)
        self._on_imported = on_imported

    def parse(
        self, fmt: str, files: Sequence[UploadedFile], *, source_user: int | None = None
    ) -> ParsedImport:
        """Parse only. A parser bug must not reach the user as a traceback: it becomes an
        `InvalidInput` (and a logged error for us)."""
        try:
            return parse_upload(fmt, files, limits=self.limits, source_user=source_user)
        except InvalidInput:
            raise
        except (ValueError, TypeError, KeyError, IndexError, AttributeError, RecursionError):
            log.exception("import parser failed on %s", [f.name for f in files])
            raise InvalidInput("That file could not be read; nothing was imported.") from None

    def preview(
        self,
        user: User,
        fmt: str,
        files: Sequence[UploadedFile],
        *,
        source_user: int | None = None,
        progress: Progress | None = None,
    ) -> ImportPreview:
        report = progress or _ignore
        parsed = self.parse(fmt, files, source_user=source_user)
        report(PARSE_SHARE, f"Read {len(parsed.rows)} rows")
        matched, unmatched = self._matcher.match(
            parsed.rows,
            progress=lambda done, text: report(PARSE_SHARE + (1 - PARSE_SHARE) * done, text),
        )
        notices = list(parsed.notices)
        plans = build_plan(matched)
        with self._unit_of_work(read_only=True) as uow:
            changes = diff(plans, read_state(uow, user_id=user.id, movie_ids=list(plans)))
            current = preferences_from_row(uow.preferences.get(user_id=user.id))
        preferences = self._preferences(parsed, current, notices)
        return ImportPreview(
            format=parsed.format,
            user_id=user.id,
            files=parsed.files,
            matched=tuple(matched),
            unmatched=tuple(unmatched),
            problems=parsed.problems,
            problem_count=parsed.problem_count,
            skipped=parsed.skipped,
            notices=tuple(notices),
            changes=ChangeCounts.of(changes, build_lists(matched)),
            preferences=preferences,
        )

    def apply(
        self, user: User, preview: ImportPreview, *, progress: Progress | None = None
    ) -> ImportResult:
        if preview.user_id != user.id:
            raise NotAllowed("This import preview belongs to another account.")
        started = time.perf_counter()
        report = progress or _ignore
        plans = build_plan(preview.matched)
        lists = build_lists(preview.matched)
        try:
            with self._unit_of_work() as uow:
                changes = write_import(
                    uow,
                    user_id=user.id,
                    plans=plans,
                    preferences=preview.preferences,
                    step=report,
                    lists=lists,
                )
                uow.commit()
        except (IntegrityError, DataError):
            raise InvalidInput("The database refused this import; nothing was imported.") from None
        except DBAPIError:
            raise UpstreamUnavailable(
                "The import could not be saved; nothing was imported."
            ) from None
        report(1.0, "Import finished")
        result = _result(preview, changes, lists)
        if plans:
            self._after_import()
        self._events.record(
            "import_done",
            user_id=user.id,
            duration_ms=(time.perf_counter() - started) * 1000,
            source=preview.format,  # the `subject` column of the event (events.py)
            rated=result.rated,
            watchlisted=result.watchlisted,
            diary_entries=result.diary_entries,
            unmatched=result.unmatched,
        )
        return result

    def _after_import(self) -> None:
        """The hook runs after the commit: its failure must not report the import as failed."""
        if self._on_imported is None:
            return
        try:
            self._on_imported()
        except Exception:
            log.exception("the after-import hook failed; the import itself was saved")

    def _preferences(
        self, parsed: ParsedImport, current: Preferences, notices: list[str]
    ) -> Preferences | None:
        if not parsed.preferences:
            return None
        return merge_preferences(
            parsed.preferences, current=current, genres=self._catalog.genres(), notices=notices
        )


def _result(
    preview: ImportPreview, changes: Changes, lists: Sequence[ListPlan] = ()
) -> ImportResult:
    return ImportResult(
        format=preview.format,
        rated=len(changes.ratings),
        watchlisted=len(changes.watchlist),
        diary_entries=len(changes.diary),
        unchanged=changes.unchanged,
        skipped=preview.skipped_count,
        unmatched=len(preview.unmatched),
        preferences_updated=preview.preferences is not None,
        lists=len(lists),
    )


def _ignore(fraction: float, message: str) -> None:
    return None
