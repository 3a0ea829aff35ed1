"""Importing other apps' exports (Letterboxd, IMDb, Trakt, the old browser app, MovieLens).

Parse (one module per format) -> match (catalog ids, IMDb ids, title + year) -> preview ->
apply in one transaction. Pages and the CLI use `ImportService`.
"""

from reelmatch.services.imports.limits import ImportLimits
from reelmatch.services.imports.matching import MatchedRow, MovieMatcher, UnmatchedRow
from reelmatch.services.imports.parsing import parse_upload
from reelmatch.services.imports.records import (
    IMPORT_FORMATS,
    ImportFormat,
    ImportRow,
    ParsedImport,
    RowProblem,
    UploadedFile,
)
from reelmatch.services.imports.report import preview_to_data, result_to_data
from reelmatch.services.imports.service import (
    ChangeCounts,
    ImportPreview,
    ImportResult,
    ImportService,
)
from reelmatch.services.imports.sources import files_from_path

__all__ = [
    "IMPORT_FORMATS",
    "ChangeCounts",
    "ImportFormat",
    "ImportLimits",
    "ImportPreview",
    "ImportResult",
    "ImportRow",
    "ImportService",
    "MatchedRow",
    "MovieMatcher",
    "ParsedImport",
    "RowProblem",
    "UnmatchedRow",
    "UploadedFile",
    "files_from_path",
    "parse_upload",
    "preview_to_data",
    "result_to_data",
]
