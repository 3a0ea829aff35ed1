"""Upload limits and zip safety: size, zip bombs, member counts, traversal names, encryption."""

from __future__ import annotations

import io
import struct
import zipfile
from pathlib import Path

import pytest

from reelmatch.config import load_settings
from reelmatch.errors import InvalidInput
from reelmatch.services.imports import ImportLimits, UploadedFile, files_from_path, parse_upload
from reelmatch.services.imports.limits import MB, read_zip_members
from tests.imports.support import FIXTURES, build_zip, fixture

RATINGS = fixture("letterboxd", "ratings.csv").data


def parse_zip(data: bytes, limits: ImportLimits | None = None) -> object:
    return parse_upload(
        "letterboxd", [UploadedFile("export.zip", data)], limits=limits or ImportLimits()
    )


def test_upload_size_limit_comes_from_the_setting(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("REELMATCH_MAX_UPLOAD_MB", "0.5")
    limits = ImportLimits.from_megabytes(load_settings().max_upload_mb)
    assert limits.max_upload_bytes == MB // 2
    too_big = UploadedFile("ratings.csv", RATINGS + b"x" * limits.max_upload_bytes)
    with pytest.raises(InvalidInput, match="uploads are limited to 512 KB"):
        parse_upload("letterboxd", [too_big], limits=limits)


def test_default_limit_is_ten_megabytes() -> None:
    assert load_settings().max_upload_mb == 10
    assert ImportLimits().max_upload_bytes == 10 * MB


def test_bad_setting_is_a_clear_error(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("REELMATCH_MAX_UPLOAD_MB", "-3")
    with pytest.raises(InvalidInput, match="REELMATCH_MAX_UPLOAD_MB"):
        load_settings()


def test_zip_bomb_by_ratio_is_refused() -> None:
    bomb = build_zip({"ratings.csv": b"0" * (20 * MB)})
    assert len(bomb) < 100_000  # tiny on the wire
    with pytest.raises(InvalidInput, match="zip bomb"):
        parse_zip(bomb)


def test_zip_bomb_by_total_size_is_refused() -> None:
    members = {f"part{i}/ratings.csv": b"0" * (3 * MB) for i in range(6)}
    limits = ImportLimits(max_uncompressed_bytes=10 * MB, max_compression_ratio=10_000)
    with pytest.raises(InvalidInput, match="would unpack to 18 MB"):
        parse_zip(build_zip(members), limits)


def test_zip_with_too_many_members_is_refused() -> None:
    members = {f"lists/list{i}.csv": b"x" for i in range(30)}
    with pytest.raises(InvalidInput, match="more than 20 files"):
        parse_zip(build_zip(members), ImportLimits(max_zip_members=20))


def test_zip_whose_header_understates_its_size_is_refused() -> None:
    """The central directory claims 10 bytes; the member inflates to far more."""
    data = bytearray(build_zip({"ratings.csv": RATINGS * 100}))
    _patch_sizes(data, uncompressed=10)
    with pytest.raises(InvalidInput, match="not a readable zip"):
        parse_zip(bytes(data))


def test_traversal_and_absolute_names_are_never_read() -> None:
    members = {
        "../ratings.csv": RATINGS,
        "/etc/ratings.csv": RATINGS,
        "C:\\ratings.csv": RATINGS,
        "a/../../ratings.csv": RATINGS,
    }
    archive = UploadedFile("evil.zip", build_zip(members))
    assert read_zip_members(archive, wanted=lambda name: True, limits=ImportLimits()) == []
    with pytest.raises(InvalidInput, match="none of"):
        parse_zip(archive.data)


def test_encrypted_members_are_refused() -> None:
    data = bytearray(build_zip({"ratings.csv": RATINGS}))
    _set_encrypted_flag(data)
    with pytest.raises(InvalidInput, match="encrypted"):
        parse_zip(bytes(data))


def test_garbage_with_a_zip_name_is_refused() -> None:
    with pytest.raises(InvalidInput, match="not a readable zip"):
        parse_zip(b"PK\x03\x04 this is not really a zip")


def test_too_many_files_at_once() -> None:
    files = [UploadedFile(f"ratings{i}.csv", RATINGS) for i in range(11)]
    with pytest.raises(InvalidInput, match="at most 10 files"):
        parse_upload("letterboxd", files, limits=ImportLimits())
    with pytest.raises(InvalidInput, match="at least one file"):
        parse_upload("letterboxd", [], limits=ImportLimits())


def test_files_from_path_checks_size_before_reading(tmp_path: Path) -> None:
    big = tmp_path / "ratings.csv"
    big.write_bytes(RATINGS + b"x" * MB)
    with pytest.raises(InvalidInput, match="uploads are limited"):
        files_from_path(big, fmt="letterboxd", limits=ImportLimits(max_upload_bytes=MB))
    with pytest.raises(InvalidInput, match="There is no file"):
        files_from_path(tmp_path / "missing.csv", fmt="letterboxd", limits=ImportLimits())


def test_files_from_path_reads_export_folders() -> None:
    files = files_from_path(FIXTURES / "letterboxd", fmt="letterboxd", limits=ImportLimits())
    assert [f.name for f in files] == [
        "diary.csv",
        "reviews.csv",
        "watched.csv",
        "watchlist.csv",
        "ratings.csv",
    ]
    movielens = files_from_path(
        FIXTURES / "movielens" / "ratings.csv", fmt="movielens", limits=ImportLimits()
    )
    assert [f.name for f in movielens] == ["ratings.csv", "links.csv", "movies.csv"]
    with pytest.raises(InvalidInput, match="no files to import as imdb"):
        files_from_path(FIXTURES / "imdb", fmt="imdb", limits=ImportLimits())


def _central_headers(data: bytearray) -> list[int]:
    offsets, start = [], 0
    while (found := data.find(b"PK\x01\x02", start)) >= 0:
        offsets.append(found)
        start = found + 4
    return offsets


def _patch_sizes(data: bytearray, *, uncompressed: int) -> None:
    """Rewrite the declared uncompressed size in the local and central headers."""
    struct.pack_into("<I", data, 22, uncompressed)  # local file header
    for offset in _central_headers(data):
        struct.pack_into("<I", data, offset + 24, uncompressed)


def _set_encrypted_flag(data: bytearray) -> None:
    for offset, position in [(0, 6), *((o, 8) for o in _central_headers(data))]:
        flags = struct.unpack_from("<H", data, offset + position)[0]
        struct.pack_into("<H", data, offset + position, flags | 0x1)
    with zipfile.ZipFile(io.BytesIO(bytes(data))) as check:
        assert check.infolist()[0].flag_bits & 0x1
