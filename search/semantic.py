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
