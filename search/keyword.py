"""The keyword retriever: Whoosh BM25F over title + body (one field) and the title, with filters given as sets of
document numbers."""
from __future__ import annotations

import datetime as dt
import threading
from pathlib import Path
from typing import Iterable

import numpy as np

from whoosh import qparser, query, scoring
from whoosh.index import Index
from whoosh.searching import Searcher
from whoosh.util.times import long_to_datetime

from indexer.store.impacts import TermImpacts
from indexer.store.keyword_index import LEGACY_FIELDS, SEARCH_FIELDS, read_column, scored_fields

# Query-time weight of the title field on top of `content` (which already holds the title); chosen on SciFact train.
TITLE_WEIGHT = 0.25
TEXT_FIELDS = frozenset({"content", "body"})  # fields whose query terms are highlighted in the body
_NO_DATE = 2**64 - 1  # what Whoosh's DATETIME column holds for a document without a date


def make_parser(ix: Index) -> qparser.QueryParser:
    """Natural-language queries: OR of terms ranked by BM25F, "quoted phrases", AND / OR / NOT and parentheses.

    Field prefixes, wildcards and ranges are off: users type company names with colons and asterisks, and a lone
    `*` would otherwise match every document (FINDINGS.md). There is no +/- syntax on purpose: Whoosh's plugin for it
    reads the hyphen in "China-Laos" or "co-operation" as an exclusion.
    """
    if "content" in ix.schema:
        parser = qparser.MultifieldParser(list(SEARCH_FIELDS), ix.schema, group=qparser.OrGroup,
                                          fieldboosts={"title": TITLE_WEIGHT})
    else:
        parser = qparser.MultifieldParser(list(LEGACY_FIELDS), ix.schema, group=qparser.OrGroup)
    for plugin in (qparser.FieldsPlugin, qparser.WildcardPlugin, qparser.RangePlugin, qparser.BoostPlugin):
        parser.remove_plugin_class(plugin)
    return parser


