"""Duplicate groups on disk: releases that are the same announcement (one text sent on several wires, a "Correcting and
replacing" version) share a group id, computed at index time by indexer.ingest.duplicates.

`duplicates.npz` in a version holds, per release (in the version's release order, ids stored to check it):
its MinHash signature, its title key and its date as a day number, so that an update hashes only the new releases,
and the group id of each release (the smallest ordinal of its group). A version without the file (written before
grouping existed) has every release in a group of its own.

"What is a copy" is one rule in the product: the title key and the date window here are the ones the related list
(search/related.py) uses to leave copies out.
"""
from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from pathlib import Path
from typing import Sequence

import numpy as np

from indexer.store.atomic import atomic_write

DUPLICATES = "duplicates.npz"
DUPLICATE_DAYS = 14  # two copies of one announcement are sent at most this many days apart (either undated: any)

# A correction repeats the announcement under a prefix: "CORRECTING and REPLACING X", "Correction: X", "Corrected - X".
_CORRECTION_PREFIX = re.compile(r"^\W*(?:correcting\W+and\W+replacing\b|(?:correct(?:ion|ed)|updated?)\s*[:\-–—])\W*")
_WORD = re.compile(r"\w+")


def is_corrected(title: str) -> bool:
    """Whether the title starts with a correction or update prefix."""
    return bool(_CORRECTION_PREFIX.match(unicodedata.normalize("NFKC", title).casefold()))


def title_key(title: str) -> str:
    """A title as the duplicate rule compares it: NFKC, casefolded, a correction prefix dropped, words only."""
    folded = _CORRECTION_PREFIX.sub("", unicodedata.normalize("NFKC", title).casefold())
    return " ".join(_WORD.findall(folded))


@dataclass(frozen=True)
class DuplicateData:
    """What duplicates.npz holds, one row per release."""

    ids: list[str]
    signatures: np.ndarray  # uint32 [releases, permutations]: MinHash of the release's word shingles
    titles: list[str]  # title_key of each release
    days: np.ndarray  # int64 day numbers (date.toordinal), 0 = undated
    corrected: np.ndarray  # bool: the title carries a correction/update prefix
    groups: np.ndarray  # int64: the smallest ordinal of the release's group

    def save(self, path: Path) -> None:
        with atomic_write(path, "wb") as fh:
            np.savez(fh, ids=np.array(self.ids, dtype=str), signatures=self.signatures,
                     titles=np.array(self.titles, dtype=str), days=self.days, corrected=self.corrected,
                     groups=self.groups)

    @classmethod
    def load(cls, path: Path) -> "DuplicateData":
        with np.load(path, allow_pickle=False) as data:
            return cls([str(i) for i in data["ids"]], data["signatures"], [str(t) for t in data["titles"]],
                       data["days"].astype(np.int64), data["corrected"].astype(bool), data["groups"].astype(np.int64))


def read_groups(version_dir: Path, release_ids: Sequence[str]) -> np.ndarray:
    """Each release's group id, by ordinal; every release on its own if the version has no duplicates file (older
    versions) or the file does not describe these releases."""
    path = version_dir / DUPLICATES
    alone = np.arange(len(release_ids), dtype=np.int64)
    if not path.exists():
        return alone
    data = DuplicateData.load(path)
    return data.groups if data.ids == list(release_ids) else alone
