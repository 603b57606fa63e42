"""Related releases ("more like this"): the releases closest to one release by its passage vectors, with a bonus for
the canonical entities they share, the release itself and copies of the same announcement left out.

The score of a candidate (README, "Related releases"):
- similarity: each of the release's passages (the first MAX_PASSAGES) scores every release by that release's best
  passage, the semantic retriever's own rule; the similarity is the mean over the release's passages, so a candidate
  must be close to the whole release, not to one shared paragraph (a company's "About" boilerplate);
- plus ENTITY_BONUS per canonical entity both releases name (rows of the facet matrix), at most MAX_ENTITY_BONUS, so
  entities reorder releases of similar text but never lift an unrelated one over a close one by much.
A release scoring 0 or less (no closer than unrelated text and no entity in common) is not listed.
Left out as the same announcement (several wires, "Correcting and replacing" versions): a similarity of at least
DUPLICATE_SIMILARITY (nearly every passage has a near-identical counterpart) with dates at most DUPLICATE_DAYS apart
(or either undated), or the same normalised title. The date window is there because MiniLM barely sees numbers and
dates: on 2,000 real releases, most pairs above 0.97 that were months apart were one company's template reused for
another quarter ("to Report Third Quarter 2024 Results" / "... Fourth Quarter ..."), different announcements; the
pairs days apart were one announcement sent again, updated or corrected.
"""
from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from typing import Any, Mapping, Sequence

import numpy as np

from indexer.store.catalog import Catalog
from indexer.store.duplicates import DUPLICATE_DAYS, title_key  # one rule for "a copy" (index-time groups too)
from indexer.store.records import ENTITY_TYPES
from search.facets import FacetCounter
from search.hit_builder import HitBuilder
from search.request import RequestError, refuse_unknown
from search.semantic import SemanticRetriever

RELATED_LIMIT = 10  # releases listed unless the request says
MAX_RELATED = 50
MAX_PASSAGES = 16  # passages of the release compared (one matrix-vector product each): bounds a request's work
ENTITY_BONUS = 0.05  # per shared canonical entity
MAX_ENTITY_BONUS = 0.2  # four shared entities
DUPLICATE_SIMILARITY = 0.97
RELATED_PARAMETERS: dict[str, str] = {"limit": f"related releases listed, 1 to {MAX_RELATED} (default {RELATED_LIMIT})"}

_WHOLE_NUMBER = re.compile(r"-?[0-9]{1,12}")  # as search.request reads whole numbers: ASCII digits, nothing around


@dataclass(frozen=True)
class RelatedRelease:
    id: str
    title: str
    date: dt.date | None
    issuer: str | None
    score: float  # similarity + entity bonus: the list's order
    similarity: float
    shared: dict[str, list[str]]  # type -> the canonical entities both releases name

    def to_json(self) -> dict[str, Any]:
        return {"id": self.id, "title": self.title, "date": self.date.isoformat() if self.date else None,
                "issuer": self.issuer, "score": round(self.score, 6), "similarity": round(self.similarity, 6),
                "shared": self.shared}


@dataclass(frozen=True)
class RelatedReleases:
    id: str
    related: list[RelatedRelease]  # best first
    # Left out as the same announcement: every release at or above DUPLICATE_SIMILARITY within DUPLICATE_DAYS, and
    # those of the same normalised title that ranked above the end of the list.
    duplicates: list[str]

    def to_json(self) -> dict[str, Any]:
        return {"id": self.id, "related": [r.to_json() for r in self.related], "duplicates": self.duplicates}


def parse_related_query(params: Mapping[str, Sequence[str]]) -> int:
    """The `limit` of a related-releases request; RequestError for anything else or a bad value."""
    refuse_unknown(params, RELATED_PARAMETERS)
    values = params.get("limit") or []
    if len(values) > 1:
        raise RequestError(f"'limit' was given {len(values)} times; send it once ({RELATED_PARAMETERS['limit']})")
    raw = values[0] if values else ""
    if raw and not _WHOLE_NUMBER.fullmatch(raw):
        raise RequestError(f"'limit' must be a whole number from 1 to {MAX_RELATED} (got {raw[:40]!r})")
    limit = int(raw) if raw else RELATED_LIMIT
    if not 1 <= limit <= MAX_RELATED:
        raise RequestError(f"'limit' must be from 1 to {MAX_RELATED} (got {limit})")
    return limit


