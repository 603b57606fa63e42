"""The vector index: FAISS exact inner product over unit-length passage vectors, plus the passage → release map.

Exact search (IndexFlatIP) is the right default up to ~200k passages (docs/architecture.md, "Library facts"). Passage i is FAISS id i; the
map in passages.npz says which release (by id) and which body words it covers.
"""
from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Sequence

import faiss
import numpy as np

from indexer.store.atomic import atomic_write


@dataclass(frozen=True)
class PassageMap:
    release_ids: np.ndarray  # str, one per release, in index order
    passage_release: np.ndarray  # int32 ordinal into release_ids, one per passage (= FAISS id)
    passage_start: np.ndarray  # int32 word offsets into the body
    passage_end: np.ndarray

    def save(self, path: Path) -> None:
        with atomic_write(path, "wb") as fh:
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


    def keep_releases(self, keep: np.ndarray) -> tuple["PassageMap", np.ndarray]:
        """The map restricted to releases where `keep` (bool per release) is true, and the kept passage mask.

        Kept releases keep their order and are renumbered 0..k-1; passages keep their order.
        """
        new_ordinal = np.cumsum(keep) - 1
        passage_mask = keep[self.passage_release]
        return PassageMap(
            release_ids=self.release_ids[keep],
            passage_release=new_ordinal[self.passage_release[passage_mask]].astype(np.int32),
            passage_start=self.passage_start[passage_mask],
            passage_end=self.passage_end[passage_mask],
        ), passage_mask

    def extend(self, other: "PassageMap") -> "PassageMap":
        """This map followed by `other` (whose releases and passages come after ours)."""
        return PassageMap(
            release_ids=np.concatenate([self.release_ids, other.release_ids]).astype(str),
            passage_release=np.concatenate([self.passage_release,
                                            other.passage_release + len(self.release_ids)]).astype(np.int32),
            passage_start=np.concatenate([self.passage_start, other.passage_start]).astype(np.int32),
            passage_end=np.concatenate([self.passage_end, other.passage_end]).astype(np.int32),
        )


def passage_words(body: str, start: int, end: int) -> str:
    """The body text of a stored passage span (whitespace folded)."""
    return " ".join(body.split()[start:end])


def all_vectors(ix: faiss.Index) -> np.ndarray:
    """Every stored vector in id order (exact for IndexFlat, which stores them as they were added)."""
    return ix.reconstruct_n(0, ix.ntotal) if ix.ntotal else np.zeros((0, ix.d), dtype=np.float32)


def build_vector_index(vectors: np.ndarray) -> faiss.Index:
    if vectors.ndim != 2 or vectors.dtype != np.float32:
        raise ValueError("vectors must be a 2-D float32 array")
    if not np.all(np.isfinite(vectors)):
        raise ValueError("vectors contain NaN or infinity")  # FAISS would silently return -1 labels
    ix = faiss.IndexFlatIP(vectors.shape[1])
    ix.add(vectors)
    return ix


def write_vector_index(ix: faiss.Index, path: Path) -> None:
    """Write atomically: a killed write to the live path leaves an unreadable file (docs/architecture.md, "Library facts").

    The bytes are faiss.write_index's, written by Python, so that a full disk is an OSError(ENOSPC) like every other
    write of a build (faiss.write_index raises a RuntimeError with the errno in its text).
    """
    data = faiss.serialize_index(ix)
    with atomic_write(path, "wb") as fh:
        fh.write(memoryview(data))


def read_vector_index(path: Path) -> faiss.Index:
    return faiss.read_index(str(path))
