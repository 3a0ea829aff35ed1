"""Previews and results as plain data, shared by the CLI's `--json` and the Settings page's
tables."""

from __future__ import annotations

from typing import Any

from reelmatch.services.imports.matching import MatchedRow
from reelmatch.services.imports.service import ImportPreview, ImportResult


def preview_to_data(preview: ImportPreview) -> dict[str, Any]:
    """The preview as JSON-ready data; "matched", "unmatched" and "problems" are lists of
    flat dicts, ready for a table (`st.dataframe`) or `--json`."""
    return {
        "format": preview.format,
        "files": list(preview.files),
        "changes": {
            "new_ratings": preview.changes.new_ratings,
            "changed_ratings": preview.changes.changed_ratings,
            "watchlist": preview.changes.watchlist,
            "diary": preview.changes.diary,
            "unchanged": preview.changes.unchanged,
            "lists": preview.changes.lists,
            "list_films": preview.changes.list_films,
        },
        "replaced": [
            {
                "movie": r.movie,
                "yours": r.yours,
                "imported": r.imported,
                "imported_on": r.imported_on.isoformat() if r.imported_on else None,
            }
            for r in preview.changes.replaced
        ],
        "matched": [_matched_data(m) for m in preview.matched],
        "unmatched": [
            {"where": u.row.where, "title": u.row.title, "year": u.row.year, "reason": u.reason}
            for u in preview.unmatched
        ],
        "problems": [{"where": p.where, "message": p.message} for p in preview.problems],
        "problem_count": preview.problem_count,
        "skipped": dict(preview.skipped),
        "notices": list(preview.notices),
        "preferences": preview.preferences.model_dump(mode="json") if preview.preferences else None,
    }


def _matched_data(m: MatchedRow) -> dict[str, Any]:
    """One matched row: where it is in the file, what the file says, what it matched, how."""
    return {
        "where": m.row.where,
        "title": m.row.title,
        "year": m.row.year,
        "actions": m.row.actions,
        "movie_id": m.movie.id,
        "movie": m.movie.label,
        "method": m.method,
    }


def result_to_data(result: ImportResult | None) -> dict[str, Any] | None:
    if result is None:
        return None
    return {
        "rated": result.rated,
        "watchlisted": result.watchlisted,
        "diary_entries": result.diary_entries,
        "unchanged": result.unchanged,
        "skipped": result.skipped,
        "unmatched": result.unmatched,
        "preferences_updated": result.preferences_updated,
    }