def similarities(semantic: SemanticRetriever, ordinal: int, releases: int) -> np.ndarray:
    """Every release's similarity to release `ordinal`: the mean over its passages of each release's best-passage
    similarity (-inf for a release without passages; 0 everywhere if this one has none)."""
    vectors = semantic.release_vectors(ordinal)[:MAX_PASSAGES]
    if not len(vectors):
        return np.zeros(releases, dtype=np.float64)
    return np.mean([semantic.release_similarities(v) for v in vectors], axis=0, dtype=np.float64)


class RelatedFinder:
    """Related releases over one index version's vectors, facet matrix and stored fields."""

    def __init__(self, semantic: SemanticRetriever, facet_counter: FacetCounter, hit_builder: HitBuilder,
                 catalog: Catalog, release_ids: Sequence[str], days: np.ndarray) -> None:
        """`days[i]`: release i's date as a day number, 0 for undated (Engine.days)."""
        self._semantic, self._facets, self._builder = semantic, facet_counter, hit_builder
        self._catalog, self._ids, self._days = catalog, release_ids, days

    def related(self, ordinal: int, limit: int = RELATED_LIMIT) -> RelatedReleases:
        similarity = similarities(self._semantic, ordinal, len(self._ids))
        own_entities = self._facets.matrix[ordinal].indices
        score = similarity + np.minimum(ENTITY_BONUS * self._shared_counts(own_entities), MAX_ENTITY_BONUS)
        candidates = np.flatnonzero(np.isfinite(similarity))
        candidates = candidates[(candidates != ordinal) & (score[candidates] > 0)]
        is_near = (similarity[candidates] >= DUPLICATE_SIMILARITY) & self._same_time(ordinal, candidates)
        near, candidates = candidates[is_near], candidates[~is_near]
        order = candidates[np.lexsort((candidates, -score[candidates]))]  # ties: index order, for a stable list
        own_title = title_key(self._builder.release(ordinal).title)
        related: list[RelatedRelease] = []
        duplicates = [self._ids[o] for o in near[np.lexsort((near, -similarity[near]))].tolist()]
        for other in order.tolist():
            if len(related) == limit:
                break
            release = self._builder.release(other)
            if own_title and title_key(release.title) == own_title:
                duplicates.append(self._ids[other])
                continue
            related.append(RelatedRelease(self._ids[other], release.title, release.date, self._catalog.issuer_name(self._ids[other]),
                                          float(score[other]), float(similarity[other]),
                                          self._shared_names(set(own_entities.tolist()), other)))
        return RelatedReleases(self._ids[ordinal], related, duplicates)

    def _same_time(self, ordinal: int, others: np.ndarray) -> np.ndarray:
        """Whether each release is dated at most DUPLICATE_DAYS from this one (an undated one may be any time)."""
        day, days = int(self._days[ordinal]), self._days[others]
        return (day == 0) | (days == 0) | (np.abs(days - day) <= DUPLICATE_DAYS)

    def _shared_counts(self, columns: np.ndarray) -> np.ndarray:
        """How many of these entity columns each release names (each stored entry of the CSR matrix is one distinct
        entity of its row: duplicates are summed when the matrix is built)."""
        matrix = self._facets.matrix
        rows = np.repeat(np.arange(matrix.shape[0]), np.diff(matrix.indptr))
        return np.bincount(rows[np.isin(matrix.indices, columns)], minlength=matrix.shape[0]).astype(np.float64)

    def _shared_names(self, own: set[int], other: int) -> dict[str, list[str]]:
        """The entities both releases name, by type, in name order."""
        out: dict[str, list[str]] = {t: [] for t in ENTITY_TYPES}
        for col in sorted(own & set(self._facets.matrix[other].indices.tolist()),
                          key=lambda c: self._facets.names[c].casefold()):
            out[ENTITY_TYPES[self._facets.types[col]]].append(self._facets.names[col])
        return out
