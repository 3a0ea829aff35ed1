"""Files on disk (the CLI's PATH) to `UploadedFile`s, with the upload limits checked before
anything is read: a file, or a folder holding an unzipped export."""

from __future__ import annotations

from pathlib import Path

from reelmatch.errors import InvalidInput
from reelmatch.services.imports.limits import ImportLimits, check_size
from reelmatch.services.imports.parsing import import_format
from reelmatch.services.imports.records import UploadedFile

#: What to pick up from a folder (or next to a MovieLens ratings.csv), per format.
FOLDER_FILES = {
    "letterboxd": ("diary.csv", "reviews.csv", "watched.csv", "watchlist.csv", "ratings.csv"),
    "trakt": ("watched-history.json", "ratings-movies.json", "lists-watchlist.json"),
    "movielens": ("ratings.csv", "links.csv", "movies.csv"),
}


def files_from_path(path: Path, *, fmt: str, limits: ImportLimits) -> list[UploadedFile]:
    chosen = import_format(fmt)
    if path.is_dir():
        names = FOLDER_FILES.get(chosen, ())
        found = [path / name for name in names if (path / name).is_file()]
        if not found:
            expected = ", ".join(names) or "a single file"
            raise InvalidInput(f"{path} has no files to import as {chosen} (expected {expected}).")
        return [_read(file, limits) for file in found]
    if not path.is_file():
        raise InvalidInput(f"There is no file {path}.")
    files = [path]
    if chosen == "movielens":
        siblings = (path.parent / name for name in ("links.csv", "movies.csv"))
        files += [s for s in siblings if s.is_file() and s.resolve() != path.resolve()]
    return [_read(file, limits) for file in files]


def _read(path: Path, limits: ImportLimits) -> UploadedFile:
    try:
        check_size(path.name, path.stat().st_size, limits)
        with path.open("rb") as handle:
            data = handle.read(limits.max_upload_bytes + 1)
    except OSError as error:
        raise InvalidInput(f"{path} cannot be read ({error.strerror}).") from None
    check_size(path.name, len(data), limits)
    return UploadedFile(name=path.name, data=data)
