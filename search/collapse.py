"""One release per announcement: the result list collapsed by the duplicate groups computed at index time
(indexer/ingest/duplicates.py, read through indexer/store/duplicates.py).

`collapse=1` (the default) keeps the best ranked release of each group, so `total`, paging, exports and facets count
an announcement once; each hit then lists its group's other releases as `versions`. The list is collapsed in fused
order, before the exact tiers and the date sort reorder it, so that those settle the collapsed list's first page
(a group is placed by its best fused release).
"""
from __future__ import annotations

from pathlib import Path
from typing import Sequence

import numpy as np

from indexer.store.duplicates import read_groups
from search.hits import Hit
from search.runs import Run


class DuplicateGroups:
    """The duplicate groups of one index version, by release ordinal."""

    def __init__(self, groups: np.ndarray, release_ids: Sequence[str], days: np.ndarray) -> None:
        """`groups[i]`: release i's group id; `days[i]`: its date as a day number (0 = undated)."""
        self.groups = np.asarray(groups, dtype=np.int64)
        self._ids = release_ids
        sizes = np.bincount(self.groups, minlength=len(self.groups)) if len(self.groups) else np.zeros(0, np.int64)
        shared = np.flatnonzero(sizes[self.groups] > 1)
        self._members: dict[int, list[int]] = {}
        # Newest first, then index order: the order a hit lists its other versions in.
        for ordinal in shared[np.lexsort((shared, -days[shared]))].tolist():
            self._members.setdefault(int(self.groups[ordinal]), []).append(ordinal)

    @classmethod
    def load(cls, version_dir: Path, release_ids: Sequence[str], days: np.ndarray) -> "DuplicateGroups":
        return cls(read_groups(version_dir, release_ids), release_ids, days)

    @property
    def grouped(self) -> int:
        """How many releases share a group with another."""
        return sum(len(m) for m in self._members.values())

    def collapse(self, run: Run) -> Run:
        """The run with only the first (best ranked) release of each group, in the run's order."""
        if not self._members or not len(run):
            return run
        _, first = np.unique(self.groups[run.ordinals], return_index=True)
        return run.take(np.sort(first))

    def versions(self, ordinal: int) -> list[str]:
        """The ids of the other releases of this release's group (newest first; empty if it is alone)."""
        members = self._members.get(int(self.groups[ordinal]), [])
        return [self._ids[o] for o in members if o != ordinal]

    def add_versions(self, hits: list[Hit], ordinals: np.ndarray) -> None:
        """Set each hit's `versions` (hits and ordinals in the same order: a page)."""
        for hit, ordinal in zip(hits, ordinals.tolist()):
            hit.versions = self.versions(ordinal)
