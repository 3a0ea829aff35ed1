"""The one interface every import source implements.

A source is one module in `sources/` (letterboxd.py, trakt.py...) ending in
`SOURCE = ImportSource(...)`, which says everything the rest of the app needs: its name (the
CLI's FORMAT), its label and what to upload (Settings → Import), how to recognise its files,
which files to pick up from a folder or a zip, and its parser. `registry.py` lists the
sources; the CLI, the Settings page, folder and zip handling and the contract test
(tests/imports/test_contract.py) read it.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass

from reelmatch.services.imports.limits import ImportLimits
from reelmatch.services.imports.records import ParseLog, UploadedFile


@dataclass(frozen=True, slots=True, kw_only=True)
class ParseContext:
    """What a parser gets besides the files: the limits, the log its rows and problems go to,
    and the options some sources take."""

    limits: ImportLimits
    log: ParseLog
    #: MovieLens: the userId whose ratings to import (a ratings.csv may hold many users).
    source_user: int | None = None


#: Reads plain files (zips are already unpacked) into `context.log`; a file it cannot read
#: at all raises `InvalidInput`, a bad row becomes a problem on the log.
Parser = Callable[[Sequence[UploadedFile], ParseContext], None]


@dataclass(frozen=True, slots=True, kw_only=True)
class ImportSource:
    #: The CLI's FORMAT (`import letterboxd PATH`) and the `import_done` event's subject.
    name: str
    #: How people call it: "Letterboxd".
    label: str
    #: What to upload, in words; it follows "Files: " on Settings → Import and "upload".
    files_hint: str
    parse: Parser
    #: True when a file (or a zip) looks like this source's export. Cheap (names, a header,
    #: the JSON's shape), never raises: it only suggests the right source after a refusal.
    detect: Callable[[UploadedFile], bool]
    #: Extensions of the files it reads (the Settings page's uploader also takes zips when
    #: `zip_member` is set).
    extensions: tuple[str, ...] = ("csv",)
    #: The export's file names, in the order they are parsed (later files win where the
    #: parser says so). A folder given to the CLI yields these; zip members are sorted so.
    folder_files: tuple[str, ...] = ()
    #: More files a folder yields, after `folder_files`, by glob pattern relative to the
    #: folder (Letterboxd's "lists/*.csv"); each keeps its relative path as its name.
    folder_globs: tuple[str, ...] = ()
    #: Files picked up next to a single file given to the CLI (MovieLens' links.csv).
    companion_files: tuple[str, ...] = ()
    #: Which members of an uploaded zip to read, by their path in the archive; None refuses
    #: zips ("unzip it and upload ... instead").
    zip_member: Callable[[str], bool] | None = None
    #: Offered on Settings → Import (MovieLens is for test and demo data: CLI only).
    in_app: bool = True
    #: The export of ours (services/exports.py) this source reads back, if any: the contract
    #: test round-trips through it.
    reads_export: str | None = None
