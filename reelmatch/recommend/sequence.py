"""What people here liked next: a co-occurrence model that respects order.

For every user, each liked movie links to the next `window` movies they liked afterwards.
Scores for a user are their recently liked movies' links, so "people here who liked Heat went
on to like Collateral" — taste moves through a catalog in an order (sequels, a director's
work, a genre phase) that plain co-occurrence (EASE) does not see. Each movie keeps its
`neighbours` strongest links.
"""

from __future__ import annotations

import numpy as np
import numpy.typing as npt
import scipy.sparse as sp

from reelmatch.recommend.data import RatingsSnapshot
from reelmatch.recommend.index import ItemIndex
from reelmatch.recommend.query import Query, title_of
from reelmatch.recommend.serialization import Arrays, sparse_from, sparse_to

__all__ = ["SequenceModel"]

FloatArray = npt.NDArray[np.float64]
IntArray = npt.NDArray[np.int64]


class SequenceModel:
    def __init__(self, arrays: Arrays) -> None:
        self.arrays = arrays
        self.links = sparse_from("links", arrays)

    @classmethod
    def empty(cls, size: int) -> SequenceModel:
        return cls(sparse_to("links", sp.csr_matrix((size, size), dtype=np.float32)))

    @classmethod
    def fit(
        cls,
        snapshot: RatingsSnapshot,
        index: ItemIndex,
        *,
        positive_stars: float,
        window: int,
        neighbours: int,
    ) -> SequenceModel:
        likes = np.flatnonzero(snapshot.stars >= positive_stars)
        order = likes[
            np.lexsort(
                (snapshot.movie_ids[likes], snapshot.rated_at[likes], snapshot.user_ids[likes])
            )
        ]
        users = snapshot.user_ids[order]
        items = index.positions(snapshot.movie_ids[order])
        sources, targets = [], []
        for step in range(1, window + 1):
            same_user = users[:-step] == users[step:]
            sources.append(items[:-step][same_user])
            targets.append(items[step:][same_user])
        rows, columns = np.concatenate(sources), np.concatenate(targets)
        counts = sp.csr_matrix(
            (np.ones(len(rows), dtype=np.float32), (rows, columns)), shape=(len(index), len(index))
        )
        counts.sum_duplicates()
        return cls(sparse_to("links", _strongest_per_row(counts, neighbours)))

    def scores(
        self, query: Query, *, support: FloatArray, popularity_exponent: float
    ) -> FloatArray:
        if not len(query) or not self.links.nnz:
            return np.zeros(self.links.shape[0])
        liked = np.maximum(query.weights, 0.0)
        raw = np.asarray(self.links[query.positions].T @ liked, dtype=np.float64)
        return raw / np.maximum(support, 1.0) ** popularity_exponent

    def reasons(self, query: Query, picks: IntArray, index: ItemIndex) -> list[tuple[str, ...]]:
        """ "People here often liked it after Heat", naming the strongest recent lead."""
        if not len(query) or not len(picks) or not self.links.nnz:
            return [() for _ in picks]
        links = self.links[query.positions][:, picks].toarray()
        reasons: list[tuple[str, ...]] = []
        for column in range(len(picks)):
            contribution = links[:, column] * np.maximum(query.weights, 0.0)
            best = int(np.lexsort((query.positions, -contribution))[0])
            title = title_of(index, int(query.positions[best])) if contribution[best] > 0 else None
            reasons.append((f"People here often liked it after {title}",) if title else ())
        return reasons


def _strongest_per_row(matrix: sp.csr_matrix, keep: int) -> sp.csr_matrix:
    """Keep each row's `keep` largest entries (ties to the lower column)."""
    rows = np.repeat(np.arange(matrix.shape[0]), np.diff(matrix.indptr))
    order = np.lexsort((matrix.indices, -matrix.data, rows))
    rank = np.arange(len(order)) - matrix.indptr[rows[order]]
    kept = order[rank < keep]
    return sp.csr_matrix(
        (matrix.data[kept], (rows[kept], matrix.indices[kept])),
        shape=matrix.shape,
        dtype=np.float32,
    )
