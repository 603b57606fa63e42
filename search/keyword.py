"""The keyword retriever: Whoosh BM25F over title + body (one field) and the title, with filters given as sets of
document numbers."""
from __future__ import annotations

import datetime as dt
import threading
from typing import Iterable

from whoosh import qparser, query, scoring
from whoosh.index import Index
from whoosh.searching import Searcher
from whoosh.util.times import long_to_datetime

SEARCH_FIELDS = ("content", "title")
# Query-time weight of the title field on top of `content` (which already holds the title); chosen on SciFact train.
TITLE_WEIGHT = 0.25
LEGACY_FIELDS = ("title", "body")  # indexes written before the `content` field existed
TEXT_FIELDS = frozenset({"content", "body"})  # fields whose query terms are highlighted in the body
_NO_DATE = 2**64 - 1  # what Whoosh's DATETIME column holds for a document without a date


def make_parser(ix: Index) -> qparser.QueryParser:
    """Natural-language queries: OR of terms ranked by BM25F, "quoted phrases", + and - and parentheses.

    Field prefixes, wildcards and ranges are off: users type company names with colons and asterisks, and a lone
    `*` would otherwise match every document (FINDINGS.md).
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

    def __init__(self, ix: Index) -> None:
        self._ix = ix
        self._parser = make_parser(ix)
        self._local = threading.local()
        self._all: list[Searcher] = []
        self._lock = threading.Lock()
        self._dates = None
        self.ids_by_docnum: list[str] = self._read_ids()

    def searcher(self) -> Searcher:
        s = getattr(self._local, "searcher", None)
        if s is None:
            s = self._ix.searcher(weighting=scoring.BM25F())
            self._local.searcher = s
            with self._lock:
                self._all.append(s)
        return s

    def _read_ids(self) -> list[str]:
        # The id column (sortable) reads without touching the stored bodies.
        with self._ix.searcher() as s:
            column = s.reader().column_reader("id")
            return [column[docnum] for docnum in range(s.reader().doc_count_all())]

    def parse(self, text: str) -> query.Query:
        return self._parser.parse(text)

    def search(self, q: query.Query, allowed: set[int] | None) -> list[tuple[int, float]]:
        """Every matching document as (docnum, score), best first."""
        if allowed is not None and not allowed:
            return []
        results = self.searcher().search(q, limit=None, filter=allowed)
        return [(hit.docnum, float(hit.score)) for hit in results]

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
            self._dates = self.searcher().reader().column_reader("date", translate=False)
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
