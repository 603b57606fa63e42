"""Precomputed BM25F impacts: Whoosh's own per-term, per-document scores, stored as a sparse matrix.

Whoosh scores a query by walking every matching posting in Python (~10 µs each); an OR query over a news corpus
matches half the documents, which costs tens of milliseconds. For a bag-of-words query the score of a document is
just the sum, over query terms, of that term's BM25F score in that document: a number that depends only on the index
version. So we compute each (term, document) score once per version with Whoosh's own statistics and formula
(`whoosh.scoring.bm25`, the searcher's idf and average field length, the stored field lengths) and answer such
queries with one sparse row sum. Phrases, required/excluded terms and anything else go to Whoosh itself. A test
checks the two paths agree.
"""
from __future__ import annotations

import os
import uuid
from dataclasses import dataclass
from pathlib import Path
from typing import Iterable

import numpy as np
from scipy import sparse
from whoosh import query as wq
from whoosh.scoring import BM25F, bm25
from whoosh.reading import IndexReader
from whoosh.searching import Searcher

FORMAT = 1


@dataclass(frozen=True)
class TermImpacts:
    terms: dict[tuple[str, str], int]  # (field, term text) -> row
    matrix: sparse.csr_matrix  # rows: terms, columns: docnums, values: BM25F score (float32)

    @property
    def doc_count(self) -> int:
        return int(self.matrix.shape[1])

    def score(self, q: wq.Query) -> np.ndarray | None:
        """Scores of every document for a plain OR of terms (as Whoosh would give them), or None for any other query."""
        weights = _bag_of_terms(q)
        if weights is None:
            return None
        rows, boosts = [], []
        for key, boost in weights.items():
            row = self.terms.get(key)
            if row is not None:
                rows.append(row)
                boosts.append(boost)
        if not rows:
            return np.zeros(self.doc_count, dtype=np.float64)
        picked = self.matrix[rows]
        return np.asarray(picked.T @ np.asarray(boosts, dtype=np.float64)).ravel()

    def save(self, path: Path) -> None:
        keys = list(self.terms)
        # A unique temp name: two processes opening the same new version may both write the cache.
        tmp = path.with_name(f"{path.name}.{os.getpid()}.{uuid.uuid4().hex}.tmp")
        with open(tmp, "wb") as fh:
            np.savez(fh, format=np.array(FORMAT), fields=np.array([f for f, _ in keys], dtype=str),
                     texts=np.array([t for _, t in keys], dtype=str), rows=np.array(list(self.terms.values())),
                     data=self.matrix.data, indices=self.matrix.indices, indptr=self.matrix.indptr,
                     shape=np.array(self.matrix.shape))
            fh.flush()
            os.fsync(fh.fileno())
        os.replace(tmp, path)

    @classmethod
    def load(cls, path: Path) -> "TermImpacts | None":
        """The saved impacts, or None if the file is missing or from another format."""
        try:
            with np.load(path, allow_pickle=False) as d:
                if int(d["format"]) != FORMAT:
                    return None
                terms = {(str(f), str(t)): int(r) for f, t, r in zip(d["fields"], d["texts"], d["rows"])}
                matrix = sparse.csr_matrix((d["data"], d["indices"], d["indptr"]), shape=tuple(d["shape"]))
        except (OSError, KeyError, ValueError):
            return None
        return cls(terms, matrix)

    @classmethod
    def compute(cls, searcher: Searcher, fields: Iterable[str]) -> "TermImpacts":
        """Every posting's BM25F score, from the searcher's own statistics (the weighting must be BM25F)."""
        weighting = searcher.weighting
        if not isinstance(weighting, BM25F):
            raise TypeError("impacts are computed for BM25F only")
        reader = searcher.reader()
        n_docs = reader.doc_count_all()
        terms: dict[tuple[str, str], int] = {}
        indptr, indices, data = [0], [], []
        for field in fields:
            lengths = np.array([reader.doc_field_length(d, field, 0) for d in range(n_docs)], dtype=np.float64)
            avgfl = searcher.avg_field_length(field) or 1
            B = weighting._field_B.get(field, weighting.B)  # Whoosh's per-field B, as its scorer picks it
            for text in reader.field_terms(field):
                ids_arr, tfs = _term_postings(reader, field, text)
                scores = bm25(searcher.idf(field, text), tfs, lengths[ids_arr],
                              avgfl, B, weighting.K1)
                terms[(field, text)] = len(indptr) - 1
                indices.append(ids_arr)
                data.append(scores.astype(np.float32))
                indptr.append(indptr[-1] + len(ids_arr))
        matrix = sparse.csr_matrix(
            (np.concatenate(data) if data else np.zeros(0, np.float32),
             np.concatenate(indices) if indices else np.zeros(0, np.int32),
             np.asarray(indptr, dtype=np.int64)),
            shape=(len(terms), n_docs),
        )
        return cls(terms, matrix)


def _term_postings(reader: IndexReader, field: str, text: str) -> tuple[np.ndarray, np.ndarray]:
    """(docnums, term frequencies) of one term over every segment; deleted documents left out."""
    ids: list[np.ndarray] = []
    tfs: list[np.ndarray] = []
    for leaf, offset in reader.leaf_readers():
        if (field, text) not in leaf:
            continue
        seg_ids, seg_tfs = _leaf_postings(leaf, field, text)
        deleted = [d for d in range(leaf.doc_count_all()) if leaf.is_deleted(d)] if leaf.has_deletions() else None
        if deleted:
            keep = ~np.isin(seg_ids, np.fromiter(deleted, dtype=np.int64))
            seg_ids, seg_tfs = seg_ids[keep], seg_tfs[keep]
        ids.append(seg_ids + offset)
        tfs.append(seg_tfs)
    if not ids:
        return np.zeros(0, np.int32), np.zeros(0, np.float64)
    return np.concatenate(ids).astype(np.int32), np.concatenate(tfs)


def _leaf_postings(leaf: IndexReader, field: str, text: str) -> tuple[np.ndarray, np.ndarray]:
    """One segment's postings of a term. Whoosh's matcher API costs ~1.5 µs per posting in Python (24 s for the
    6.5 M postings of the full corpus), so the W3 codec's posting blocks are read whole (ids and weights per block);
    any other matcher is walked posting by posting."""
    terms = getattr(leaf, "_terms", None)
    matcher = (terms.matcher(field, leaf._text_to_bytes(field, text), leaf.schema[field].format)
               if terms is not None else leaf.postings(field, text))
    ids: list = []
    weights: list = []
    if all(hasattr(matcher, name) for name in ("_read_ids", "_read_weights", "_next_block", "_blocklength")):
        while matcher.is_active():
            matcher._read_ids()
            matcher._read_weights()
            ids.extend(matcher._ids)
            weights.extend(matcher._weights)
            matcher._next_block()
    else:
        while matcher.is_active():
            ids.append(matcher.id())
            weights.append(matcher.weight())
            matcher.next()
    return np.asarray(ids, dtype=np.int64), np.asarray(weights, dtype=np.float64)


def _bag_of_terms(q: wq.Query) -> dict[tuple[str, str], float] | None:
    """{(field, text): summed boost} if the query is only ORs of plain terms (what natural-language input parses to)."""
    out: dict[tuple[str, str], float] = {}

    def walk(node: wq.Query, boost: float) -> bool:
        if type(node) is wq.Term:
            key = (node.fieldname, node.text)
            out[key] = out.get(key, 0.0) + boost * node.boost
            return True
        if type(node) is wq.Or and node.scale is None:
            return all(walk(child, boost * node.boost) for child in node.subqueries)
        return False

    return out if walk(q, 1.0) and out else None
