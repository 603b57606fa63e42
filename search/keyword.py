"""The keyword retriever: Whoosh BM25F over title + body (one field) and the title.

Whoosh numbers its documents by segment (docnums); the rest of the search layer speaks release ordinals (the order of
the version's passage map). The translation happens here and nowhere else: every public method takes and returns
ordinals, and docnums stay inside this module.
"""
from __future__ import annotations

import re
import threading
from pathlib import Path
from typing import Sequence

import numpy as np

from whoosh import qparser, query, scoring
from whoosh.index import Index
from whoosh.searching import Searcher
from whoosh.util.times import long_to_datetime

from indexer.store.impacts import TermImpacts
from indexer.store.keyword_index import LEGACY_FIELDS, SEARCH_FIELDS, read_column, scored_fields
from search.minimum_match import MIN_SHARE, minimum_match, word_documents
from search.runs import Run, ordinal_array

# Query-time weight of the title field on top of `content` (which already holds the title); chosen on SciFact train.
TITLE_WEIGHT = 0.25
TEXT_FIELDS = frozenset({"content", "body"})  # fields whose query terms are highlighted in the body
_NO_DATE = 2**64 - 1  # what Whoosh's DATETIME column holds for a document without a date
_STARRED_WORD = re.compile(r"[^\s\"()]*\*[^\s\"()]*")


_STRUCTURE = re.compile(r'["()]|\b(?:AND|OR|NOT|ANDNOT|ANDMAYBE)\b')  # phrases, groups, operators


def fold_repeats(text: str) -> str:
    """A plain query (no phrase, group or operator) with each word kept once, first occurrence first: parsing costs
    per word, and "company" typed 120 times asks for what "company" asks for. (BM25F then weighs a repeated word
    once, as any search box does.) A structured query is left as it is: there a repeat can change the meaning."""
    if _STRUCTURE.search(text):
        return text
    kept: dict[str, str] = {}
    for word in text.split():
        kept.setdefault(word.casefold(), word)
    return " ".join(kept.values())


def wildcard_warning(q: str) -> str | None:
    """A warning for words like `po*`: wildcards are off (make_parser), so `*` is a character of the word and such a
    word rarely matches; a lone `*` is no word at all and gets the no-searchable-words warning instead."""
    starred = [w for w in _STARRED_WORD.findall(q) if w.strip("*")]
    if not starred:
        return None
    return (f"wildcards are not supported: {', '.join(repr(w) for w in dict.fromkeys(starred[:3]))} "
            "searched as written, '*' included; type whole words")


