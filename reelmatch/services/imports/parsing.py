"""One entry point for every format: uploaded files in, a `ParsedImport` out.

Nothing here touches the database or the catalog. Bad files raise `InvalidInput`; bad rows
become problems on the result.
"""

from __future__ import annotations

from collections.abc import Sequence

from reelmatch.errors import InvalidInput
from reelmatch.services.imports.imdb import parse_imdb
from reelmatch.services.imports.letterboxd import parse_letterboxd
from reelmatch.services.imports.limits import ImportLimits, check_uploads
from reelmatch.services.imports.localstorage import parse_localstorage
from reelmatch.services.imports.movielens import parse_movielens
from reelmatch.services.imports.records import (
    IMPORT_FORMATS,
    ImportFormat,
    ParsedImport,
    ParseLog,
    UploadedFile,
)
from reelmatch.services.imports.trakt import parse_trakt


def parse_upload(
    fmt: str,
    files: Sequence[UploadedFile],
    *,
    limits: ImportLimits,
    source_user: int | None = None,
) -> ParsedImport:
    """Parse `files` as `fmt` (one of IMPORT_FORMATS)."""
    chosen = import_format(fmt)
    check_uploads(files, limits)
    log = ParseLog(max_rows=limits.max_rows)
    if chosen == "letterboxd":
        parse_letterboxd(files, limits=limits, log=log)
    elif chosen == "imdb":
        parse_imdb(files, log=log)
    elif chosen == "trakt":
        parse_trakt(files, limits=limits, log=log)
    elif chosen == "localstorage":
        parse_localstorage(files, log=log)
    else:
        parse_movielens(files, log=log, source_user=source_user)
    return ParsedImport.from_log(chosen, log)


def import_format(fmt: str) -> ImportFormat:
    for known in IMPORT_FORMATS:
        if fmt == known:
            return known
    raise InvalidInput(f"Unknown import format {fmt!r}; use one of {', '.join(IMPORT_FORMATS)}.")
