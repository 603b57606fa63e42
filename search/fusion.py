"""Fusion of ranked lists: pure functions over ids.

Two methods, both weighted by `alpha` = the weight of the semantic side (the keyword side gets 1 - alpha):
- "rrf": reciprocal rank fusion with weights 2(1 - alpha) and 2 alpha, so alpha = 0.5 is plain RRF;
- "convex": alpha * normalised semantic score + (1 - alpha) * normalised keyword score, each list min-max
  normalised to [0, 1]; an id missing from a list gets 0 from it (the engine gives the semantic side every
  candidate's real similarity, so only BM25's true zeros are missing).
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Hashable, Sequence, TypeVar

import numpy as np

from search.runs import Run

K = TypeVar("K", bound=Hashable)
RRF_K = 60
FUSIONS = ("rrf", "convex")
# Chosen on SciFact train (README "Relevance": convex 0.5 nDCG@10 0.7336 against RRF 0.7131); the default hybrid
# request uses convex, with a weight that depends on the query (query_alpha).
DEFAULT_FUSION = "convex"
DEFAULT_ALPHA = {"rrf": 0.5, "convex": 0.5}  # convex: only when the query's words are not known (query_alpha)
# Convex fusion's semantic weight by query length (distinct searched words), chosen on the train splits of the
# in-domain set and SciFact (README "Relevance on press releases"): an analyst's few words are matched precisely by
# BM25 (0.3 beat 0.5 on press releases), a sentence-long claim matches many documents on some common word and its
# meaning weighs more (0.5 on SciFact, whose claims have 6 or more words 9 times in 10). Linear in between; a ramp to
# 0.6 at 10 words scored the same in-domain and 0.004 lower on SciFact train.
SHORT_QUERY_WORDS, SHORT_ALPHA = 4, 0.3
LONG_QUERY_WORDS, LONG_ALPHA = 6, 0.5
DEFAULT_ALPHA_TEXT = (f"{SHORT_ALPHA} for convex up to {SHORT_QUERY_WORDS} words, rising to {LONG_ALPHA} at "
                      f"{LONG_QUERY_WORDS}; {DEFAULT_ALPHA['rrf']} for rrf")
CONVEX_KEYWORD_DEPTH = 1000  # keyword matches whose semantic similarity convex fusion computes exactly


def _ranked(scores: dict[K, float]) -> list[tuple[K, float]]:
    """Best first; ties keep the order of first appearance (run by run), so the result is deterministic."""
    order = {key: i for i, key in enumerate(scores)}
    return sorted(scores.items(), key=lambda item: (-item[1], order[item[0]]))


def _check_weights(runs: Sequence, weights: Sequence[float] | None) -> Sequence[float]:
    if weights is None:
        return [1.0] * len(runs)
    if len(weights) != len(runs):
        raise ValueError("one weight per run")
    return weights


def reciprocal_rank_fusion(
    runs: Sequence[Sequence[K]], *, rrf_k: int = RRF_K, weights: Sequence[float] | None = None
) -> list[tuple[K, float]]:
    """Score each id by sum(w / (rrf_k + rank)) over the runs it appears in (rank from 1); best first."""
    weights = _check_weights(runs, weights)
    scores: dict[K, float] = {}
    for run, weight in zip(runs, weights):
        for rank, key in enumerate(run, start=1):
            scores[key] = scores.get(key, 0.0) + weight / (rrf_k + rank)
    return _ranked(scores)


def min_max(run: Sequence[tuple[K, float]], *, low: float | None = None) -> dict[K, float]:
    """Scores rescaled to [0, 1] (best 1; `low`, default the run's worst, 0); all-equal scores map to 1."""
    if not run:
        return {}
    high = max(s for _, s in run)
    low = min(s for _, s in run) if low is None else low
    span = high - low
    return {key: (s - low) / span if span > 0 else 1.0 for key, s in run}


def convex_combination(
    runs: Sequence[Sequence[tuple[K, float]]], *, weights: Sequence[float] | None = None,
    lows: Sequence[float | None] | None = None,
) -> list[tuple[K, float]]:
    """Score each id by sum(w * min-max normalised score) over the runs of (id, score); best first.

    `lows[i]` fixes run i's floor (e.g. 0 for BM25, which is 0 for a document without the query's words).
    """
    weights = _check_weights(runs, weights)
    lows = lows if lows is not None else [None] * len(runs)
    scores: dict[K, float] = {}
    for run, weight, low in zip(runs, weights, lows):
        for key, normalised in min_max(run, low=low).items():
            scores[key] = scores.get(key, 0.0) + weight * normalised
    return _ranked(scores)


def convex_combination_dense(
    runs: Sequence[Sequence[tuple[int, float]]], size: int, *, weights: Sequence[float] | None = None,
    lows: Sequence[float | None] | None = None,
) -> list[tuple[int, float]]:
    """convex_combination for runs of distinct integer ids below `size`, in numpy: the same scores and order
    (ties keep first appearance), about ten times faster on the thousands of keyword matches of a corpus query."""
    arrays = [(np.fromiter((k for k, _ in run), dtype=np.int64, count=len(run)),
               np.fromiter((s for _, s in run), dtype=np.float64, count=len(run))) for run in runs]
    ids, scores = convex_combination_arrays(arrays, size, weights=weights, lows=lows)
    return list(zip(ids.tolist(), scores.tolist()))


def convex_combination_arrays(
    runs: Sequence[tuple[np.ndarray, np.ndarray]], size: int, *, weights: Sequence[float] | None = None,
    lows: Sequence[float | None] | None = None,
) -> tuple[np.ndarray, np.ndarray]:
    """convex_combination_dense on runs given as (ids, scores) arrays, returning (ids, scores) arrays best first:
    the engine keeps its runs in numpy (building Python pairs for 20,000 matches cost more than the fusion)."""
    weights = _check_weights(runs, weights)
    lows = lows if lows is not None else [None] * len(runs)
    total = np.zeros(size, dtype=np.float64)
    never = np.iinfo(np.int64).max
    first = np.full(size, never, dtype=np.int64)  # position of first appearance over the runs, in order
    seen = 0
    for (ids, scores), weight, low in zip(runs, weights, lows):
        if not len(ids):
            continue
        ids = np.asarray(ids, dtype=np.int64)
        scores = np.asarray(scores, dtype=np.float64)
        floor = scores.min() if low is None else low
        span = scores.max() - floor
        total[ids] += weight * ((scores - floor) / span if span > 0 else np.ones_like(scores))
        first[ids] = np.minimum(first[ids], np.arange(seen, seen + len(ids)))
        seen += len(ids)
    present = np.flatnonzero(first != never)
    ranked = present[np.lexsort((first[present], -total[present]))]
    return ranked, total[ranked]


def query_length_share(words: int) -> float:
    """0 for a short query (SHORT_QUERY_WORDS or fewer), 1 for a long one (LONG_QUERY_WORDS or more), linear between."""
    span = LONG_QUERY_WORDS - SHORT_QUERY_WORDS
    return min(1.0, max(0.0, (words - SHORT_QUERY_WORDS) / span))


def query_alpha(words: int | None) -> float:
    """Convex fusion's default semantic weight for a query of `words` distinct searched words (None: unknown)."""
    if words is None:
        return DEFAULT_ALPHA["convex"]
    return round(SHORT_ALPHA + query_length_share(words) * (LONG_ALPHA - SHORT_ALPHA), 4)


def side_weights(fusion: str, alpha: float) -> tuple[float, float]:
    """(keyword weight, semantic weight) for a fusion method and alpha = weight of the semantic side."""
    if not 0.0 <= alpha <= 1.0:
        raise ValueError(f"alpha must be from 0 to 1 (got {alpha})")
    if fusion == "rrf":
        return 2 * (1 - alpha), 2 * alpha
    if fusion == "convex":
        return 1 - alpha, alpha
    raise ValueError(f"fusion must be one of {', '.join(FUSIONS)} (got {fusion!r})")


@dataclass(frozen=True)
class FusionInputs:
    """What a hybrid request fused: the method, its weights, and the two runs as fusion saw them (for convex, the
    semantic run with the real similarity of the top keyword matches added). Explain reads it."""

    method: str
    alpha: float
    weights: tuple[float, float]  # (keyword, semantic)
    keyword: Run
    semantic: Run


def fuse(method: str | None, alpha: float | None, keyword: Run, semantic: Run, size: int,
         similarity: np.ndarray | None = None, words: int | None = None) -> tuple[Run, FusionInputs]:
    """The fused run of a keyword and a semantic run over releases 0..size-1, and what explain needs.

    `method` and `alpha` None mean the tuned defaults (for convex, by the query's number of distinct searched
    `words`); `similarity` (every release's similarity to the query) lets convex fusion score the top keyword matches
    on both sides instead of counting a missing similarity as 0.
    """
    method = method or DEFAULT_FUSION
    if alpha is None:
        alpha = query_alpha(words) if method == "convex" else DEFAULT_ALPHA[method]
    weights = side_weights(method, alpha)
    if method == "rrf":
        fused = reciprocal_rank_fusion([keyword.ordinals.tolist(), semantic.ordinals.tolist()], rrf_k=RRF_K,
                                       weights=weights)
        run = Run(np.array([o for o, _ in fused], dtype=np.int64), np.array([s for _, s in fused], dtype=np.float64))
        return run, FusionInputs(method, alpha, weights, keyword, semantic)
    if similarity is not None:
        extra = np.setdiff1d(keyword.ordinals[:CONVEX_KEYWORD_DEPTH], semantic.ordinals)
        semantic = Run(np.concatenate([semantic.ordinals, extra]),
                       np.concatenate([semantic.scores, similarity[extra].astype(np.float64)]))
    # BM25 is 0 for a release without the query's words: that, not the worst match, is the floor.
    ordinals, scores = convex_combination_arrays([(keyword.ordinals, keyword.scores),
                                                  (semantic.ordinals, semantic.scores)], size, weights=weights,
                                                 lows=[0.0, None])
    return Run(ordinals, scores), FusionInputs(method, alpha, weights, keyword, semantic)
