"""The vector index: FAISS inner product over unit-length passage vectors, plus the passage → release map.

Up to APPROXIMATE_FROM passages the index is exact (IndexFlatIP): one matrix-vector product scores every passage.
Above it, where that product costs more than ~15 ms on two cores (bench/bench_scale.py), the build picks an HNSW
graph over the same flat vectors (IndexHNSWFlat): the graph finds the nearest passages, and the vectors are still
there, in place, for exact similarities of the releases a query needs them for (search/semantic.py). Passage i is
FAISS id i in both; the map in passages.npz says which release (by id) and which body words it covers.
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


# Passages from which the build picks the HNSW graph: one exact pass over 300k passages of 384 floats costs ~15 ms on
# two cores, and the semantic side of a hybrid query makes two (bench/bench_scale.py prints the curve).
APPROXIMATE_FROM = 300_000
HNSW_M = 32  # links per node (48 measured no better than 32 with a deeper construction)
HNSW_EF_CONSTRUCTION = 200  # 64: recall@100 0.91 on the synthetic 300k set; 200: 0.98 for 2.5x the build time


def flat_storage(ix: faiss.Index) -> faiss.IndexFlat | None:
    """The flat vectors an index keeps as they were added: the index itself, or an HNSW graph's storage."""
    if isinstance(ix, faiss.IndexFlat):
        return ix
    if isinstance(ix, faiss.IndexHNSW):
        storage = faiss.downcast_index(ix.storage)
        return storage if isinstance(storage, faiss.IndexFlat) else None
    return None


def vectors_in_place(ix: faiss.Index) -> np.ndarray:
    """The (ntotal, d) float32 vectors as a view of the index's own storage (no copy); a copy for other index types."""
    flat = flat_storage(ix)
    if not ix.ntotal:
        return np.zeros((0, ix.d), dtype=np.float32)
    if flat is not None:
        return faiss.rev_swig_ptr(flat.get_xb(), flat.ntotal * flat.d).reshape(flat.ntotal, flat.d)
    return ix.reconstruct_n(0, ix.ntotal)


def all_vectors(ix: faiss.Index) -> np.ndarray:
    """Every stored vector in id order, as a copy (exact: flat storage keeps them as they were added)."""
    return vectors_in_place(ix).copy()


def is_approximate(ix: faiss.Index) -> bool:
    return isinstance(ix, faiss.IndexHNSW)


def build_vector_index(vectors: np.ndarray, approximate_from: int | None = None) -> faiss.Index:
    """An exact flat index, or from `approximate_from` vectors (default APPROXIMATE_FROM) an HNSW graph over them."""
    if vectors.ndim != 2 or vectors.dtype != np.float32:
        raise ValueError("vectors must be a 2-D float32 array")
    if not np.all(np.isfinite(vectors)):
        raise ValueError("vectors contain NaN or infinity")  # FAISS would silently return -1 labels
    limit = APPROXIMATE_FROM if approximate_from is None else approximate_from
    if len(vectors) >= limit:
        ix = faiss.IndexHNSWFlat(vectors.shape[1], HNSW_M, faiss.METRIC_INNER_PRODUCT)
        ix.hnsw.efConstruction = HNSW_EF_CONSTRUCTION
    else:
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
