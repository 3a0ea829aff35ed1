"""Files on disk (the CLI's PATH) to `UploadedFile`s, with the upload limits checked before
anything is read: a file, or a folder holding an unzipped export."""

from __future__ import annotations

from pathlib import Path

from reelmatch.errors import InvalidInput
from reelmatch.services.imports.limits import ImportLimits, check_size
from reelmatch.services.imports.records import UploadedFile
from reelmatch.services.imports.registry import import_source


def files_from_path(path: Path, *, fmt: str, limits: ImportLimits) -> list[UploadedFile]:
    """A folder yields the source's `folder_files` found in it, then its `folder_globs`
    matches (named by their path in the folder: "lists/best.csv"); a file comes with the
    source's `companion_files` found next to it."""
    source = import_source(fmt)
    if path.is_dir():
        names = source.folder_files
        found = [path / name for name in names if (path / name).is_file()]
        for pattern in source.folder_globs:
            found += sorted(
                match
                for match in path.glob(pattern)
                if match.is_file() and match not in found and match.name not in names
            )
        if not found:
            expected = ", ".join(names) or "a single file"
            raise InvalidInput(
                f"{path} has no files to import as {source.name} (expected {expected})."
            )
        return [_read(file, limits, name=file.relative_to(path).as_posix()) for file in found]
    if not path.is_file():
        raise InvalidInput(f"There is no file {path}.")
    siblings = (path.parent / name for name in source.companion_files)
    files = [path, *(s for s in siblings if s.is_file() and s.resolve() != path.resolve())]
    return [_read(file, limits) for file in files]


def _read(path: Path, limits: ImportLimits, *, name: str | None = None) -> UploadedFile:
    try:
        check_size(path.name, path.stat().st_size, limits)
        with path.open("rb") as handle:
            data = handle.read(limits.max_upload_bytes + 1)
    except OSError as error:
        raise InvalidInput(f"{path} cannot be read ({error.strerror}).") from None
    check_size(path.name, len(data), limits)
    return UploadedFile(name=name or path.name, data=data)
