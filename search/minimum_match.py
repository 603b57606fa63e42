"""Minimum match for queries of plain words: which releases count as keyword matches, weighing each word by its rarity.

An OR of words ranks well but matches too much: "acquisition of a software company" matched 67% of the corpus on
"company" alone. A release here counts as a match when the idf (Whoosh's, log(N / (df + 1)) + 1) of the query words it
contains adds up to at least MIN_SHARE of the idf of the query's rarest word: the rarest word alone always carries a
match, commoner words only together, and one common word never does when the query has a rarer one. A query of one
word needs that word. Ranking is untouched: matches keep their BM25F score. Measured against a share of the query's
total idf, which cost SciFact's long claims recall (README "Match set").
"""
from __future__ import annotations

from typing import Callable, Iterable

import numpy as np

MIN_SHARE = 0.8  # of the rarest query word's idf that a release's query words must add up to


def word_weights(doc_frequencies: Iterable[int], doc_count: int) -> np.ndarray:
    """Whoosh's idf of each word from its document frequency."""
    df = np.fromiter(doc_frequencies, dtype=np.float64)
    return np.log(max(doc_count, 1) / (df + 1.0)) + 1.0


def minimum_match(words: list[np.ndarray], doc_count: int, share: float = MIN_SHARE) -> np.ndarray | None:
    """A bool per document: are its query words worth `share` of the rarest one's idf? `words[i]` holds the documents
    (docnums) that contain query word i (in any field). None when every document with a word matches (one word, or
    a share of 0): the caller keeps its own match set."""
    # A word no document has (a typo, a name the corpus lacks) is left out of the total: it cannot be matched, and
    # counting it would let one typo empty the result list (the spelling suggestion points at it instead).
    words = [w for w in words if len(w)]
    if len(words) < 2 or share <= 0:
        return None
    weights = word_weights((len(w) for w in words), doc_count)
    covered = np.zeros(doc_count, dtype=np.float64)
    for docs, weight in zip(words, weights):
        covered[docs] += weight
    return covered >= share * weights.max() - 1e-9


def word_documents(terms: Iterable[tuple[str, str]], docnums: Callable[[str, str], np.ndarray]) -> list[np.ndarray]:
    """The documents of each query word: terms grouped by their analysed text (a word searched in several fields is
    one word), the documents of its fields united."""
    by_text: dict[str, list[np.ndarray]] = {}
    for field, text in terms:
        by_text.setdefault(text, []).append(docnums(field, text))
    return [np.unique(np.concatenate(parts)) if len(parts) > 1 else parts[0] for parts in by_text.values()]