class KeywordRetriever:
    """One Whoosh index; a searcher per thread (Whoosh searchers are not shared across threads)."""

    def __init__(self, ix: Index, impacts_path: Path | None = None) -> None:
        self._ix = ix
        self._parser = make_parser(ix)
        self.fields = scored_fields(ix)  # what queries are scored on
        # How body text is analysed for highlighting: as the field that ranks it.
        self.text_analyzer = ix.schema["content" if "content" in ix.schema else "body"].analyzer
        self._local = threading.local()
        self._all: list[Searcher] = []
        self._lock = threading.Lock()
        self._dates = None
        self.ids_by_docnum: list[str] = self._read_ids()
        self._live = np.array([rid is not None for rid in self.ids_by_docnum], dtype=bool)  # not deleted
        self.impacts = self._impacts(impacts_path) if impacts_path is not None else None

    def searcher(self) -> Searcher:
        s = getattr(self._local, "searcher", None)
        if s is None:
            s = self._ix.searcher(weighting=scoring.BM25F())
            self._local.searcher = s
            with self._lock:
                self._all.append(s)
        return s

    def _read_ids(self) -> list[str | None]:
        """The release id of every document number; None for a document deleted by an update (not yet merged away)."""
        # The id column (sortable) reads without touching the stored bodies.
        with self._ix.searcher() as s:
            reader = s.reader()
            column = read_column(reader, "id")
            return [None if reader.is_deleted(docnum) else column[docnum] for docnum in range(reader.doc_count_all())]

    def _impacts(self, path: Path) -> TermImpacts:
        """The impacts written with this (immutable) version; for a version written before builds wrote them (or
        whose file is damaged) they are computed in memory: a reader never writes the index."""
        impacts = TermImpacts.load(path)
        if impacts is None or impacts.doc_count != len(self.ids_by_docnum):
            impacts = TermImpacts.compute(self.searcher(), self.fields)
        return impacts

    def parse(self, text: str) -> query.Query:
        return self._parser.parse(text)

    def search(self, q: query.Query, allowed: np.ndarray | None) -> list[tuple[int, float]]:
        """Every matching document as (docnum, score), best first (ties: lower docnum first).

        `allowed` holds the docnums that pass the filters (None: no filter).
        """
        docnums, scores = self.ranked(q, allowed)
        return list(zip(docnums.tolist(), scores.tolist()))

    def ranked(self, q: query.Query, allowed: np.ndarray | None) -> tuple[np.ndarray, np.ndarray]:
        """`search` as (docnums, scores) arrays."""
        if allowed is not None and not len(allowed):
            return np.zeros(0, dtype=np.int64), np.zeros(0, dtype=np.float64)
        scored = self._impact_matches(q)
        if scored is None:  # phrases, +required, -excluded: Whoosh evaluates them itself
            results = self.searcher().search(q, limit=None, filter=None if allowed is None else set(allowed.tolist()))
            return (np.fromiter((hit.docnum for hit in results), dtype=np.int64, count=len(results)),
                    np.fromiter((hit.score for hit in results), dtype=np.float64, count=len(results)))
        scores, matched = scored
        if allowed is not None:
            matched = np.intersect1d(matched, allowed, assume_unique=True)
        order = matched[np.lexsort((matched, -scores[matched]))]
        return order, scores[order].astype(np.float64)

    def matching_docnums(self, q: query.Query) -> list[int]:
        """Every live document matching `q`, unscored (a one-word phrase parses to an OR of terms, whose matches the
        impacts give at once; a real phrase needs Whoosh's positions)."""
        scored = self._impact_matches(q)
        if scored is not None:
            return scored[1].tolist()
        return [d for d in self.searcher().docs_for_query(q) if self._live[d]]

    def phrase_candidates(self, q: query.Query) -> tuple[np.ndarray, np.ndarray]:
        """(sure, maybe): live documents that match `q` and ones that may (they have every word of a phrase; only
        positions can tell), as ascending docnums. `contains` settles the maybes."""
        scored = self._impact_matches(q)
        if scored is not None:
            return scored[1], np.zeros(0, dtype=np.int64)
        if isinstance(q, query.Phrase) and self.impacts is not None:
            return np.zeros(0, dtype=np.int64), self._with_every_word(q)
        if isinstance(q, query.Or):
            parts = [self.phrase_candidates(sub) for sub in q.subqueries]
            sure = np.unique(np.concatenate([p[0] for p in parts] + [np.zeros(0, dtype=np.int64)]))
            maybe = np.unique(np.concatenate([p[1] for p in parts] + [np.zeros(0, dtype=np.int64)]))
            return sure, np.setdiff1d(maybe, sure, assume_unique=True)
        return np.asarray(self.matching_docnums(q), dtype=np.int64), np.zeros(0, dtype=np.int64)

    def _with_every_word(self, phrase: query.Phrase) -> np.ndarray:
        """Live documents whose field has every word of the phrase (from the impacts' rows)."""
        found: np.ndarray | None = None
        for word in phrase.words:
            docnums = self.impacts.docnums(phrase.fieldname, word)  # type: ignore[union-attr]
            found = docnums if found is None else np.intersect1d(found, docnums, assume_unique=True)
        if found is None:
            return np.zeros(0, dtype=np.int64)
        return found[self._live[found]]

    def contains(self, q: query.Query, docnums: np.ndarray) -> np.ndarray:
        """Which of these documents (ascending docnums) match `q`: a phrase by its word positions, read for these
        documents only (Whoosh's phrase matcher reads them for every document that has all the words)."""
        docnums = np.asarray(docnums, dtype=np.int64)
        if isinstance(q, query.Phrase):
            return self._phrase_at(q, docnums)
        if isinstance(q, query.Or) and self._impact_matches(q) is None:
            found = np.zeros(len(docnums), dtype=bool)
            for sub in q.subqueries:
                found |= self.contains(sub, docnums)
            return found
        return np.isin(docnums, np.asarray(self.matching_docnums(q), dtype=np.int64))

    def _phrase_at(self, phrase: query.Phrase, docnums: np.ndarray) -> np.ndarray:
        """Whoosh's Phrase semantics (SpanNear2, slop 1, in order): word i at position p + i for some p."""
        found = np.zeros(len(docnums), dtype=bool)
        searcher = self.searcher()
        reader = searcher.reader()
        field = searcher.schema[phrase.fieldname]  # the index's `schema` property re-reads its TOC file
        words = [field.to_bytes(w) for w in phrase.words]
        if not words or any((phrase.fieldname, w) not in reader for w in words):
            return found
        matchers = [reader.postings(phrase.fieldname, w) for w in words]
        for i, docnum in enumerate(docnums.tolist()):  # ascending: each matcher only moves forward
            starts: set[int] = set()
            for offset, m in enumerate(matchers):
                if m.is_active() and m.id() < docnum:
                    m.skip_to(docnum)
                if not m.is_active() or m.id() != docnum:
                    starts = set()
                    break
                shifted = (p - offset for p in m.value_as("positions"))
                starts = set(shifted) if offset == 0 else starts.intersection(shifted)
                if not starts:  # the later words' positions need not be read
                    break
            found[i] = bool(starts)
        return found

    def _impact_matches(self, q: query.Query) -> tuple[np.ndarray, np.ndarray] | None:
        """Every document's score and the live matches (ascending docnums) from the impacts; None for a query
        they cannot answer (phrases, boolean operators) or an index without them."""
        scores = self.impacts.score(q) if self.impacts is not None else None
        if scores is None:
            return None
        return scores, np.flatnonzero((scores > 0) & self._live)

    def filter_docnums(self, entity_groups: Iterable[list[str]], date_from: dt.date | None,
                       date_to: dt.date | None) -> set[int]:
        """Documents that have at least one key of every group and a date in the range."""
        clauses: list[query.Query] = []
        for keys in entity_groups:
            clauses.append(query.Or([query.Term("entities", k) for k in keys]) if keys else query.NullQuery)
        if date_from or date_to:
            start = dt.datetime.combine(date_from, dt.time.min) if date_from else None
            end = dt.datetime.combine(date_to, dt.time.max) if date_to else None
            clauses.append(query.DateRange("date", start, end))
        if any(c is query.NullQuery for c in clauses):
            return set()
        return set(self.searcher().docs_for_query(query.And(clauses)))

    def date(self, docnum: int) -> dt.date | None:
        """The release date from the date column, without reading stored fields."""
        if self._dates is None:
            self._dates = read_column(self.searcher().reader(), "date", translate=False)
        raw = self._dates[docnum]
        if raw == _NO_DATE:
            return None
        return long_to_datetime(raw).date()

    def stored(self, docnum: int) -> dict:
        return self.searcher().stored_fields(docnum)

    def body_terms(self, q: query.Query) -> frozenset[str]:
        """The analysed query terms that match body text (for highlighting)."""
        return frozenset(text for fname, text in q.iter_all_terms() if fname in TEXT_FIELDS)

    def close(self) -> None:
        with self._lock:
            for s in self._all:
                s.close()
            self._all.clear()
