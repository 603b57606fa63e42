"""The words of one index version as people type them, with document frequencies: what spelling corrections and
type-ahead completions are drawn from.

The keyword lexicon (`content`) holds Porter stems ("acquisit"), which are no words to suggest, so the surface words
are read once from the stored titles and bodies (about 0.4 ms per release; built on first use, never at open). The
names of the catalog's entities are words of the vocabulary too, with their release counts, spelt as the catalog
spells them ("Qingdao").
"""
from __future__ import annotations

import bisect
import heapq
import re
import threading
from collections import Counter
from typing import Callable, Iterable, Iterator

from indexer.store.catalog import Catalog

WORD = re.compile(r"[^\W\d_]+")  # letters only: numbers and codes are never corrected or completed
MIN_CHARS = 3
# Characters of a body read per release: the words of a release's head are the ones people search for, and this bounds
# the cost of a very long release (the longest real one has 55,719 characters).
BODY_CHARS = 20_000


def words(text: str) -> Iterator[str]:
    """The lower-cased words of `text` of at least MIN_CHARS letters."""
    return (w for w in WORD.findall(text.lower()) if len(w) >= MIN_CHARS)


class Vocabulary:
    """Surface word -> number of releases using it, and how an entity name spells the word (its display form)."""

    def __init__(self, documents: Callable[[], Iterable[tuple[str, str]]], catalog: Catalog) -> None:
        """`documents`: a function giving every live release's (title, body), called once on first use."""
        self._documents = documents
        self._catalog = catalog
        self._lock = threading.Lock()
        self._built = False
        self.df: dict[str, int] = {}
        self.display: dict[str, str] = {}  # word -> its spelling in an entity name ("qingdao" -> "Qingdao")
        self.names: set[str] = set()  # the words of entity names
        self._sorted: list[str] = []

    def ensure(self) -> "Vocabulary":
        """Build on first use (thread-safe); cheap afterwards."""
        if not self._built:
            with self._lock:
                if not self._built:
                    self._build()
                    self._built = True
        return self

    def _build(self) -> None:
        df: Counter[str] = Counter()
        for title, body in self._documents():
            df.update(set(words(f"{title} {body[:BODY_CHARS]}")))
        for info in self._catalog.entities.values():
            for original in WORD.findall(info.name):
                word = original.lower()
                if len(word) < MIN_CHARS:
                    continue
                # A name's words are in its releases' text; count them at least that often.
                df[word] = max(df[word], info.releases)
                self.names.add(word)
                if original != word:
                    self.display.setdefault(word, original)
        self.df = dict(df)
        self._sorted = sorted(self.df)

    def spelled(self, word: str) -> str:
        """`word` as an entity name spells it ("BitGet"), else as given."""
        return self.display.get(word, word)

    def first_letters(self) -> set[str]:
        """The first characters of the vocabulary's words."""
        self.ensure()
        return {word[0] for word in self._sorted}

    def completions(self, prefix: str, limit: int) -> list[tuple[str, int]]:
        """Words starting with `prefix` (lower case), most releases first, then alphabetically."""
        self.ensure()
        start = bisect.bisect_left(self._sorted, prefix)
        end = bisect.bisect_left(self._sorted, prefix + "\U0010ffff")
        return heapq.nsmallest(limit, ((w, self.df[w]) for w in self._sorted[start:end] if w != prefix),
                               key=lambda pair: (-pair[1], pair[0]))
