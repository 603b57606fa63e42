"""The vector index: FAISS exact inner product over unit-length passage vectors, plus the passage → release map.

Exact search (IndexFlatIP) is the right default up to ~200k passages (FINDINGS.md). Passage i is FAISS id i; the
map in passages.npz says which release (by id) and which body words it covers.
"""
from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path
from typing import Sequence

import faiss
import numpy as np


@dataclass(frozen=True)
class PassageMap:
    release_ids: np.ndarray  # str, one per release, in index order
    passage_release: np.ndarray  # int32 ordinal into release_ids, one per passage (= FAISS id)
    passage_start: np.ndarray  # int32 word offsets into the body
    passage_end: np.ndarray

    def save(self, path: Path) -> None:
        with open(path, "wb") as fh:
            np.savez(
                fh,
                release_ids=self.release_ids,
                passage_release=self.passage_release,
                passage_start=self.passage_start,
                passage_end=self.passage_end,
            )

    @classmethod
    def load(cls, path: Path) -> "PassageMap":
        with np.load(path, allow_pickle=False) as data:
            return cls(
                release_ids=data["release_ids"],
                passage_release=data["passage_release"],
                passage_start=data["passage_start"],
                passage_end=data["passage_end"],
            )

    @classmethod
    def build(cls, release_ids: Sequence[str], spans: Sequence[Sequence[tuple[int, int]]]) -> "PassageMap":
        """`spans[i]` are the (start, end) word spans of release i's passages."""
        owner = [i for i, release_spans in enumerate(spans) for _ in release_spans]
        flat = [span for release_spans in spans for span in release_spans]
        return cls(
            release_ids=np.array(list(release_ids), dtype=str),
            passage_release=np.array(owner, dtype=np.int32),
            passage_start=np.array([s for s, _ in flat], dtype=np.int32),
            passage_end=np.array([e for _, e in flat], dtype=np.int32),
        )


def build_vector_index(vectors: np.ndarray) -> faiss.Index:
    if vectors.ndim != 2 or vectors.dtype != np.float32:
        raise ValueError("vectors must be a 2-D float32 array")
    if not np.all(np.isfinite(vectors)):
        raise ValueError("vectors contain NaN or infinity")  # FAISS would silently return -1 labels
    ix = faiss.IndexFlatIP(vectors.shape[1])
    ix.add(vectors)
    return ix


def write_vector_index(ix: faiss.Index, path: Path) -> None:
    """Write via a temp file and rename: a killed write to the live path leaves an unreadable file (FINDINGS.md)."""
    tmp = path.with_name(path.name + ".tmp")
    faiss.write_index(ix, str(tmp))
    fd = os.open(tmp, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)
    os.replace(tmp, path)


def read_vector_index(path: Path) -> faiss.Index:
    return faiss.read_index(str(path))
