"""Why a release is where it is: typed explain records, one per hit, and the JSON the API shows for them.

Each record says what one stage did: the keyword retriever's rank and BM25F score, the semantic retriever's rank and
best-passage similarity, how fusion combined them, and which exact terms (quoted phrases, entity names) the release
contains. Normalised scores are computed for the page's releases only, with the same formula fusion used.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Sequence

import numpy as np

from search.exact import ExactTerm
from search.fusion import RRF_K, FusionInputs
from search.runs import Rank, Run

EXACT_RULE = ("releases containing more of the query's quoted phrases and entity names rank first; "
              "the score orders releases within a tier")
CONVEX_NORMALISATION = ("keyword: BM25 / best BM25; semantic: min-max of best-passage similarity over the candidates "
                        "(absent from a list: 0)")


def _rounded(value: float | None) -> float | None:
    return None if value is None else round(value, 6)


@dataclass(frozen=True)
class FusionExplain:
    method: str  # "rrf" or "convex"
    alpha: float  # the weight of the semantic side
    weights: tuple[float, float]  # (keyword, semantic)
    score: float
    keyword_normalised: float | None = None  # convex only
    semantic_normalised: float | None = None
    similarity: float | None = None  # convex only: the release's similarity, also outside the semantic top

    def to_json(self) -> dict[str, Any]:
        out: dict[str, Any] = {"method": self.method, "alpha": self.alpha,
                               "weights": {"keyword": self.weights[0], "semantic": self.weights[1]}}
        if self.method == "rrf":
            out |= {"rrf_k": RRF_K, "formula": "sum over lists of weight/(rrf_k + rank)"}
        else:
            out |= {"normalisation": CONVEX_NORMALISATION,
                    "keyword_normalised": _rounded(self.keyword_normalised),
                    "semantic_normalised": _rounded(self.semantic_normalised),
                    "similarity": _rounded(self.similarity),
                    "formula": "weights.keyword * keyword_normalised + weights.semantic * semantic_normalised"}
        return out | {"score": round(self.score, 6)}


@dataclass(frozen=True)
class ExactExplain:
    terms: tuple[tuple[str, str], ...]  # (kind, text) of every exact term of the query
    contains: tuple[tuple[str, str], ...]  # those this release contains

    def to_json(self) -> dict[str, Any]:
        return {"rule": EXACT_RULE,
                "terms": [{"kind": k, "text": t} for k, t in self.terms],
                "contains": [{"kind": k, "text": t} for k, t in self.contains]}


@dataclass(frozen=True)
class Explain:
    keyword: Rank | None
    semantic: Rank | None
    fusion: FusionExplain | None
    exact: ExactExplain | None

    def to_json(self) -> dict[str, Any]:
        k, s = self.keyword, self.semantic
        return {
            "keyword": {"rank": k.rank, "score": round(k.score, 6)} if k else None,
            "semantic": {"rank": s.rank, "similarity": round(s.score, 6), "passage": s.passage} if s else None,
            "fusion": self.fusion.to_json() if self.fusion else None,
            "exact": self.exact.to_json() if self.exact else None,
        }


def _normalised(run: Run, ordinal: int, low: float | None) -> float | None:
    """min_max of fusion.py for one release: (score - low) / (best - low); 1.0 when all scores are equal."""
    at = np.flatnonzero(run.ordinals == ordinal)
    if not len(at):
        return None
    floor = float(run.scores.min()) if low is None else low
    span = float(run.scores.max()) - floor
    return (float(run.scores[at[0]]) - floor) / span if span > 0 else 1.0


def fusion_explain(fused: FusionInputs, ordinal: int, score: float) -> FusionExplain:
    if fused.method == "rrf":
        return FusionExplain("rrf", fused.alpha, fused.weights, score)
    at = np.flatnonzero(fused.semantic.ordinals == ordinal)
    similarity = float(fused.semantic.scores[at[0]]) if len(at) else None
    # BM25 is 0 for a release without the query's words: that, not the worst match, is the keyword floor.
    return FusionExplain("convex", fused.alpha, fused.weights, score, _normalised(fused.keyword, ordinal, 0.0),
                         _normalised(fused.semantic, ordinal, None), similarity)


def explain_page(page: Run, keyword: Run, semantic: Run, fused: FusionInputs | None,
                 terms: Sequence[ExactTerm]) -> list[Explain]:
    """One Explain per release of the page, in page order."""
    keyword_ranks, semantic_ranks = keyword.ranks_of(page.ordinals), semantic.ranks_of(page.ordinals)
    kinds = tuple((t.kind, t.text) for t in terms)
    out = []
    for ordinal, score in zip(page.ordinals.tolist(), page.scores.tolist()):
        exact = ExactExplain(kinds, tuple((t.kind, t.text) for t in terms if t.contains(ordinal))) if terms else None
        out.append(Explain(keyword_ranks.get(ordinal), semantic_ranks.get(ordinal),
                           fusion_explain(fused, ordinal, score) if fused is not None else None, exact))
    return out
