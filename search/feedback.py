"""Pseudo-relevance feedback in vector space: a short hybrid query's vector moves toward its best keyword matches.

MiniLM reads "launch of an artificial intelligence platform" as the topic "AI" and ranks essays about AI above the
releases that announce a platform; BM25's best matches for the same words are such announcements. Adding the
centroid of their passages (each release's passage most like the query) to the query vector makes the semantic side
look for more releases like those, which it finds by meaning where the words differ (README "Relevance": in-domain
train nDCG@10 of hybrid +0.02). Longer queries get less of it, down to none at LONG_QUERY_WORDS (search/fusion.py):
on SciFact's claims it did not help.

Only the ranking uses the moved vector: which releases are semantic candidates is still decided by the query's own
vector (search/match_set.py), so feedback never changes `total` or a facet count.
"""
from __future__ import annotations

import numpy as np
from whoosh import query as wq

from search.fusion import query_length_share
from search.semantic import SemanticRetriever

FEEDBACK_RELEASES = 5  # the best keyword matches whose passages the vector moves toward
FEEDBACK_WEIGHT = 1.0  # of the (unit) centroid, added to the (unit) query vector, for a short query


def searched_words(q: wq.Query | None, field: str = "content") -> int | None:
    """How many distinct terms the parsed query searches in `field` (None without a query)."""
    if q is None or q is wq.NullQuery:
        return None
    return len({text for name, text in q.iter_all_terms() if name == field})


def feedback_weight(words: int | None) -> float:
    """FEEDBACK_WEIGHT for a short query, falling linearly to 0 for a long one; 0 when the words are unknown."""
    return 0.0 if words is None else FEEDBACK_WEIGHT * (1.0 - query_length_share(words))


def moved_vector(vector: np.ndarray, semantic: SemanticRetriever, seeds: np.ndarray, weight: float) -> np.ndarray:
    """The unit vector of `vector` + weight * the centroid of each seed release's passage most similar to `vector`
    (the first FEEDBACK_RELEASES seeds with passages); `vector` itself when there is nothing to move toward."""
    vector = np.asarray(vector, dtype=np.float32)
    if weight <= 0:
        return vector
    best = []
    for ordinal in np.asarray(seeds, dtype=np.int64)[:FEEDBACK_RELEASES]:
        passages = semantic.release_vectors(int(ordinal))
        if len(passages):
            best.append(passages[int(np.argmax(passages @ vector))])
    if not best:
        return vector
    moved = vector + weight * np.mean(best, axis=0)
    norm = float(np.linalg.norm(moved))
    return (moved / norm).astype(np.float32) if norm > 0 else vector
