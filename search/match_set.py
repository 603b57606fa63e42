"""Which releases a query matches: the rule that makes `total`, facet counts and what a facet click returns agree.

A release is in a query's match set if it is a keyword match (search/keyword.py, with its minimum-match rule) or a
semantic candidate: a release whose best passage is similar enough to the query, by a floor on the similarity itself
(never "the k nearest of whatever subset is filtered", which made the set grow when a filter shrank the pool).
The floor is decided over the whole index and only then intersected with the filters, so a filter can only remove
releases from the set, and a facet count is exactly what clicking the value returns.

The numbers are calibrated for all-MiniLM-L6-v2 (README "Match set"; bench/calibrate_match_set.py prints the data
they were chosen on). Another embedding model gets the same rule; its similarities may need other numbers.
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np


@dataclass(frozen=True)
class SemanticFloor:
    """A release is a semantic candidate if its similarity is at least `absolute` and within `relative` of the
    index's best similarity for the query; of those, the `cap` most similar (the CPU bound: each candidate is fused,
    counted and sorted)."""

    absolute: float
    relative: float
    cap: int

    def threshold(self, best: float) -> float:
        """The similarity a release needs for a query whose best release scores `best`."""
        return max(self.absolute, best - self.relative)


# Chosen on SciFact train and the in-domain relevance set's train split (README "Match set").
DEFAULT_FLOOR = SemanticFloor(absolute=0.35, relative=0.25, cap=1000)


def semantic_candidates(similarity: np.ndarray, floor: SemanticFloor) -> np.ndarray:
    """The releases (ordinals, most similar first, ties by lower ordinal) whose similarity clears the floor, over the
    whole index. `similarity[i]` is release i's best-passage similarity (-inf without passages)."""
    finite = np.isfinite(similarity)
    if not finite.any() or floor.cap <= 0:
        return np.zeros(0, dtype=np.int64)
    best = float(similarity[finite].max())
    passing = np.flatnonzero(finite & (similarity >= floor.threshold(best)))
    if len(passing) > floor.cap:
        # The cap's cut: the cap-th best similarity; releases tied with it beyond the cap are left out by ordinal.
        kth = np.partition(-similarity[passing], floor.cap - 1)[floor.cap - 1]
        passing = passing[similarity[passing] >= -kth]
    order = np.lexsort((passing, -similarity[passing]))
    return passing[order][:floor.cap].astype(np.int64)


def within(candidates: np.ndarray, allowed: np.ndarray | None) -> np.ndarray:
    """The candidates (in their order) that pass the filters (`allowed`: sorted ordinals; None: no filter)."""
    if allowed is None:
        return candidates
    return candidates[np.isin(candidates, allowed, assume_unique=True)]
