"""A run: a ranked list of releases, best first, in the one id space of a version: release ordinals.

Both retrievers return runs, fusion turns two runs into one, and the exact tiers reorder a run; ordinals index the
passage map's release list, the facet matrix's rows and every per-release array of the engine. Runs are numpy arrays:
a corpus query matches thousands of releases, and Python pairs for each cost more than the ranking itself.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Iterable

import numpy as np


@dataclass(frozen=True)
class Rank:
    """Where one release stands in a run (for explain and snippets)."""

    rank: int  # from 1
    score: float
    passage: int | None = None  # semantic runs: the best passage (FAISS id)


@dataclass(frozen=True)
class Run:
    ordinals: np.ndarray  # int64 release ordinals, best first
    scores: np.ndarray  # float64, one per ordinal
    passages: np.ndarray | None = None  # semantic runs: each release's best passage (int64 FAISS ids)

    @classmethod
    def empty(cls, with_passages: bool = False) -> "Run":
        none = np.zeros(0, dtype=np.int64)
        return cls(none, np.zeros(0, dtype=np.float64), none if with_passages else None)

    def __len__(self) -> int:
        return len(self.ordinals)

    def take(self, positions: np.ndarray | slice) -> "Run":
        """The run reordered or cut: the releases at these positions, in this order."""
        passages = None if self.passages is None else self.passages[positions]
        return Run(self.ordinals[positions], self.scores[positions], passages)

    def ranks_of(self, ordinals: np.ndarray) -> dict[int, Rank]:
        """The rank of each of these releases that is in the run (looked up for a page, not the whole run)."""
        at = np.flatnonzero(np.isin(self.ordinals, ordinals))
        return {int(self.ordinals[i]): Rank(int(i) + 1, float(self.scores[i]),
                                            None if self.passages is None else int(self.passages[i]))
                for i in at}


def ordinal_array(ordinals: Iterable[int] | np.ndarray) -> np.ndarray:
    """Release ordinals as a sorted, unique int64 array (an array, not a set: a common word's ~5,000 releases cost
    40 KB, not ~300 KB)."""
    if not isinstance(ordinals, np.ndarray):
        ordinals = np.fromiter(ordinals, dtype=np.int64)
    ordinals = ordinals.astype(np.int64, copy=False)
    if len(ordinals) < 2 or bool(np.all(ordinals[1:] > ordinals[:-1])):
        return ordinals  # already sorted and unique (the usual case): one pass instead of np.unique's sort
    return np.unique(ordinals)
