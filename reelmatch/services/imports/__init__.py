"""Importing other apps' exports (Letterboxd, IMDb, Trakt, the old browser app, MovieLens).

Parse (one module per source in `sources/`, listed in `registry.py`) -> match (catalog ids,
IMDb ids, title + year) -> preview -> apply in one transaction. Pages and the CLI use
`ImportService` and read the registry.
"""

from reelmatch.services.imports.disk import files_from_path
from reelmatch.services.imports.limits import ImportLimits
from reelmatch.services.imports.matching import MatchedRow, MovieMatcher, UnmatchedRow
from reelmatch.services.imports.parsing import parse_upload
from reelmatch.services.imports.records import (
    ImportFormat,
    ImportRow,
    ParsedImport,
    RowProblem,
    UploadedFile,
)
from reelmatch.services.imports.registry import (
    IMPORT_FORMATS,
    SOURCES,
    app_sources,
    detect_source,
    import_source,
    upload_types,
)
from reelmatch.services.imports.report import preview_to_data, result_to_data
from reelmatch.services.imports.service import (
    ChangeCounts,
    ImportPreview,
    ImportResult,
    ImportService,
)
from reelmatch.services.imports.source import ImportSource

__all__ = [
    "IMPORT_FORMATS",
    "SOURCES",
    "ChangeCounts",
    "ImportFormat",
    "ImportLimits",
    "ImportPreview",
    "ImportResult",
    "ImportRow",
    "ImportService",
    "ImportSource",
    "MatchedRow",
    "MovieMatcher",
    "ParsedImport",
    "RowProblem",
    "UnmatchedRow",
    "UploadedFile",
    "app_sources",
    "detect_source",
    "files_from_path",
    "import_source",
    "parse_upload",
    "preview_to_data",
    "result_to_data",
    "upload_types",
]
