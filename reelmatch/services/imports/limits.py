"""Upload limits and safe zip reading.

Uploads are bytes in memory: nothing is written to disk, nothing is executed, and zip members
are read by name into memory (never extracted), so path traversal has nothing to act on.
A zip is refused before any member is read when it has too many members, declares too much
uncompressed data, or compresses suspiciously well (a zip bomb); reads are capped again while
decompressing, in case the archive's headers lie.
"""

from __future__ import annotations

import io
import zipfile
import zlib
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import PurePosixPath

from reelmatch.errors import InvalidInput
from reelmatch.services.imports.records import UploadedFile

MB = 1024 * 1024
ZIP_MAGIC = (b"PK\x03\x04", b"PK\x05\x06")
#: Members smaller than this may compress as well as they like (a header-only CSV does).
RATIO_FLOOR_BYTES = 1 * MB


@dataclass(frozen=True, slots=True, kw_only=True)
class ImportLimits:
    max_upload_bytes: int = 10 * MB
    max_files: int = 10
    max_uncompressed_bytes: int = 100 * MB
    max_zip_members: int = 2000
    max_compression_ratio: float = 100.0
    max_rows: int = 50_000

    @classmethod
    def from_megabytes(cls, megabytes: float) -> ImportLimits:
        """Limits for an upload size in MB (the `REELMATCH_MAX_UPLOAD_MB` setting); a zip may
        expand to ten times that."""
        upload = int(megabytes * MB)
        return cls(max_upload_bytes=upload, max_uncompressed_bytes=max(10 * upload, MB))

    @property
    def upload_size(self) -> str:
        return human_size(self.max_upload_bytes)


def human_size(size: int) -> str:
    """Sizes for messages: "10 MB", "2.5 MB", "12 KB"."""
    if size >= MB:
        return f"{round(size / MB, 1):g} MB"
    return f"{max(1, round(size / 1024))} KB"


def check_uploads(files: Sequence[UploadedFile], limits: ImportLimits) -> None:
    if not files:
        raise InvalidInput("Choose at least one file to import.")
    if len(files) > limits.max_files:
        raise InvalidInput(f"Import at most {limits.max_files} files at once.")
    for file in files:
        check_size(file.name, len(file.data), limits)


def check_size(name: str, size: int, limits: ImportLimits) -> None:
    if size > limits.max_upload_bytes:
        raise InvalidInput(
            f"{name} is {human_size(size)}; uploads are limited to {limits.upload_size}."
        )


def is_zip(file: UploadedFile) -> bool:
    return file.data[:4] in ZIP_MAGIC or file.name.lower().endswith(".zip")


def read_zip_members(
    archive: UploadedFile, *, wanted: Callable[[str], bool], limits: ImportLimits
) -> list[UploadedFile]:
    """The members whose (safe, relative) names `wanted` accepts, in archive order, read into
    memory. Anything wrong with the archive is an `InvalidInput` naming it."""
    try:
        with zipfile.ZipFile(io.BytesIO(archive.data)) as bundle:
            infos = bundle.infolist()
            _check_archive(archive.name, infos, limits)
            chosen = [info for info in infos if _safe_name(info.filename) and wanted(info.filename)]
            return [_read_member(bundle, info, archive=archive.name) for info in _first(chosen)]
    except InvalidInput:
        raise
    except (zipfile.BadZipFile, zipfile.LargeZipFile, zlib.error, EOFError, OSError) as error:
        raise InvalidInput(f"{archive.name} is not a readable zip file ({error}).") from None
    except (NotImplementedError, RuntimeError, ValueError):
        raise InvalidInput(
            f"{archive.name} uses a zip feature we do not read (encryption or an unusual "
            "compression); unzip it and upload the files instead."
        ) from None


def _check_archive(name: str, infos: list[zipfile.ZipInfo], limits: ImportLimits) -> None:
    if len(infos) > limits.max_zip_members:
        raise InvalidInput(f"{name} has more than {limits.max_zip_members} files in it.")
    declared = sum(info.file_size for info in infos)
    if declared > limits.max_uncompressed_bytes:
        raise InvalidInput(
            f"{name} would unpack to {declared / MB:.0f} MB; the limit is "
            f"{limits.max_uncompressed_bytes / MB:.0f} MB."
        )
    compressed = sum(info.compress_size for info in infos)
    members = [(info.file_size, info.compress_size) for info in infos]
    for size, packed in [*members, (declared, compressed)]:
        if size > RATIO_FLOOR_BYTES and size > limits.max_compression_ratio * max(packed, 1):
            raise InvalidInput(f"{name} looks like a zip bomb (it compresses too well); refused.")


def _safe_name(name: str) -> bool:
    path = PurePosixPath(name.replace("\\", "/"))
    return bool(name) and not path.is_absolute() and ".." not in path.parts and ":" not in name


def _first(infos: list[zipfile.ZipInfo]) -> list[zipfile.ZipInfo]:
    """A name listed twice in an archive counts once (the first)."""
    seen: set[str] = set()
    unique = []
    for info in infos:
        if info.filename not in seen:
            seen.add(info.filename)
            unique.append(info)
    return unique


def _read_member(bundle: zipfile.ZipFile, info: zipfile.ZipInfo, *, archive: str) -> UploadedFile:
    if info.flag_bits & 0x1:
        raise InvalidInput(f"{info.filename} in {archive} is encrypted; we cannot read it.")
    with bundle.open(info) as member:
        data = member.read(info.file_size + 1)
    if len(data) > info.file_size:
        raise InvalidInput(f"{info.filename} in {archive} is larger than it says; refused.")
    return UploadedFile(name=info.filename, data=data)
