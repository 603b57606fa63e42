"""The semantic retriever: FAISS over passage vectors; a release scores by its best passage."""
from __future__ import annotations

from dataclasses import dataclass

import faiss
import numpy as np

from indexer.store.vectors import PassageMap, is_approximate, vectors_in_place
from search.runs import Run

# On an HNSW index, the nearest passages a query asks the graph for: two per release of the semantic floor's cap of
# 1,000 candidates (search/match_set.py), so the graph can fill the cap; efSearch is at least this.
APPROXIMATE_PASSAGES = 2000


@dataclass(frozen=True)
class PassageScores:
    """Passage similarities to one query vector: `values` has one per passage (-inf where not scored); `rows` are
    the scored passages (sorted), or None when every passage was. Knowing the rows keeps the per-release work of a
    partial scoring (an HNSW index, a re-scoring) proportional to what was scored, not to the index."""

    values: np.ndarray
    rows: np.ndarray | None = None


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
        lengths = np.diff(self._first)
        # For the best passage of every release: the releases with more than j passages and their j-th passage, per
        # j (a release has at most a few passages, so a few gathers beat one reduceat over every passage).
        self._nth = [(np.flatnonzero(lengths > j), self._first[:-1][lengths > j] + j)
                     for j in range(int(lengths.max()) if len(lengths) else 0)]
        self._matrix = vectors_in_place(ix)
        self.approximate = is_approximate(ix)
        if self.approximate:  # once, here: every query asks the graph for the same depth (and threads share it)
            self._ix.hnsw.efSearch = max(APPROXIMATE_PASSAGES, 64)

    def passage_similarities(self, vector: np.ndarray, also: np.ndarray | None = None) -> PassageScores:
        """Every passage's similarity to `vector`: one matrix-vector product (the semantic side's main cost). On an
        HNSW index, the passages of the releases the graph finds nearest and of those in `also` (ordinals); -inf
        for the rest."""
        vector = np.ascontiguousarray(vector, dtype=np.float32)
        if not len(self._matrix):
            return PassageScores(np.zeros(0, dtype=np.float32))
        if not self.approximate:
            return PassageScores(self._matrix @ vector)
        k = min(APPROXIMATE_PASSAGES, len(self._matrix))
        _, ids = self._ix.search(vector[None, :], k)
        # Every passage of a release the graph found, so that its similarity (its best passage) is exact too.
        releases = self.passages.passage_release[ids[0][ids[0] >= 0]]
        if also is not None and len(also):
            releases = np.concatenate([releases, np.asarray(also, dtype=np.int64)])
        return self.passage_similarities_of(vector, releases)

    def passage_similarities_of(self, vector: np.ndarray, ordinals: np.ndarray) -> PassageScores:
        """The similarities of these releases' passages only (-inf for every other passage): re-scoring a set of
        releases already found, at the cost of their passages, not of the whole index."""
        rows = self._passages_of(np.unique(np.asarray(ordinals, dtype=np.int64)))
        values = np.full(len(self._matrix), -np.inf, dtype=np.float32)
        if len(rows):
            values[rows] = self._matrix[rows] @ np.ascontiguousarray(vector, dtype=np.float32)
        return PassageScores(values, rows)

    def _passages_of(self, ordinals: np.ndarray) -> np.ndarray:
        """The passage ids (FAISS ids) of these releases, release by release in the order given."""
        starts, ends = self._first[ordinals], self._first[ordinals + 1]
        lengths = ends - starts
        if not lengths.sum():
            return np.zeros(0, dtype=np.int64)
        offsets = np.repeat(starts - np.cumsum(lengths) + lengths, lengths)
        return (np.arange(int(lengths.sum())) + offsets).astype(np.int64)

    def release_similarities(self, vector: np.ndarray, passage_scores: PassageScores | None = None) -> np.ndarray:
        """Every release's best-passage similarity to `vector` (-inf for a release without passages or none
        scored). `passage_scores`: passage_similarities(vector), if already computed."""
        scores = np.full(len(self.passages.release_ids), -np.inf, dtype=np.float32)
        if not len(self._matrix):
            return scores
        sims = self.passage_similarities(vector) if passage_scores is None else passage_scores
        if sims.rows is not None:
            np.maximum.at(scores, self.passages.passage_release[sims.rows], sims.values[sims.rows])
            return scores
        for releases, rows in self._nth:
            scores[releases] = np.maximum(scores[releases], sims.values[rows])
        return scores

    def release_vectors(self, ordinal: int) -> np.ndarray:
        """The (passages, d) unit vectors of one release's passages, in body order (a view, not a copy)."""
        return self._matrix[int(self._first[ordinal]):int(self._first[ordinal + 1])]

    def run(self, ordinals: np.ndarray, scores: np.ndarray, passage_scores: PassageScores) -> Run:
        """A semantic run of these releases (already in their order) with each one's similarity and best passage.
        `scores` and `passage_scores`: release_similarities(vector) and passage_similarities(vector)."""
        ordinals = np.asarray(ordinals, dtype=np.int64)
        return Run(ordinals, scores[ordinals].astype(np.float64),
                   self.best_passages(ordinals, scores, passage_scores))

    def best_passages(self, ordinals: np.ndarray, scores: np.ndarray, passage_scores: PassageScores) -> np.ndarray:
        """Each release's best passage (FAISS id; the first of equals; -1 for a release without passages), read
        from these releases' passages only: a release's score is the maximum of its passages' similarities, so its
        best passage is the first that equals it."""
        best = np.full(len(ordinals), -1, dtype=np.int64)
        if not len(ordinals):
            return best
        rows = self._passages_of(ordinals)
        lengths = self._first[ordinals + 1] - self._first[ordinals]
        position = np.repeat(np.arange(len(ordinals)), lengths)  # which of `ordinals` each row belongs to
        equal = np.flatnonzero(passage_scores.values[rows] == scores[ordinals][position])
        found, first = np.unique(position[equal], return_index=True)
        best[found] = rows[equal[first]]
        return best
