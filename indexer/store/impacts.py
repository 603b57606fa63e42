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

from dataclasses import dataclass
from pathlib import Path
from typing import Iterable

import numpy as np
from scipy import sparse
from whoosh import query as wq
from whoosh.scoring import BM25F, bm25
from whoosh.reading import IndexReader
from whoosh.searching import Searcher

from indexer.store.atomic import atomic_write, link_or_copy

FORMAT = 2  # 2: cached per-segment postings next to the impacts


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

    def docnums(self, field: str, text: str) -> np.ndarray:
        """The documents (ascending docnums) whose `field` has the term `text`."""
        row = self.terms.get((field, text))
        if row is None:
            return np.zeros(0, dtype=np.int64)
        return self.matrix.indices[self.matrix.indptr[row]:self.matrix.indptr[row + 1]].astype(np.int64)

    def save(self, path: Path) -> None:
        keys = list(self.terms)
        _save_npz(path, fields=pack([f for f, _ in keys]), texts=pack([t for _, t in keys]),
                  rows=np.array(list(self.terms.values())), data=self.matrix.data, indices=self.matrix.indices,
                  indptr=self.matrix.indptr, shape=np.array(self.matrix.shape))

    @classmethod
    def load(cls, path: Path) -> "TermImpacts | None":
        """The saved impacts, or None if the file is missing or from another format."""
        try:
            with np.load(path, allow_pickle=False) as d:
                if int(d["format"]) != FORMAT:
                    return None
                terms = dict(zip(zip(unpack(d["fields"]), unpack(d["texts"])), d["rows"].tolist()))
                matrix = sparse.csr_matrix((d["data"], d["indices"], d["indptr"]), shape=tuple(d["shape"]))
        except (OSError, KeyError, ValueError):
            return None
        return cls(terms, matrix)

    @classmethod
    def compute(cls, searcher: Searcher, fields: Iterable[str], *, cache: Path | None = None,
                reuse: Iterable[Path] = ()) -> "TermImpacts":
        """Every posting's BM25F score, from the searcher's own statistics (the weighting must be BM25F).

        Reading postings out of Whoosh is the slow part (~15 s for the full corpus), and a segment never changes, so
        each segment's postings are kept in `cache` (a directory) and taken from any directory in `reuse` (the
        previous version's cache) when there: an update that adds one small segment reads only that segment.
        The scores themselves depend on corpus-wide statistics and are recomputed in numpy (about a second).
        """
        weighting = searcher.weighting
        if not isinstance(weighting, BM25F):
            raise TypeError("impacts are computed for BM25F only")
        fields = tuple(fields)
        reader = searcher.reader()
        n_docs = reader.doc_count_all()
        leaves = [(SegmentPostings.get(leaf, fields, cache, tuple(reuse)), offset, _deleted(leaf))
                  for leaf, offset in reader.leaf_readers()]
        terms: dict[tuple[str, str], int] = {}
        rows, cols, data = [], [], []
        for field in fields:
            lengths = np.array([reader.doc_field_length(d, field, 0) for d in range(n_docs)], dtype=np.float64)
            avgfl = searcher.avg_field_length(field) or 1
            B = weighting._field_B.get(field, weighting.B)  # Whoosh's per-field B, as its scorer picks it
            vocabulary = sorted(set().union(*(postings.texts(field) for postings, _, _ in leaves)))
            first_row = len(terms)
            row_of = {text: first_row + i for i, text in enumerate(vocabulary)}
            terms.update(((field, text), row) for text, row in row_of.items())
            f_rows, f_cols, f_tfs, f_live = [], [], [], []
            for postings, offset, deleted in leaves:
                texts, indptr, ids, tfs = postings.field(field)
                term_rows = np.fromiter((row_of[t] for t in texts), dtype=np.int64, count=len(texts))
                f_rows.append(np.repeat(term_rows, np.diff(indptr)))
                f_cols.append(ids.astype(np.int64) + offset)
                f_tfs.append(tfs.astype(np.float64))
                f_live.append(~np.isin(ids, deleted) if len(deleted) else np.ones(len(ids), dtype=bool))
            if not vocabulary:
                continue
            f_row, f_col, f_tf, live = (np.concatenate(x) for x in (f_rows, f_cols, f_tfs, f_live))
            # Whoosh's idf: log(N / (df + 1)) + 1 with N and df counting deleted documents too (its term infos and
            # doc_count_all do), so df counts postings before deletions are dropped.
            df = np.bincount(f_row - first_row, minlength=len(vocabulary))
            idf = np.log(n_docs / (df + 1.0)) + 1.0
            f_row, f_col, f_tf = f_row[live], f_col[live], f_tf[live]
            scores = bm25(idf[f_row - first_row], f_tf, lengths[f_col], avgfl, B, weighting.K1)
            rows.append(f_row)
            cols.append(f_col)
            data.append(scores.astype(np.float32))
        matrix = sparse.csr_matrix(
            (np.concatenate(data) if data else np.zeros(0, np.float32),
             (np.concatenate(rows) if rows else np.zeros(0, np.int64),
              np.concatenate(cols) if cols else np.zeros(0, np.int64))),
            shape=(len(terms), n_docs), dtype=np.float32,
        )
        matrix.sort_indices()
        return cls(terms, matrix)


