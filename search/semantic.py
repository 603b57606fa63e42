"""The semantic retriever: FAISS over passage vectors; a release scores by its best passage."""
from __future__ import annotations

from dataclasses import dataclass

import faiss
import numpy as np

from indexer.vector_index import PassageMap

PASSAGES_PER_RELEASE = 4  # how many passages to fetch per wanted release before grouping


@dataclass(frozen=True)
class SemanticHit:
    ordinal: int  # release ordinal in the passage map
    similarity: float
    passage: int  # FAISS id of the best passage


class SemanticRetriever:
    def __init__(self, ix: faiss.Index, passages: PassageMap) -> None:
        if ix.ntotal != len(passages.passage_release):
            raise ValueError(f"vector index has {ix.ntotal} vectors but the passage map {len(passages.passage_release)}")
        self._ix = ix
        self.passages = passages
        # Passages are stored release by release, so release i owns passages first[i]:first[i + 1].
        self._first = np.searchsorted(passages.passage_release, np.arange(len(passages.release_ids) + 1))

    def search(self, vector: np.ndarray, depth: int, allowed: np.ndarray | None = None) -> list[SemanticHit]:
        """The `depth` best releases by best-passage similarity; `allowed` (release ordinals) restricts the search."""
        params = None
        candidates = self._ix.ntotal
        if allowed is not None:
            passage_ids = np.flatnonzero(np.isin(self.passages.passage_release, allowed)).astype(np.int64)
            if passage_ids.size == 0:
                return []
            params = faiss.SearchParameters(sel=faiss.IDSelectorBatch(passage_ids))
            candidates = passage_ids.size
        k = min(candidates, depth * PASSAGES_PER_RELEASE)
        if k == 0:
            return []
        sims, ids = self._ix.search(vector.reshape(1, -1).astype(np.float32), k, params=params)
        best: dict[int, SemanticHit] = {}
        for sim, pid in zip(sims[0], ids[0]):
            if pid < 0:  # FAISS pads with -1
                continue
            ordinal = int(self.passages.passage_release[pid])
            if ordinal not in best:  # results come best first, so the first passage seen is the best
                best[ordinal] = SemanticHit(ordinal, float(sim), int(pid))
        return list(best.values())[:depth]

    def similarities(self, vector: np.ndarray, ordinals: np.ndarray) -> np.ndarray:
        """Each given release's best-passage similarity to `vector` (exact, whatever its rank)."""
        ordinals = np.asarray(ordinals, dtype=np.int64)
        if ordinals.size == 0:
            return np.zeros(0, dtype=np.float32)
        starts, ends = self._first[ordinals], self._first[ordinals + 1]
        ids = np.concatenate([np.arange(a, b) for a, b in zip(starts, ends)])
        sims = self._ix.reconstruct_batch(ids) @ vector.astype(np.float32)
        # Best passage per release: reduceat over each release's contiguous block of passages.
        return np.maximum.reduceat(sims, np.cumsum(np.concatenate([[0], ends - starts]))[:-1])
