"""Fitted models as bytes without pickle: numpy arrays in an `.npz` archive plus JSON metadata.

Loading uses `allow_pickle=False`, so a tampered cache entry can at worst fail to load; it
cannot run code. The service layer stores these bytes in Redis so replicas share a model.
"""

from __future__ import annotations

import io
import json
import zipfile
from typing import Any

import numpy as np
import numpy.typing as npt
import scipy.sparse as sp

from reelmatch.errors import InvalidInput

__all__ = ["FORMAT_VERSION", "Arrays", "pack", "prefixed", "sparse_from", "sparse_to", "unpack"]

FORMAT_VERSION = 1
META_KEY = "__meta__"

Arrays = dict[str, npt.NDArray[Any]]


def pack(meta: dict[str, Any], arrays: Arrays) -> bytes:
    """One archive holding `arrays` and `meta` (JSON, stored as a uint8 array)."""
    header = json.dumps({"format": FORMAT_VERSION, **meta}, separators=(",", ":"))
    buffer = io.BytesIO()
    payload = {**arrays, META_KEY: np.frombuffer(header.encode(), dtype=np.uint8)}
    np.savez_compressed(buffer, allow_pickle=False, **payload)
    return buffer.getvalue()


def unpack(data: bytes) -> tuple[dict[str, Any], Arrays]:
    """The metadata and arrays written by `pack`; `InvalidInput` for anything else."""
    try:
        with np.load(io.BytesIO(data), allow_pickle=False) as archive:
            arrays = {name: archive[name] for name in archive.files}
        meta = json.loads(arrays.pop(META_KEY).tobytes().decode())
    except (OSError, EOFError, ValueError, KeyError, zipfile.BadZipFile) as error:
        raise InvalidInput(f"Not a saved recommendation model ({type(error).__name__}).") from None
    if not isinstance(meta, dict) or meta.get("format") != FORMAT_VERSION:
        raise InvalidInput("This saved recommendation model has an unknown format; retrain it.")
    return meta, arrays


def prefixed(prefix: str, arrays: Arrays) -> Arrays:
    return {f"{prefix}.{name}": value for name, value in arrays.items()}


def unprefixed(prefix: str, arrays: Arrays) -> Arrays:
    start = f"{prefix}."
    return {name[len(start) :]: value for name, value in arrays.items() if name.startswith(start)}


def sparse_to(name: str, matrix: sp.csr_matrix) -> Arrays:
    matrix = matrix.tocsr()
    return {
        f"{name}.data": matrix.data,
        f"{name}.indices": matrix.indices,
        f"{name}.indptr": matrix.indptr,
        f"{name}.shape": np.array(matrix.shape, dtype=np.int64),
    }


def sparse_from(name: str, arrays: Arrays) -> sp.csr_matrix:
    shape = tuple(int(n) for n in arrays[f"{name}.shape"])
    parts = (arrays[f"{name}.data"], arrays[f"{name}.indices"], arrays[f"{name}.indptr"])
    return sp.csr_matrix(parts, shape=shape)