def _save_npz(path: Path, **arrays: np.ndarray) -> None:
    """Write atomically (two processes opening a new version may both write: the last complete file wins)."""
    with atomic_write(path, "wb") as fh:
        np.savez(fh, format=np.array(FORMAT), **arrays)


_SEPARATOR = "\0"  # never inside a term: analyzers split text into words


def pack(texts: list[str]) -> np.ndarray:
    """Strings as one UTF-8 byte array (a numpy str array pads every string to the longest: 10x the size)."""
    return np.frombuffer(_SEPARATOR.join(texts).encode("utf-8"), dtype=np.uint8) if texts else np.zeros(0, np.uint8)


def unpack(packed: np.ndarray) -> list[str]:
    return packed.tobytes().decode("utf-8").split(_SEPARATOR) if len(packed) else []


def _deleted(leaf: IndexReader) -> np.ndarray:
    if not leaf.has_deletions():
        return np.zeros(0, dtype=np.int64)
    return np.array([d for d in range(leaf.doc_count_all()) if leaf.is_deleted(d)], dtype=np.int64)


@dataclass(frozen=True)
class SegmentPostings:
    """One Whoosh segment's postings of the scored fields: per field, its terms and each term's (docnums, tf)."""

    arrays: dict[str, np.ndarray]  # "<field>.texts", "<field>.indptr", "<field>.ids", "<field>.tfs"

    def texts(self, field: str) -> list[str]:
        key = f"{field}.texts"
        return unpack(self.arrays[key]) if key in self.arrays else []

    def field(self, field: str) -> tuple[list[str], np.ndarray, np.ndarray, np.ndarray]:
        if f"{field}.texts" not in self.arrays:
            return [], np.zeros(1, np.int64), np.zeros(0, np.int32), np.zeros(0, np.float32)
        return (self.texts(field), self.arrays[f"{field}.indptr"], self.arrays[f"{field}.ids"],
                self.arrays[f"{field}.tfs"])

    @classmethod
    def read(cls, leaf: IndexReader, fields: tuple[str, ...]) -> "SegmentPostings":
        arrays: dict[str, np.ndarray] = {}
        for field in fields:
            if field not in leaf.schema:
                continue
            texts, indptr, ids, tfs = [], [0], [], []
            for text in leaf.field_terms(field):
                seg_ids, seg_tfs = _leaf_postings(leaf, field, text)
                texts.append(text)
                ids.append(seg_ids.astype(np.int32))
                tfs.append(seg_tfs.astype(np.float32))
                indptr.append(indptr[-1] + len(seg_ids))
            arrays |= {f"{field}.texts": pack(texts), f"{field}.indptr": np.array(indptr, np.int64),
                       f"{field}.ids": np.concatenate(ids) if ids else np.zeros(0, np.int32),
                       f"{field}.tfs": np.concatenate(tfs) if tfs else np.zeros(0, np.float32)}
        return cls(arrays)

    @classmethod
    def get(cls, leaf: IndexReader, fields: tuple[str, ...], cache: Path | None,
            reuse: tuple[Path, ...]) -> "SegmentPostings":
        """From the cache, from a reusable cache (linked into ours), or read from the segment (and cached)."""
        name = _cache_name(leaf, fields)
        if name is None:
            return cls.read(leaf, fields)
        for directory in ((cache,) if cache else ()) + reuse:
            found = cls._load(directory / name)
            if found is not None:
                if cache is not None and directory != cache:
                    link_or_copy(directory / name, cache / name)
                return found
        postings = cls.read(leaf, fields)
        if cache is not None:
            postings._save(cache / name)
        return postings

    def _save(self, path: Path) -> None:
        path.parent.mkdir(parents=True, exist_ok=True)
        _save_npz(path, **self.arrays)

    @classmethod
    def _load(cls, path: Path) -> "SegmentPostings | None":
        try:
            with np.load(path, allow_pickle=False) as d:
                if int(d["format"]) != FORMAT:
                    return None
                return cls({key: d[key] for key in d.files if key != "format"})
        except (OSError, KeyError, ValueError):
            return None


def _cache_name(leaf: IndexReader, fields: tuple[str, ...]) -> str | None:
    """A file name naming the segment (Whoosh segment ids are random and never reused) and the fields."""
    segment = leaf.segment() if hasattr(leaf, "segment") else None
    if segment is None or not hasattr(segment, "segment_id"):
        return None
    return f"{segment.segment_id()}.{'+'.join(fields)}.npz"


def _leaf_postings(leaf: IndexReader, field: str, text: str) -> tuple[np.ndarray, np.ndarray]:
    """One segment's postings of a term, deleted documents included. Whoosh's matcher API costs ~1.5 µs per
    posting in Python, so the W3 codec's posting blocks are read whole (ids and weights per block); any other
    matcher is walked posting by posting."""
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


def write_impacts(keyword_dir: Path, path: Path, *, cache: Path | None = None, reuse: Iterable[Path] = ()) -> None:
    """Precompute the BM25F impacts of the Whoosh index at `keyword_dir` into `path` (part of writing a version);
    per-segment postings are kept in `cache` and taken from the `reuse` directories when there."""
    from indexer.store.keyword_index import open_keyword_index, scored_fields

    ix = open_keyword_index(keyword_dir)
    with ix.searcher(weighting=BM25F()) as searcher:
        TermImpacts.compute(searcher, scored_fields(ix), cache=cache, reuse=reuse).save(path)
