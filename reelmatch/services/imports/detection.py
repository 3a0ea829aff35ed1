"""Cheap looks at a file for `ImportSource.detect`: its CSV header, its JSON value, the names
in its zip. None of them raises or logs: whatever cannot be read is simply "not this"."""

from __future__ import annotations

import csv
import io
import zipfile
import zlib
from collections.abc import Callable
from typing import Any

import orjson

from reelmatch.services.imports.limits import is_zip
from reelmatch.services.imports.records import ParseLog, UploadedFile
from reelmatch.services.imports.text import column_key, decode_text

#: A header line longer than this is not one we know.
HEADER_BYTES = 64 * 1024


def csv_columns(file: UploadedFile) -> frozenset[str]:
    """The column keys of the file's first line ("Your Rating" -> "yourrating"); empty for
    a zip or a file without a readable first line."""
    if is_zip(file):
        return frozenset()
    text = decode_text(file.data[:HEADER_BYTES], source=file.name, log=ParseLog(max_rows=0))
    lines = text.splitlines()
    try:
        header = next(csv.reader(lines[:1]), [])
    except csv.Error:
        return frozenset()
    return frozenset(key for key in map(column_key, header) if key)


def json_value(file: UploadedFile) -> Any:
    """The file's JSON, or None when it is not JSON (or is a zip)."""
    if is_zip(file):
        return None
    try:
        return orjson.loads(decode_text(file.data, source=file.name, log=ParseLog(max_rows=0)))
    except orjson.JSONDecodeError:
        return None


def zip_names(file: UploadedFile) -> list[str]:
    """The member names of a zip (its central directory only; nothing is decompressed)."""
    if not is_zip(file):
        return []
    try:
        with zipfile.ZipFile(io.BytesIO(file.data)) as bundle:
            return bundle.namelist()
    except (zipfile.BadZipFile, zipfile.LargeZipFile, zlib.error, EOFError, OSError, ValueError):
        return []


def zip_holds(file: UploadedFile, wanted: Callable[[str], bool]) -> bool:
    """True for a zip with at least one member `wanted` accepts."""
    return any(wanted(name) for name in zip_names(file))
