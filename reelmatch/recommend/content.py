"""What movies are about: TF-IDF over genres, keywords, director, cast and decade.

Gives cold start something to go on (a new movie nobody here rated, a user with two ratings)
and explains itself in words ("Shares heist and director Michael Mann with Heat"). TMDB's own
"recommendations"/"similar" lists, when the live catalog provides them, are a second signal.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

import numpy as np
import numpy.typing as npt
import scipy.sparse as sp

from reelmatch.recommend.data import MovieFeatures
from reelmatch.recommend.index import ItemIndex
from reelmatch.recommend.links import Links, gather_rows, spread_rows
from reelmatch.recommend.query import Query, title_of
from reelmatch.recommend.serialization import Arrays, sparse_from, sparse_to

__all__ = ["ContentModel", "ContentSettings"]

FloatArray = npt.NDArray[np.float64]
CAST_PER_MOVIE = 5


@dataclass(frozen=True, slots=True, kw_only=True)
class ContentSettings:
    """How much each kind of token counts relative to a keyword."""

    genre_weight: float = 1.0
    keyword_weight: float = 1.0
    director_weight: float = 1.5
    cast_weight: float = 0.75
    decade_weight: float = 0.5


def movie_tokens(features: MovieFeatures, settings: ContentSettings) -> dict[str, float]:
    movie = features.movie
    tokens: dict[str, float] = {}
    fields = (
        ("genre", movie.genres, settings.genre_weight),
        ("keyword", movie.keywords, settings.keyword_weight),
        ("director", features.directors, settings.director_weight),
        ("cast", features.cast[:CAST_PER_MOVIE], settings.cast_weight),
        ("decade", (f"{movie.year // 10 * 10}s",) if movie.year else (), settings.decade_weight),
    )
    for kind, values, weight in fields:
        for value in values:
            if value.strip() and weight > 0:
                tokens[f"{kind}:{value.strip().lower()}"] = weight
    return tokens


class ContentModel:
    def __init__(self, arrays: Arrays, vocabulary: list[str]) -> None:
        self.arrays = arrays
        self.vocabulary = vocabulary
        self.vectors = sparse_from("vectors", arrays)
        self.related = Links(sparse_from("related", arrays))

    @classmethod
    def fit(
        cls, features: Mapping[int, MovieFeatures], index: ItemIndex, *, settings: ContentSettings
    ) -> ContentModel:
        vocabulary: dict[str, int] = {}
        rows, columns, weights = [], [], []
        for position, movie_id in enumerate(index.ids.tolist()):
            known = features.get(movie_id)
            for token, weight in movie_tokens(known, settings).items() if known else ():
                rows.append(position)
                columns.append(vocabulary.setdefault(token, len(vocabulary)))
                weights.append(weight)
        shape = (len(index), len(vocabulary))
        counts = sp.csr_matrix((np.array(weights), (rows, columns)), shape=shape)
        vectors = _tf_idf(counts)
        related = _related_matrix(features, index)
        arrays = {**sparse_to("vectors", vectors), **sparse_to("related", related)}
        return cls(arrays, list(vocabulary))

    def meta(self) -> dict[str, Any]:
        return {"vocabulary": self.vocabulary}

    def scores(self, query: Query) -> FloatArray:
        """Cosine between each movie and the user's weighted taste profile (−1 … 1)."""
        if not len(query):
            return np.zeros(self.vectors.shape[0])
        profile = spread_rows(self.vectors, query.positions, query.weights)
        norm = float(np.linalg.norm(profile))
        if norm == 0:
            return np.zeros(self.vectors.shape[0])
        return np.asarray(self.vectors @ (profile / norm), dtype=np.float64)

    def related_scores(self, query: Query) -> FloatArray:
        """How many of the user's liked movies TMDB lists this one as related to (weighted)."""
        return self.related.spread(query, query.likes)

    def similarity(self, positions: npt.NDArray[np.int64]) -> FloatArray:
        block = self.vectors[positions]
        return np.asarray((block @ block.T).toarray(), dtype=np.float64)

    def similar_reasons(
        self, query: Query, picks: npt.NDArray[np.int64], index: ItemIndex
    ) -> list[str | None]:
        """ "Shares heist and director Michael Mann with Heat", naming the closest liked movie."""
        if not len(query) or not len(picks):
            return [None for _ in picks]
        owner, tokens, values = gather_rows(self.vectors, query.positions)
        reasons = []
        for pick in picks.tolist():
            weights = values * self._dense_row(pick)[tokens]
            similarity = np.asarray(np.bincount(owner, weights, len(query)), dtype=np.float64)
            reasons.append(self._similar_reason(query, similarity, int(pick), index))
        return reasons

    def _dense_row(self, position: int) -> FloatArray:
        row = np.zeros(self.vectors.shape[1])
        span = slice(self.vectors.indptr[position], self.vectors.indptr[position + 1])
        row[self.vectors.indices[span]] = self.vectors.data[span]
        return row

    def related_reasons(
        self, query: Query, picks: npt.NDArray[np.int64], index: ItemIndex
    ) -> list[str | None]:
        """ "TMDB suggests it to fans of Heat" when TMDB lists it as related to a liked movie."""
        reasons: list[str | None] = []
        for position in picks.tolist():
            sources = self.related.strongest_sources(query, query.likes, position, limit=1)
            title = title_of(index, int(query.positions[sources[0][0]])) if sources else None
            reasons.append(f"TMDB suggests it to fans of {title}" if title else None)
        return reasons

    def _similar_reason(
        self, query: Query, similarity: FloatArray, position: int, index: ItemIndex
    ) -> str | None:
        best = _best_row(query, similarity * query.weights)
        if best is None:
            return None
        source = int(query.positions[best])
        shared, movie = self._shared_words(source, position), index.movies[source]
        return f"Shares {shared} with {movie.title}" if shared and movie else None

    def _shared_words(self, liked: int, position: int) -> str:
        """The (up to three) tokens that make two movies alike, strongest first, in words."""
        vectors = self.vectors
        a = slice(vectors.indptr[liked], vectors.indptr[liked + 1])
        b = slice(vectors.indptr[position], vectors.indptr[position + 1])
        shared, in_a, in_b = np.intersect1d(
            vectors.indices[a], vectors.indices[b], assume_unique=True, return_indices=True
        )
        strength = vectors.data[a][in_a] * vectors.data[b][in_b]
        order = np.lexsort((shared, -strength))
        tokens = [self.vocabulary[int(shared[i])] for i in order]
        # Sharing a decade alone is no reason to watch something.
        words = [_token_words(t) for t in tokens if not t.startswith("decade:")][:3]
        if not words:
            return ""
        return words[0] if len(words) == 1 else ", ".join(words[:-1]) + " and " + words[-1]


