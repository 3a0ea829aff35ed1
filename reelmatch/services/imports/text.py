"""Bytes to text, and text to CSV records, tolerating what real exports look like: byte-order
marks, Windows encodings, CRLF, duplicate lines, short, long and malformed rows."""

from __future__ import annotations

import codecs
import csv
import io
import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any

import orjson

from reelmatch.errors import InvalidInput
from reelmatch.services.imports.records import ImportRow, ParseLog, UploadedFile
from reelmatch.services.imports.values import BadValue, clip

_BOMS = (
    (codecs.BOM_UTF32_LE, "utf-32-le"),
    (codecs.BOM_UTF32_BE, "utf-32-be"),
    (codecs.BOM_UTF8, "utf-8"),
    (codecs.BOM_UTF16_LE, "utf-16-le"),
    (codecs.BOM_UTF16_BE, "utf-16-be"),
)
_FALLBACKS = (("cp1252", "Windows-1252"), ("latin-1", "Latin-1"))
#: A run of bad rows this long means the file is not CSV at all.
MAX_UNREADABLE_ROWS = 1000


def decode_text(data: bytes, *, source: str, log: ParseLog) -> str:
    """The file's text. UTF-8 (with or without BOM) and BOM-marked UTF-16/32 are read as is;
    anything else falls back to Windows-1252, then Latin-1 (which never fails), with a notice
    asking the user to check accented titles in the preview."""
    for bom, encoding in _BOMS:
        if data.startswith(bom):
            return _strip_bom(data[len(bom) :].decode(encoding, errors="replace"))
    try:
        return _strip_bom(data.decode("utf-8"))
    except UnicodeDecodeError:
        pass
    for encoding, label in _FALLBACKS:
        try:
            text = data.decode(encoding)
        except UnicodeDecodeError:
            continue
        log.notice(
            f"{source} is not UTF-8; it was read as {label}. Check accented titles in the preview."
        )
        return _strip_bom(text)
    raise AssertionError("latin-1 decodes any bytes")  # pragma: no cover


def _strip_bom(text: str) -> str:
    return text.lstrip("\ufeff")


def column_key(name: str) -> str:
    """A header cell reduced to letters and digits: "Your Rating" -> "yourrating"."""
    return re.sub(r"[^a-z0-9]", "", name.casefold())


@dataclass(frozen=True, slots=True)
class CsvRecord:
    line: int
    cells: dict[str, str]

    def get(self, *keys: str) -> str:
        """The first non-empty cell among `keys` (column keys), stripped; "" if none."""
        for key in keys:
            value = self.cells.get(key, "").strip()
            if value:
                return value
        return ""


@dataclass(frozen=True, slots=True)
class CsvTable:
    source: str
    columns: frozenset[str]
    records: Iterator[CsvRecord]


def read_csv(text: str, *, source: str, log: ParseLog) -> CsvTable:
    """The table's column keys and its records. Blank rows are dropped, exact duplicate rows
    are counted and dropped, short rows get empty cells and extra cells are ignored; a row
    the CSV reader cannot read is a problem on that line."""
    reader = csv.reader(io.StringIO(text, newline=""), strict=False)
    header = _next_row(reader, source=source, log=log)
    if header is None:
        raise InvalidInput(f"{source} is empty.")
    keys = [column_key(cell) for cell in header]
    return CsvTable(source, frozenset(k for k in keys if k), _records(reader, keys, source, log))


def _next_row(reader: Iterator[list[str]], *, source: str, log: ParseLog) -> list[str] | None:
    for _ in range(MAX_UNREADABLE_ROWS):
        try:
            return next(reader)
        except StopIteration:
            return None
        except csv.Error as error:
            log.problem(source, getattr(reader, "line_num", 0), f"unreadable line ({error})")
    raise InvalidInput(f"{source} is not a CSV file we can read.")


def _records(
    reader: Iterator[list[str]], keys: list[str], source: str, log: ParseLog
) -> Iterator[CsvRecord]:
    seen: set[tuple[str, ...]] = set()
    line = getattr(reader, "line_num", 1)
    while True:
        start = line + 1
        row = _next_row(reader, source=source, log=log)
        line = getattr(reader, "line_num", start)
        if row is None:
            return
        if not any(cell.strip() for cell in row):
            continue
        fingerprint = tuple(row)
        if fingerprint in seen:
            log.duplicates += 1
            continue
        seen.add(fingerprint)
        cells = {key: value for key, value in zip(keys, row, strict=False) if key}
        yield CsvRecord(start, cells)


def require_columns(table: CsvTable, needed: dict[str, str], *, what: str) -> None:
    """`needed` maps column keys to the names people see ("yourrating": "Your Rating")."""
    missing = [label for key, label in needed.items() if key not in table.columns]
    if missing:
        raise InvalidInput(
            f"{table.source} does not look like {what}: it has no "
            f"{', '.join(missing)} column{'s' if len(missing) > 1 else ''}."
        )


def add_rows(
    table: CsvTable, log: ParseLog, build: Callable[[CsvRecord], ImportRow | None]
) -> None:
    """Turn each record into a row with `build`; a `BadValue` becomes a problem on that line,
    None means the record is skipped on purpose (`build` says why through the log)."""
    for record in table.records:
        try:
            row = build(record)
        except BadValue as error:
            log.problem(table.source, record.line, str(error))
            continue
        if row is not None:
            log.add(row)


def add_items(
    log: ParseLog, source: str, items: list[Any], build: Callable[[str, int, Any], ImportRow]
) -> None:
    """The JSON counterpart of `add_rows`: `build(source, item number, item)` for each item
    (numbered from 1); a `BadValue` becomes a problem on that item."""
    for number, item in enumerate(items, start=1):
        try:
            log.add(build(source, number, item))
        except BadValue as error:
            log.problem(source, number, str(error))


def load_json(text: str, *, source: str) -> Any:
    """Parsed JSON; invalid, too deeply nested or out-of-range JSON is an `InvalidInput`."""
    try:
        return orjson.loads(text)
    except orjson.JSONDecodeError as error:
        raise InvalidInput(f"{source} is not valid JSON ({clip(str(error), 80)}).") from None


def read_text_file(file: UploadedFile, log: ParseLog) -> str:
    log.files.append(file.name)
    return decode_text(file.data, source=file.name, log=log)
