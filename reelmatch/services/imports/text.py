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
    naming the lines that were not UTF-8, so the user checks those titles in the preview
    (a spreadsheet that re-saves a UTF-8 file can leave a BOM in front of Latin-1 bytes)."""
    for bom, encoding in _BOMS:
        if data.startswith(bom):
            data = data[len(bom) :]
            if encoding == "utf-8":
                break
            return _strip_bom(_decode_marked(data, encoding, source=source, log=log))
    try:
        return _strip_bom(data.decode("utf-8"))
    except UnicodeDecodeError:
        pass
    lines = _lines_not_utf8(data)
    for encoding, label in _FALLBACKS:
        try:
            text = data.decode(encoding)
        except UnicodeDecodeError:
            continue
        log.notice(
            f"{source} is not UTF-8 on {lines}; it was read as {label}. "
            "Check the accented titles there in the preview."
        )
        return _strip_bom(text)
    raise AssertionError("latin-1 decodes any bytes")  # pragma: no cover


def _decode_marked(data: bytes, encoding: str, *, source: str, log: ParseLog) -> str:
    """UTF-16/32 behind its BOM; undecodable bytes become U+FFFD and are reported."""
    try:
        return data.decode(encoding)
    except UnicodeDecodeError as error:
        log.notice(
            f"{source} has bytes that are not {encoding.upper()} (from byte {error.start}); "
            "they show as \ufffd. Check those titles in the preview."
        )
        return data.decode(encoding, errors="replace")


def _lines_not_utf8(data: bytes, *, most: int = 10) -> str:
    """ "line 3" or "lines 3, 7 and 12 more": where the bytes are not UTF-8."""
    bad = []
    for number, raw in enumerate(data.split(b"\n"), start=1):
        try:
            raw.decode("utf-8")
        except UnicodeDecodeError:
            bad.append(number)
    shown = ", ".join(str(n) for n in bad[:most])
    more = f" and {len(bad) - most} more" if len(bad) > most else ""
    return f"line{'s' if len(bad) > 1 else ''} {shown}{more}"


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
    the CSV reader cannot read is a problem on that line. A quote that is never closed would
    swallow the rest of the file into one cell: its line is a problem and the lines after it
    are read on their own."""
    delimiter = _delimiter(text)
    reader = _reader(text, delimiter)
    header = _next_row(reader, source=source, log=log)
    if header is None:
        raise InvalidInput(f"{source} is empty.")
    keys = [column_key(cell) for cell in header]
    lines = text.splitlines(keepends=True)
    records = _records(reader, keys, _Place(source, lines, 0, delimiter), log)
    return CsvTable(source, frozenset(k for k in keys if k), records)


def _reader(text: str, delimiter: str) -> Iterator[list[str]]:
    return csv.reader(io.StringIO(text, newline=""), delimiter=delimiter, strict=False)


def _delimiter(text: str) -> str:
    """The header line's separator: a comma, or the semicolon (or tab) a spreadsheet saving
    "CSV" in many locales writes instead."""
    header = text.split("\n", 1)[0]
    counts = {mark: header.count(mark) for mark in (",", ";", "\t")}
    return max(counts, key=lambda mark: (counts[mark], mark == ","))


@dataclass(frozen=True, slots=True)
class _Place:
    source: str
    lines: list[str]
    offset: int  # lines of the file before the text this reader reads
    delimiter: str = ","


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
    reader: Iterator[list[str]], keys: list[str], place: _Place, log: ParseLog
) -> Iterator[CsvRecord]:
    seen: set[tuple[str, ...]] = set()
    line = getattr(reader, "line_num", 1)
    while True:
        start = line + 1
        row = _next_row(reader, source=place.source, log=log)
        line = getattr(reader, "line_num", start)
        if row is None:
            return
        if _swallowed(row, place.lines, place.offset + start):
            first = place.offset + start
            log.problem(
                place.source, first,
                f"a quote (\") is never closed; line {first} was skipped and the lines "
                "after it read on their own",
            )  # fmt: skip
            reader, line = _reader("".join(place.lines[first:]), place.delimiter), 0
            place = _Place(place.source, place.lines, first, place.delimiter)
            continue
        if not any(cell.strip() for cell in row):
            continue
        fingerprint = tuple(row)
        if fingerprint in seen:
            log.duplicates += 1
            continue
        seen.add(fingerprint)
        cells = {key: value for key, value in zip(keys, row, strict=False) if key}
        yield CsvRecord(place.offset + start, cells)


def _swallowed(row: list[str], lines: list[str], first: int) -> bool:
    """True when this row ran to the end of the file inside a quote that never closes."""
    if not any("\n" in cell for cell in row):
        return False
    return "".join(lines[first - 1 :]).count('"') % 2 == 1


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