def make_parser(ix: Index) -> qparser.QueryParser:
    """Natural-language queries: OR of terms ranked by BM25F, "quoted phrases", AND / OR / NOT and parentheses.

    Field prefixes, wildcards and ranges are off: users type company names with colons and asterisks, and a lone
    `*` would otherwise match every document (docs/architecture.md, "Library facts"). There is no +/- syntax on purpose: Whoosh's plugin for it
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

    def __init__(self, ix: Index, release_ids: Sequence[str], impacts_path: Path | None = None,
                 min_share: float = MIN_SHARE) -> None:
        """`release_ids`: the version's releases in ordinal order; the index must hold exactly these (else
        ValueError). `min_share`: the minimum match of queries of plain words (search/minimum_match.py)."""
        self._ix = ix
        self.min_share = min_share
        self._parser = make_parser(ix)
        self.fields = scored_fields(ix)  # what queries are scored on
        # How body text is analysed for highlighting: as the field that ranks it.
        self.text_analyzer = ix.schema["content" if "content" in ix.schema else "body"].analyzer
        self._local = threading.local()
        self._all: list[Searcher] = []
        self._lock = threading.Lock()
        self._dates = None
        self.ids_by_docnum: list[str | None] = self._read_ids()
        self._live = np.array([rid is not None for rid in self.ids_by_docnum], dtype=bool)  # not deleted
        ordinal_of = {rid: i for i, rid in enumerate(release_ids)}
        live_ids = [rid for rid in self.ids_by_docnum if rid is not None]
        if len(live_ids) != len(ordinal_of) or set(live_ids) != set(ordinal_of):
            raise ValueError("the keyword index does not hold the version's releases")
        # docnum -> ordinal (-1 for a deleted document) and back: the one bridge between the two numberings.
        self.ordinal_by_docnum = np.array([ordinal_of[r] if r is not None else -1 for r in self.ids_by_docnum],
                                          dtype=np.int64)
        self._docnum_by_ordinal = np.zeros(len(ordinal_of), dtype=np.int64)
        self._docnum_by_ordinal[self.ordinal_by_docnum[self._live]] = np.flatnonzero(self._live)
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
        """The query; a query of plain words carries the minimum-match share its matches need (`min_share`, read
        by the impacts path): typed operators, groups and phrases are Whoosh's to evaluate as written."""
        parsed = self._parser.parse(fold_repeats(text))
        if isinstance(parsed, query.Or) and not _STRUCTURE.search(text):
            parsed.min_share = self.min_share
        return parsed

    def ranked(self, q: query.Query, allowed: np.ndarray | None, named: np.ndarray | None = None) -> Run:
        """Every matching release, best first (ties: lower docnum first); `allowed` holds the release ordinals that
        pass the filters (None: no filter). `named`: releases (ordinals) that name an entity the query names; they
        match on any of the query's words, the minimum match waived (the name is the request, the other words only
        rank)."""
        keep = None if named is None or not len(named) else self._docnums(named)
        docnums, scores = self._ranked_docnums(q, None if allowed is None else self._docnums(allowed), keep)
        return Run(self.ordinal_by_docnum[docnums], scores)

    def _docnums(self, ordinals: np.ndarray) -> np.ndarray:
        return np.sort(self._docnum_by_ordinal[np.asarray(ordinals, dtype=np.int64)])

    def _ordinals(self, docnums: np.ndarray) -> np.ndarray:
        """Sorted release ordinals of these (live) documents."""
        return ordinal_array(self.ordinal_by_docnum[np.asarray(docnums, dtype=np.int64)])

    def _ranked_docnums(self, q: query.Query, allowed: np.ndarray | None,
                        keep: np.ndarray | None = None) -> tuple[np.ndarray, np.ndarray]:
        if allowed is not None and not len(allowed):
            return np.zeros(0, dtype=np.int64), np.zeros(0, dtype=np.float64)
        scored = self._impact_matches(q, keep)
        if scored is None:  # phrases, +required, -excluded: Whoosh evaluates them itself
            results = self.searcher().search(q, limit=None, filter=None if allowed is None else set(allowed.tolist()))
            return (np.fromiter((hit.docnum for hit in results), dtype=np.int64, count=len(results)),
                    np.fromiter((hit.score for hit in results), dtype=np.float64, count=len(results)))
        scores, matched = scored
        if allowed is not None:
            matched = np.intersect1d(matched, allowed, assume_unique=True)
        order = matched[np.lexsort((matched, -scores[matched]))]
        return order, scores[order].astype(np.float64)

    def _matching_docnums(self, q: query.Query) -> list[int]:
        """Every live document matching `q`, unscored (a one-word phrase parses to an OR of terms, whose matches the
        impacts give at once; a real phrase needs Whoosh's positions)."""
        scored = self._impact_matches(q)
        if scored is not None:
            return scored[1].tolist()
        return [d for d in self.searcher().docs_for_query(q) if self._live[d]]

    def phrase_candidates(self, q: query.Query) -> tuple[np.ndarray, np.ndarray]:
        """(sure, maybe): releases that match `q` and ones that may (they have every word of a phrase; only
        positions can tell), as sorted ordinals. `contains` settles the maybes."""
        sure, maybe = self._phrase_candidates(q)
        return self._ordinals(sure), self._ordinals(maybe)

    def _phrase_candidates(self, q: query.Query) -> tuple[np.ndarray, np.ndarray]:
        scored = self._impact_matches(q)
        if scored is not None:
            return scored[1], np.zeros(0, dtype=np.int64)
        if isinstance(q, query.Phrase) and self.impacts is not None:
            return np.zeros(0, dtype=np.int64), self._with_every_word(q)
        if isinstance(q, query.Or):
            parts = [self._phrase_candidates(sub) for sub in q.subqueries]
            sure = np.unique(np.concatenate([p[0] for p in parts] + [np.zeros(0, dtype=np.int64)]))
            maybe = np.unique(np.concatenate([p[1] for p in parts] + [np.zeros(0, dtype=np.int64)]))
            return sure, np.setdiff1d(maybe, sure, assume_unique=True)
        return np.asarray(self._matching_docnums(q), dtype=np.int64), np.zeros(0, dtype=np.int64)

    def _with_every_word(self, phrase: query.Phrase) -> np.ndarray:
        """Live documents whose field has every word of the phrase (from the impacts' rows)."""
        found: np.ndarray | None = None
        for word in phrase.words:
            docnums = self.impacts.docnums(phrase.fieldname, word)  # type: ignore[union-attr]
            found = docnums if found is None else np.intersect1d(found, docnums, assume_unique=True)
        if found is None:
            return np.zeros(0, dtype=np.int64)
        return found[self._live[found]]

    def contains(self, q: query.Query, ordinals: np.ndarray) -> np.ndarray:
        """Which of these releases match `q` (a bool per ordinal, in the order given)."""
        docnums = self._docnum_by_ordinal[np.asarray(ordinals, dtype=np.int64)]
        order = np.argsort(docnums)
        found = np.zeros(len(docnums), dtype=bool)
        found[order] = self._contains(q, docnums[order])
        return found

    def _contains(self, q: query.Query, docnums: np.ndarray) -> np.ndarray:
        """Which of these documents (ascending docnums) match `q`: a phrase by its word positions, read for these
        documents only (Whoosh's phrase matcher reads them for every document that has all the words)."""
        docnums = np.asarray(docnums, dtype=np.int64)
        if isinstance(q, query.Phrase):
            return self._phrase_at(q, docnums)
        if isinstance(q, query.Or) and self._impact_matches(q) is None:
            found = np.zeros(len(docnums), dtype=bool)
            for sub in q.subqueries:
                found |= self._contains(sub, docnums)
            return found
        return np.isin(docnums, np.asarray(self._matching_docnums(q), dtype=np.int64))

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

    def _impact_matches(self, q: query.Query,
                        keep: np.ndarray | None = None) -> tuple[np.ndarray, np.ndarray] | None:
        """Every document's score and the live matches (ascending docnums) from the impacts; None for a query
        they cannot answer (phrases, boolean operators) or an index without them. A match of a query of plain words
        holds enough of its words, weighed by rarity (search/minimum_match.py), unless its docnum is in `keep`."""
        scores = self.impacts.score(q) if self.impacts is not None else None
        if scores is None:
            return None
        matched = (scores > 0) & self._live
        share = getattr(q, "min_share", 0.0)
        enough = minimum_match(word_documents(q.iter_all_terms(), self.impacts.docnums),  # type: ignore[union-attr]
                               len(self.ids_by_docnum), share) if share > 0 else None
        if enough is not None:
            if keep is not None:
                enough[keep] = True
            matched &= enough
        return scores, np.flatnonzero(matched)

    def knows_a_word(self, q: query.Query) -> bool:
        """Does a live release have one of the query's words (in any searched field)?"""
        for fieldname, text in q.iter_all_terms():
            if self.impacts is not None:
                docnums = self.impacts.docnums(fieldname, text)
                if self._live[docnums].any():
                    return True
            elif self.searcher().reader().doc_frequency(fieldname, text):
                return True
        return False

    def days(self) -> np.ndarray:
        """Each release's date as a proleptic day number (0 = undated), by ordinal, from the date column (no
        stored fields read)."""
        raw = read_column(self.searcher().reader(), "date", translate=False)
        days = np.zeros(len(self._docnum_by_ordinal), dtype=np.int64)
        for ordinal, docnum in enumerate(self._docnum_by_ordinal.tolist()):
            if raw[docnum] != _NO_DATE:
                days[ordinal] = long_to_datetime(raw[docnum]).date().toordinal()
        return days

    def stored(self, ordinal: int) -> dict:
        """The stored fields of a release."""
        return self.searcher().stored_fields(int(self._docnum_by_ordinal[ordinal]))

    def body_terms(self, q: query.Query) -> frozenset[str]:
        """The analysed query terms that match body text (for highlighting)."""
        return frozenset(text for fname, text in q.iter_all_terms() if fname in TEXT_FIELDS)

    def close(self) -> None:
        with self._lock:
            for s in self._all:
                s.close()
            self._all.clear()
