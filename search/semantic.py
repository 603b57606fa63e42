"""The semantic retriever: FAISS over passage vectors; a release scores by its best passage."""
from __future__ import annotations

import faiss
import numpy as np

from indexer.store.vectors import PassageMap
from search.runs import Run


class SemanticRetriever:
    """Exact search: one matrix-vector product scores every passage, and a release scores by its best passage.

    The product reads the vectors in place from the FAISS flat index (no copy). One pass over the vectors gives every
    release's similarity: the semantic candidates (search/match_set.py) and, for hybrid's convex fusion, the
    similarity of any keyword match.
    """

    def __init__(self, ix: faiss.Index, passages: PassageMap) -> None:
        if ix.ntotal != len(passages.passage_release):
            raise ValueError(f"vector index has {ix.ntotal} vectors but the passage map {len(passages.passage_release)}")
        self._ix = ix
        self.passages = passages
        # Passages are stored release by release, so release i owns passages first[i]:first[i + 1].
        self._first = np.searchsorted(passages.passage_release, np.arange(len(passages.release_ids) + 1))
        self._has_passages = np.diff(self._first) > 0
        self._matrix = _vectors_in_place(ix)

    def passage_similarities(self, vector: np.ndarray) -> np.ndarray:
        """Every passage's similarity to `vector`: one matrix-vector product (the semantic side's main cost)."""
        if not len(self._matrix):
            return np.zeros(0, dtype=np.float32)
        return self._matrix @ vector.astype(np.float32)

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


def _vectors_in_place(ix: faiss.Index) -> np.ndarray:
    """The (ntotal, d) float32 vectors of a flat index as a view of its own storage; a copy for other index types."""
    if isinstance(ix, faiss.IndexFlat) and ix.ntotal:
        return faiss.rev_swig_ptr(ix.get_xb(), ix.ntotal * ix.d).reshape(ix.ntotal, ix.d)
    if ix.ntotal:
        return ix.reconstruct_n(0, ix.ntotal)
    return np.zeros((0, ix.d), dtype=np.float32)
