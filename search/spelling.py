"""Did-you-mean: a correction of a query's unknown or rare words from the index's own vocabulary (symspellpy).

A word is left alone when the keyword index knows it well (its stem is in more than RARE_RELEASES releases), when it
is short, holds a digit or any character other than a letter, is an operator, or stands inside a quoted phrase. An
unknown word becomes the closest vocabulary word (1 edit for words of up to 5 letters, else up to 2); a rare word of
the corpus (MIN_RARE_LETTERS or more) only a word 1 edit away used RARE_RATIO times as often, so that a real but
uncommon word is not "corrected" into a common one. Among the closest: an entity name's word first, then the word in
the most releases. Entity names are part of the vocabulary, spelt as the catalog spells them ("Qingdoa" ->
"Qingdao"). The dictionary is built once per index version, on the first query that needs it.
"""
from __future__ import annotations

import re
import threading
from typing import Callable

from symspellpy import SymSpell, Verbosity

from indexer.store.catalog import Catalog
from search.keyword import KeywordRetriever
from search.vocabulary import WORD, Vocabulary

RARE_RELEASES = 2  # a word in at most this many releases may be a typo (a typo repeated in a release or two)
RARE_RATIO = 20  # ... and is corrected only into a word in at least 20 times as many releases
MIN_LETTERS = 4  # shorter words have too many neighbours at distance 1 to guess from
MIN_RARE_LETTERS = 6  # a rare word that is a word ("port") is only corrected when long enough to be a clear typo
MIN_RELEASES = 1  # dictionary words: in at least this many releases, or in an entity name (1: all; a rarer
# cut lost "Qingdao", in one release of the 300-release sample)
MAX_DISTANCE = 2
_TOKEN = re.compile(r'"[^"]*"?|[^\s"()]+')  # a quoted phrase (closed or not) or a bare word
_OPERATORS = frozenset({"AND", "OR", "NOT", "ANDNOT", "ANDMAYBE"})


class SpellingCorrector:
    """Suggests a corrected query, or None. `known_releases(word)` is how many releases the keyword index finds the
    word in (by its stem), so that inflected forms of known words count as known."""

    def __init__(self, vocabulary: Vocabulary, known_releases: Callable[[str], int]) -> None:
        self.vocabulary = vocabulary
        self._known_releases = known_releases
        self._lock = threading.Lock()
        self._symspell: SymSpell | None = None

    def _dictionary(self) -> SymSpell:
        if self._symspell is None:
            with self._lock:
                if self._symspell is None:
                    vocabulary = self.vocabulary.ensure()
                    symspell = SymSpell(max_dictionary_edit_distance=MAX_DISTANCE)
                    for word, releases in vocabulary.df.items():
                        # A word of one release is as likely a typo as a word; names are kept whatever their count.
                        if releases >= MIN_RELEASES or word in vocabulary.names:
                            symspell.create_dictionary_entry(word, releases)
                    self._symspell = symspell
        return self._symspell

    @classmethod
    def of(cls, keyword: KeywordRetriever, catalog: Catalog) -> "SpellingCorrector":
        """The corrector of the version `keyword` searches; nothing is read until a query needs it."""
        return cls(index_vocabulary(keyword, catalog), keyword_releases(keyword))

    def warm(self) -> None:
        """Build the dictionary now (the server does at start, so that no user's query waits for it)."""
        self._dictionary()

    def suggest(self, q: str) -> str | None:
        """The query with its unknown or rare words corrected, or None when nothing needs (or can get) a correction."""
        if not q:
            return None
        pieces, changed, last = [], False, 0
        for match in _TOKEN.finditer(q):
            token = match.group()
            replacement = None if token.startswith('"') else self._correct(token)
            pieces.append(q[last:match.start()])
            pieces.append(replacement or token)
            changed |= replacement is not None
            last = match.end()
        pieces.append(q[last:])
        return "".join(pieces) if changed else None

    def _correct(self, token: str) -> str | None:
        if len(token) < MIN_LETTERS or token in _OPERATORS or not WORD.fullmatch(token):
            return None
        releases = self._known_releases(token)
        if releases > RARE_RELEASES or (releases and len(token) < MIN_RARE_LETTERS):
            return None
        word = token.lower()
        # A word of the corpus (rare) gets one edit at most: at two, real words ("trillion", "dinner") become others.
        distance = 1 if len(word) <= 5 or releases else MAX_DISTANCE
        # Verbosity.ALL, not CLOSEST: a rare typo is itself in the vocabulary (distance 0), and CLOSEST would stop there.
        candidates = [c for c in self._dictionary().lookup(word, Verbosity.ALL, max_edit_distance=distance)
                      if c.term != word and c.count >= max(1, releases * RARE_RATIO)]
        if not candidates:
            return None
        # The closest; among those an entity name's word first (analysts search for companies and places), then the
        # word in the most releases.
        best = min(candidates, key=lambda c: (c.distance, c.term not in self.vocabulary.names, -c.count, c.term))
        return _cased(token, best.term, self.vocabulary)


def index_vocabulary(keyword: KeywordRetriever, catalog: Catalog) -> Vocabulary:
    """The vocabulary of the version `keyword` searches (its stored titles and bodies) and of its catalog."""
    def documents():
        for stored in keyword.searcher().all_stored_fields():  # live documents only
            yield stored.get("title") or "", stored.get("body") or ""
    return Vocabulary(documents, catalog)


def keyword_releases(keyword: KeywordRetriever) -> Callable[[str], int]:
    """How many releases the keyword index finds a word in (the releases of its stem; a stop word, which is never
    searched, and an index without impacts read as known)."""
    analyzer = keyword.text_analyzer
    impacts = keyword.impacts

    def releases(word: str) -> int:
        stems = [t.text for t in analyzer(word)]
        if not stems or impacts is None:
            return RARE_RELEASES + 1
        # `body` is the text field of indexes written before `content` existed.
        return min(max(len(impacts.docnums(field, s)) for field in ("content", "body")) for s in stems)
    return releases


def _cased(typed: str, word: str, vocabulary: Vocabulary) -> str:
    """`word` in the case the user typed: lower case as typed; capitalised as an entity name spells it ("BitGet")."""
    if typed.isupper() and len(typed) > 1:
        return word.upper()
    if typed[0].isupper():
        spelled = vocabulary.spelled(word)
        return spelled if spelled != word else word[0].upper() + word[1:]
    return word
