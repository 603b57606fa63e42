"""Type-ahead for the search box (/api/suggest): entity names by prefix and completions of the word being typed.

Entity names match where the typed text starts the name or one of its words ("port" finds "Qingdao Port"), most
releases first. A completion finishes the last word of the query with a word of the index's vocabulary, most
releases first (search/vocabulary.py; stop words are never offered). Both are answered from sorted lists with a
binary search, built once per index version on first use.
"""
from __future__ import annotations

import bisect
import heapq
import re
import threading
from dataclasses import dataclass
from typing import Any, Mapping, Sequence

from whoosh.analysis import STOP_WORDS

from indexer.store.catalog import Catalog
from indexer.store.records import EntityInfo, entity_key
from search.request import MAX_NAME_CHARS, RequestError, refuse_unknown
from search.views import EntitySummary
from search.vocabulary import Vocabulary

SUGGEST_LIMIT = 8  # suggestions of each kind unless the request asks for another number
MAX_SUGGEST_LIMIT = 20
SUGGEST_PARAMETERS: dict[str, str] = {
    "q": f"what has been typed so far (at most {MAX_NAME_CHARS} characters); empty: no suggestions",
    "limit": f"suggestions of each kind (entities, completions), 1 to {MAX_SUGGEST_LIMIT} (default {SUGGEST_LIMIT})",
}
_WHOLE_NUMBER = re.compile(r"-?[0-9]{1,12}")
_LAST_WORD = re.compile(r"([^\W\d_]+)$")  # the word being typed: letters at the very end (a space ends it)
_END = "\U0010ffff"


@dataclass(frozen=True)
class SuggestQuery:
    q: str = ""
    limit: int = SUGGEST_LIMIT


def parse_suggest_query(params: Mapping[str, Sequence[str]]) -> SuggestQuery:
    """Validate /api/suggest's parameters; raise RequestError naming the first bad one."""
    refuse_unknown(params, SUGGEST_PARAMETERS)
    for name, values in params.items():
        if len(values) > 1:
            raise RequestError(f"'{name}' was given {len(values)} times; send it once ({SUGGEST_PARAMETERS[name]})")
    q = (params.get("q") or [""])[0]
    if len(q) > MAX_NAME_CHARS:
        raise RequestError(f"'q' is at most {MAX_NAME_CHARS} characters")
    raw = (params.get("limit") or [""])[0]
    if raw and not _WHOLE_NUMBER.fullmatch(raw):
        raise RequestError(f"'limit' must be a whole number from 1 to {MAX_SUGGEST_LIMIT} (got {raw[:40]!r})")
    limit = int(raw) if raw else SUGGEST_LIMIT
    if not 1 <= limit <= MAX_SUGGEST_LIMIT:
        raise RequestError(f"'limit' must be from 1 to {MAX_SUGGEST_LIMIT} (got {limit})")
    # Whitespace folded, but a trailing space is kept: it says the last word is finished.
    folded = " ".join(q.split())
    return SuggestQuery(folded + " " * (bool(folded) and q[-1:].isspace()), limit)


@dataclass(frozen=True)
class Completion:
    text: str  # the whole query with its last word completed
    releases: int  # releases that use the completed word

    def to_json(self) -> dict[str, Any]:
        return {"text": self.text, "releases": self.releases}


@dataclass(frozen=True)
class Suggestions:
    q: str
    entities: list[EntitySummary]
    completions: list[Completion]

    def to_json(self) -> dict[str, Any]:
        return {"q": self.q, "entities": [e.to_json() for e in self.entities],
                "completions": [c.to_json() for c in self.completions]}


class Suggester:
    def __init__(self, catalog: Catalog, vocabulary: Vocabulary) -> None:
        self._catalog = catalog
        self._vocabulary = vocabulary
        self._lock = threading.Lock()
        self._starts: list[str] | None = None  # sorted: every word-start of every entity key ("qingdao port", "port")
        self._entity_at: list[EntityInfo] = []
        # One typed letter matches a twentieth of every list (113k entities, 138k words on the full corpus: ~40 ms
        # to rank); its answers are ranked once, for the largest limit, when the lists are built.
        self._one_letter: dict[str, list[EntitySummary]] = {}
        self._one_letter_words: dict[str, list[tuple[str, int]]] = {}

    def warm(self) -> None:
        """Build the lists now rather than on the first request."""
        self._entity_index()

    def _entity_index(self) -> list[str]:
        if self._starts is None:
            with self._lock:
                if self._starts is None:
                    rows = []
                    for info in self._catalog.entities.values():
                        key = info.key
                        rows += [(key[m.start():], info) for m in re.finditer(r"(?<!\S)\S", key)]
                    rows.sort(key=lambda row: row[0])
                    self._entity_at = [info for _, info in rows]
                    starts = [start for start, _ in rows]
                    for letter in {start[0] for start in starts}:
                        self._one_letter[letter] = self._ranked(starts, letter, MAX_SUGGEST_LIMIT)
                    for letter in self._vocabulary.first_letters():
                        self._one_letter_words[letter] = self._ranked_words(letter, MAX_SUGGEST_LIMIT)
                    self._starts = starts
        return self._starts

    def entities(self, q: str, limit: int) -> list[EntitySummary]:
        """Entities whose name, or a word of it, starts with `q`: most releases first, then by name."""
        needle = entity_key(q)
        if not needle:
            return []
        starts = self._entity_index()
        if len(needle) == 1:
            return self._one_letter.get(needle, [])[:limit]
        return self._ranked(starts, needle, limit)

    def _ranked(self, starts: list[str], needle: str, limit: int) -> list[EntitySummary]:
        lo, hi = bisect.bisect_left(starts, needle), bisect.bisect_left(starts, needle + _END)
        found = {id(info): info for info in self._entity_at[lo:hi]}.values()  # a name matched twice counts once
        best = heapq.nsmallest(limit, found, key=lambda e: (-e.releases, not e.key.startswith(needle),
                                                            e.name.casefold(), e.type))
        return [EntitySummary(e.name, e.type, e.releases) for e in best]

    def completions(self, q: str, limit: int) -> list[Completion]:
        """The query with its last (unfinished) word completed by the vocabulary's words, most releases first."""
        match = _LAST_WORD.search(q)
        if match is None:
            return []
        head, prefix = q[:match.start()], match.group(1)
        if len(prefix) == 1:
            self._entity_index()
            words = self._one_letter_words.get(prefix.lower(), [])[:limit]
        else:
            words = self._ranked_words(prefix.lower(), limit)
        return [Completion(head + _completed(prefix, w), n) for w, n in words]

    def _ranked_words(self, prefix: str, limit: int) -> list[tuple[str, int]]:
        return [(w, n) for w, n in self._vocabulary.completions(prefix, limit + len(STOP_WORDS))
                if w not in STOP_WORDS][:limit]

    def suggest(self, query: SuggestQuery) -> Suggestions:
        if not query.q.strip():
            return Suggestions(query.q, [], [])
        return Suggestions(query.q, self.entities(query.q, query.limit), self.completions(query.q, query.limit))


def _completed(typed: str, word: str) -> str:
    """The word as typed so far (its capitals kept) and the rest of it."""
    return typed + word[len(typed):] if len(typed.lower()) == len(typed) else word
