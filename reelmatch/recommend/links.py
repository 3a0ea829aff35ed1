"""A sparse movie → movie matrix that scores by rows and explains by columns.

Scoring spreads the user's weights along rows (one sparse product, cost ∝ the user's links);
explaining a pick reads its column (a CSC copy made on first use, never serialised) to find
which of the user's movies contributed most. Both avoid scipy fancy indexing, whose fixed
cost per call dominated per-request latency.
"""

from __future__ import annotations

import numpy as np
import numpy.typing as npt
import scipy.sparse as sp

from reelmatch.recommend.query import Query

FloatArray = npt.NDArray[np.float64]


def gather_rows(
    matrix: sp.csr_matrix, positions: npt.NDArray[np.int64]
) -> tuple[npt.NDArray[np.int64], npt.NDArray[np.int32], FloatArray]:
    """The stored entries of `matrix[positions]` as (which of `positions`, column, value)."""
    starts = matrix.indptr[positions]
    lengths = matrix.indptr[positions + 1] - starts
    total = int(lengths.sum())
    owner = np.repeat(np.arange(len(positions)), lengths)
    offsets = np.arange(total) - np.repeat(np.cumsum(lengths) - lengths, lengths)
    entries = np.repeat(starts, lengths) + offsets
    return owner, matrix.indices[entries], matrix.data[entries].astype(np.float64)


def spread_rows(
    matrix: sp.csr_matrix, positions: npt.NDArray[np.int64], weights: FloatArray
) -> FloatArray:
    """Σᵢ weights[i] · matrix[positions[i], :] as a dense vector (numpy only: scipy's fixed
    cost per sparse product was most of a request's time)."""
    size = matrix.shape[1]
    if not len(positions) or not matrix.nnz:
        return np.zeros(size)
    owner, columns, values = gather_rows(matrix, positions)
    spread = np.bincount(columns, weights=values * weights[owner], minlength=size)
    return np.asarray(spread, dtype=np.float64)


class Links:
    def __init__(self, matrix: sp.csr_matrix) -> None:
        self.rows = matrix
        self._columns: sp.csc_matrix | None = None

    @property
    def nnz(self) -> int:
        return int(self.rows.nnz)

    @property
    def columns(self) -> sp.csc_matrix:
        if self._columns is None:
            self._columns = self.rows.tocsc()
        return self._columns

    def has_row(self, positions: npt.NDArray[np.int64]) -> npt.NDArray[np.bool_]:
        indptr = self.rows.indptr
        return np.asarray(indptr[positions + 1] > indptr[positions])

    def spread(self, query: Query, weights: FloatArray) -> FloatArray:
        """Σ over the user's movies i of weights[i] · links[i, :], for every movie."""
        return spread_rows(self.rows, query.positions, weights)

    def strongest_sources(
        self, query: Query, weights: FloatArray, position: int, *, limit: int
    ) -> list[tuple[int, float]]:
        """Up to `limit` (query row, contribution) pairs that pushed `position` up, strongest
        first (ties to the lower movie id); only positive contributions."""
        if not len(query) or not self.nnz:
            return []
        columns = self.columns
        span = slice(columns.indptr[position], columns.indptr[position + 1])
        rows = query.row_of[columns.indices[span]]
        known = rows >= 0
        rows = rows[known]
        contribution = columns.data[span][known] * weights[rows]
        order = np.lexsort((query.positions[rows], -contribution))[:limit]
        return [
            (int(rows[i]), float(contribution[i])) for i in order.tolist() if contribution[i] > 0
        ]
