"""Fusion of ranked lists: pure functions over ids."""
from __future__ import annotations

from typing import Hashable, Sequence, TypeVar

K = TypeVar("K", bound=Hashable)
RRF_K = 60


def reciprocal_rank_fusion(
    runs: Sequence[Sequence[K]], *, rrf_k: int = RRF_K, weights: Sequence[float] | None = None
) -> list[tuple[K, float]]:
    """Score each id by sum(w / (rrf_k + rank)) over the runs it appears in (rank from 1); best first.

    Ties keep the order of first appearance (run by run), so the result is deterministic.
    """
    if weights is None:
        weights = [1.0] * len(runs)
    if len(weights) != len(runs):
        raise ValueError("one weight per run")
    scores: dict[K, float] = {}
    for run, weight in zip(runs, weights):
        for rank, key in enumerate(run, start=1):
            scores[key] = scores.get(key, 0.0) + weight / (rrf_k + rank)
    order = {key: i for i, key in enumerate(scores)}
    return sorted(scores.items(), key=lambda item: (-item[1], order[item[0]]))
