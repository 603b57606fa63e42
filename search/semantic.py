"""The semantic retriever: FAISS over passage vectors; a release scores by its best passage."""
from __future__ import annotations

import faiss
import numpy as np

from indexer.store.vectors import PassageMap, is_approximate, vectors_in_place
from search.runs import Run

# On an HNSW index, the nearest passages a query asks the graph for: two per release of the semantic floor's cap of
# 1,000 candidates (search/match_set.py), so the graph can fill the cap; efSearch is at least this.
APPROXIMATE_PASSAGES = 2000


class SemanticRetriever:
    """A release scores by its best passage's inner product with the query vector.

    On an exact (flat) index one matrix-vector product scores every passage, read in place from the FAISS index (no
    copy): every release's similarity, for the semantic candidates (search/match_set.py) and for hybrid's convex
    fusion of any keyword match. On an HNSW index (large corpora, indexer/store/vectors.py) the graph finds the
    APPROXIMATE_PASSAGES nearest passages; their releases and those a caller names (`also`: the top keyword matches
    fusion scores) get their exact similarity from the same vectors; every other release is -inf, as if it had no
    passages.
    """

    def __init__(self, ix: faiss.Index, passages: PassageMap) -> None:
        if ix.ntotal != len(passages.passage_release):
            raise ValueError(f"vector index has {ix.ntotal} vectors but the passage map {len(passages.passage_release)}")
        self._ix = ix
        self.passages = passages
        # Passages are stored release by release, so release i owns passages first[i]:first[i + 1].
        self._first = np.searchsorted(passages.passage_release, np.arange(len(passages.release_ids) + 1))
        self._has_passages = np.diff(self._first) > 0
        self._matrix = vectors_in_place(ix)
        self.approximate = is_approximate(ix)

    def passage_similarities(self, vector: np.ndarray, also: np.ndarray | None = None) -> np.ndarray:
        """Every passage's similarity to `vector`: one matrix-vector product (the semantic side's main cost). On an
        HNSW index, the passages of the releases the graph finds nearest and of those in `also` (ordinals); -inf
        for the rest."""
        if not len(self._matrix):
            return np.zeros(0, dtype=np.float32)
        vector = np.ascontiguousarray(vector, dtype=np.float32)
        if not self.approximate:
            return self._matrix @ vector
        k = min(APPROXIMATE_PASSAGES, len(self._matrix))
        self._ix.hnsw.efSearch = max(k, 64)
        _, ids = self._ix.search(vector[None, :], k)
        # Every passage of a release the graph found, so that its similarity (its best passage) is exact too.
        releases = self.passages.passage_release[ids[0][ids[0] >= 0]]
        if also is not None and len(also):
            releases = np.concatenate([releases, np.asarray(also, dtype=np.int64)])
        return self.passage_similarities_of(vector, releases)

    def passage_similarities_of(self, vector: np.ndarray, ordinals: np.ndarray) -> np.ndarray:
        """The similarities of these releases' passages only (-inf for every other passage): re-scoring a set of
        releases already found, at the cost of their passages, not of the whole index."""
        rows = self._passages_of(np.unique(np.asarray(ordinals, dtype=np.int64)))
        sims = np.full(len(self._matrix), -np.inf, dtype=np.float32)
        if len(rows):
            sims[rows] = self._matrix[rows] @ np.ascontiguousarray(vector, dtype=np.float32)
        return sims

    def _passages_of(self, ordinals: np.ndarray) -> np.ndarray:
        """The passage ids (FAISS ids) of these releases."""
        starts, ends = self._first[ordinals], self._first[ordinals + 1]
        lengths = ends - starts
        if not lengths.sum():
            return np.zeros(0, dtype=np.int64)
        offsets = np.repeat(starts - np.cumsum(lengths) + lengths, lengths)
        return (np.arange(int(lengths.sum())) + offsets).astype(np.int64)

    def release_similarities(self, vector: np.ndarray, passage_sims: np.ndarray | None = None) -> np.ndarray:
        """Every release's best-passage similarity to `vector` (-inf for a release without passages).
        `passage_sims`: passage_similarities(vector), if already computed."""
        scores = np.full(len(self.passages.release_ids), -np.inf, dtype=np.float32)
        if not len(self._matrix):
            return scores
        sims = self.passage_similarities(vector) if passage_sims is None else passage_sims
        starts = self._first[:-1][self._has_passages]
        scores[self._has_passages] = np.maximum.reduceat(sims, starts)
        return scores

    def release_vectors(self, ordinal: int) -> np.ndarray:
        """The (passages, d) unit vectors of one release's passages, in body order (a view, not a copy)."""
        return self._matrix[int(self._first[ordinal]):int(self._first[ordinal + 1])]

    def run(self, ordinals: np.ndarray, scores: np.ndarray, passage_sims: np.ndarray) -> Run:
        """A semantic run of these releases (already in their order) with each one's similarity and best passage.
        `scores` and `passage_sims`: release_similarities(vector) and passage_similarities(vector)."""
        ordinals = np.asarray(ordinals, dtype=np.int64)
        return Run(ordinals, scores[ordinals].astype(np.float64), self.best_passages(ordinals, scores, passage_sims))

    def best_passages(self, ordinals: np.ndarray, scores: np.ndarray, passage_sims: np.ndarray) -> np.ndarray:
        """Each release's best passage (FAISS id; the first of equals), in one pass over the passages: a
        release's score is the maximum of its passages' similarities, so its best passage is one that equals it."""
        if not len(ordinals):
            return np.zeros(0, dtype=np.int64)
        owner = self.passages.passage_release
        best = np.flatnonzero(passage_sims == scores[owner])
        releases, first = np.unique(owner[best], return_index=True)  # passages are in release order
        return best[first][np.searchsorted(releases, ordinals)].astype(np.int64)

