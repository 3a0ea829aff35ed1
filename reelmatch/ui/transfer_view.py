"""Settings → Import and Export: upload, preview what matched, confirm, and download."""

from __future__ import annotations

import math
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any

import pandas as pd
import streamlit as st

from reelmatch.domain import User
from reelmatch.services.exports import ExportService
from reelmatch.services.imports import (
    ImportPreview,
    ImportResult,
    ImportService,
    UploadedFile,
    app_sources,
    preview_to_data,
    upload_types,
)
from reelmatch.ui.errors import guarded
from reelmatch.ui.text import plain

_PREVIEW = "_import_preview"
_IMPORTED = "_import_done"
_ROUND = "_import_round"
EXPORTS = {
    "json": "Everything (JSON)",
    "csv": "Spreadsheet (CSV)",
    "letterboxd": "Letterboxd import (CSV)",
}


def import_section(user: User, *, imports: ImportService, max_upload_mb: float) -> None:
    st.subheader("Import your history")
    sources = {source.name: source for source in app_sources()}
    source = st.radio(
        "From",
        list(sources),
        format_func=lambda s: sources[s].label,
        horizontal=True,
        key="import-source",
    )
    done = st.session_state.pop(_IMPORTED, None)
    if done:
        st.success(done, icon=":material/download_done:")
    uploads = st.file_uploader(
        f"Files: {sources[source].files_hint}",
        type=upload_types(),
        accept_multiple_files=True,
        # A new key after each import empties the uploader (its files were imported).
        key=f"import-files-{source}-{st.session_state.get(_ROUND, 0)}",
        help=f"Up to {max_upload_mb:g} MB per file.",
        # The browser refuses bigger files up front; the importer checks the exact limit.
        max_upload_size=math.ceil(max_upload_mb),
    )
    if uploads and st.button("Preview import", icon=":material/preview:"):
        files = [UploadedFile(name=u.name, data=u.getvalue()) for u in uploads]
        with guarded(), progress_bar("Reading your files…") as report:
            st.session_state[_PREVIEW] = imports.preview(user, source, files, progress=report)
    pending = st.session_state.get(_PREVIEW)
    if isinstance(pending, ImportPreview) and pending.user_id == user.id:
        show_preview(pending)
        confirm(user, pending, imports=imports)


@contextmanager
def progress_bar(text: str) -> Iterator[Callable[[float, str], None]]:
    """A progress callback drawing an `st.progress` bar (services report 0..1 and a text),
    removed when the work ends, refused or not (a bar left at 0% looks stuck)."""
    holder = st.empty()
    bar = holder.progress(0.0, text=text)

    def report(done: float, text: str) -> None:
        bar.progress(min(max(done, 0.0), 1.0), text=text)

    try:
        yield report
    finally:
        holder.empty()


def show_preview(preview: ImportPreview) -> None:
    data = preview_to_data(preview)
    changes = data["changes"]
    matched, unmatched, new, diary = st.columns(4)
    matched.metric("Matched", len(data["matched"]))
    unmatched.metric("Not matched", len(data["unmatched"]))
    new.metric("New or changed ratings", changes["new_ratings"] + changes["changed_ratings"])
    diary.metric("Diary entries", changes["diary"])
    if preview.list_summary:
        st.info(f"Lists: {preview.list_summary}, private, created or replaced by name.")
    for notice in data["notices"]:
        st.info(notice)
    if data["replaced"]:
        replaced_warning(data["replaced"])
    if data["matched"]:
        with st.expander(f"Matched ({len(data['matched'])})", expanded=True):
            st.dataframe(
                pd.DataFrame(data["matched"])[
                    ["where", "title", "year", "actions", "movie", "method"]
                ],
                hide_index=True,
                width="stretch",
                column_config={"actions": st.column_config.TextColumn("In the file")},
            )
    if data["unmatched"]:
        with st.expander(f"Not matched ({len(data['unmatched'])}): these are skipped"):
            st.dataframe(pd.DataFrame(data["unmatched"]), hide_index=True, width="stretch")
    if data["problems"]:
        with st.expander(f"Rows we could not read ({data['problem_count']})"):
            st.dataframe(pd.DataFrame(data["problems"]), hide_index=True, width="stretch")


def replaced_warning(replaced: list[dict[str, Any]]) -> None:
    """The ratings you have that the import would overwrite, each with both values."""
    lines = []
    for r in replaced:
        when = f" (rated {r['imported_on']})" if r["imported_on"] else ""
        lines.append(
            f"- {plain(r['movie'])}: your {r['yours']:g}★ becomes {r['imported']:g}★{when}"
        )
    st.warning(
        f"This import replaces {count(len(replaced), 'rating')} you already have with "
        "the file's:\n" + "\n".join(lines),
        icon=":material/warning:",
    )


def confirm(user: User, preview: ImportPreview, *, imports: ImportService) -> None:
    if not preview.has_changes:
        st.success("Everything in these files is already in your library: nothing to import.")
        return
    if st.button("Confirm import", type="primary", icon=":material/download_done:"):
        result: ImportResult | None = None
        with guarded(), progress_bar("Importing…") as report:
            result = imports.apply(user, preview, progress=report)
        if result is not None:
            # The preview, its button and the uploaded files go; the outcome stays.
            st.session_state.pop(_PREVIEW, None)
            st.session_state[_ROUND] = st.session_state.get(_ROUND, 0) + 1
            st.session_state[_IMPORTED] = imported_message(result)
            st.rerun()


def imported_message(result: ImportResult) -> str:
    return (
        f"Imported: {count(result.rated, 'rating')}, "
        f"{count(result.watchlisted, 'watchlist entry', 'watchlist entries')}, "
        f"{count(result.diary_entries, 'diary entry', 'diary entries')}. "
        f"{result.unchanged} {'was' if result.unchanged == 1 else 'were'} already here; "
        f"{result.unmatched} could not be matched."
        + (f" {count(result.lists, 'list')} saved." if result.lists else "")
    )


def count(n: int, singular: str, plural: str | None = None) -> str:
    """ "1 rating", "2 ratings"."""
    return f"{n} {singular if n == 1 else plural or singular + 's'}"


def export_section(user: User, *, exports: ExportService) -> None:
    st.subheader("Export your data")
    fmt = st.radio(
        "Format",
        list(EXPORTS),
        format_func=EXPORTS.__getitem__,
        horizontal=True,
        key="export-format",
    )
    with guarded():
        filename, media_type = exports.describe(user, fmt)
        st.download_button(
            f"Download {EXPORTS[fmt]}",
            # Built when clicked, not on every run of the Settings page.
            data=lambda: exports.export(user, fmt).content,
            file_name=filename,
            mime=media_type,
            icon=":material/download:",
            on_click="ignore",
        )
    if fmt == "letterboxd":
        st.caption(
            "Import it at letterboxd.com/import. Diary notes and the watchlist are left "
            "out: Letterboxd would publish notes as reviews and mark watchlisted films "
            "as watched."
        )