def _best_row(query: Query, contribution: FloatArray) -> int | None:
    """The query row contributing most (ties to the lower movie id), if it helps at all."""
    best = int(np.lexsort((query.positions, -contribution))[0])
    return best if contribution[best] > 0 else None


def _token_words(token: str) -> str:
    kind, _, value = token.partition(":")
    if kind == "director":
        return f"director {value.title()}"
    if kind == "cast":
        return value.title()
    return value


def _tf_idf(counts: sp.csr_matrix) -> sp.csr_matrix:
    documents = counts.shape[0]
    frequency = np.bincount(counts.indices, minlength=counts.shape[1])
    idf = np.log((1.0 + documents) / (1.0 + frequency)) + 1.0
    weighted = sp.csr_matrix(counts.multiply(idf[np.newaxis, :]))
    norms = np.sqrt(np.asarray(weighted.multiply(weighted).sum(axis=1)).ravel())
    norms[norms == 0] = 1.0
    return sp.csr_matrix(sp.diags(1.0 / norms) @ weighted, dtype=np.float32)


def _related_matrix(features: Mapping[int, MovieFeatures], index: ItemIndex) -> sp.csr_matrix:
    rows: list[int] = []
    columns: list[int] = []
    for movie_id, known in features.items():
        targets = index.positions(list(known.related_ids))
        source = index.positions([movie_id])
        rows.extend([int(source[0])] * len(targets) if len(source) else [])
        columns.extend(targets.tolist() if len(source) else [])
    data = np.ones(len(rows), dtype=np.float32)
    matrix = sp.csr_matrix((data, (rows, columns)), shape=(len(index), len(index)))
    matrix.data[:] = 1.0  # duplicates collapse to one link
    return matrix
