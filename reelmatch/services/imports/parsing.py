"""One entry point for every source: uploaded files in, a `ParsedImport` out.

Zips are opened here, for every source alike: the members the source wants (`zip_member`)
replace the zip, in the source's file order; a source without `zip_member` refuses zips.
Nothing here touches the database or the catalog. Bad files raise `InvalidInput`, and so do
files that yield no row at all when another source recognises them: the message names that
source. Bad rows become problems on the result.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import PurePosixPath

from reelmatch.errors import InvalidInput
from reelmatch.services.imports.limits import (
    ImportLimits,
    check_uploads,
    is_zip,
    read_zip_members,
)
from reelmatch.services.imports.records import ParsedImport, ParseLog, UploadedFile
from reelmatch.services.imports.registry import detect_source, import_source
from reelmatch.services.imports.source import ImportSource, ParseContext


def parse_upload(
    fmt: str,
    files: Sequence[UploadedFile],
    *,
    limits: ImportLimits,
    source_user: int | None = None,
) -> ParsedImport:
    """Parse `files` as the source named `fmt` (one of IMPORT_FORMATS)."""
    source = import_source(fmt)
    check_uploads(files, limits)
    log = ParseLog(max_rows=limits.max_rows)
    context = ParseContext(limits=limits, log=log, source_user=source_user)
    try:
        source.parse(unpack_zips(source, files, limits=limits), context)
    except InvalidInput as error:
        raise InvalidInput(error.message + _other_source_hint(source, files)) from None
    hint = "" if log.rows else _other_source_hint(source, files)
    if hint:  # not one row, from files another source knows: the user chose the wrong one
        raise InvalidInput(f"Nothing in these files could be read as {source.label} data.{hint}")
    return ParsedImport.from_log(source.name, log)


def unpack_zips(
    source: ImportSource, files: Sequence[UploadedFile], *, limits: ImportLimits
) -> list[UploadedFile]:
    """`files` with each zip replaced by the members `source` reads from it."""
    plain: list[UploadedFile] = []
    for file in files:
        if not is_zip(file):
            plain.append(file)
            continue
        if source.zip_member is None:
            raise InvalidInput(f"{file.name} is a zip: upload {source.files_hint} instead.")
        members = read_zip_members(file, wanted=source.zip_member, limits=limits)
        if not members:
            raise InvalidInput(f"{file.name} has none of {', '.join(source.folder_files)} in it.")
        plain += sorted(members, key=lambda member: _position(source, member.name))
    return plain


def _position(source: ImportSource, name: str) -> int:
    """Members in the order of `folder_files` (a stable sort: others keep archive order)."""
    base = PurePosixPath(name.replace("\\", "/")).name.lower()
    names = source.folder_files
    return names.index(base) if base in names else len(names)


def _other_source_hint(chosen: ImportSource, files: Sequence[UploadedFile]) -> str:
    """ " They look like a Trakt export: choose Trakt (trakt)." when exactly one other source
    recognises every file; "" otherwise."""
    other = detect_source(files)
    if other is None or other is chosen:
        return ""
    return f" They look like an export from {other.label}: choose {other.label} ({other.name})."
