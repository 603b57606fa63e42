"""One opened index version and the one search function: request in, SearchResult out.

`Engine.search` is a pipeline over one id space (release ordinals): filters -> keyword run + semantic run -> fusion ->
exact tiers -> facets over the whole ranked list -> the page's hits (and their explain records).
"""
from __future__ import annotations

import time
from pathlib import Path

import numpy as np
from whoosh import query as wq

from indexer.models.embeddings import Embedder
from indexer.models.query_encoder import QueryEncoder
from indexer.store import layout
from indexer.store.catalog import Catalog
from indexer.store.keyword_index import open_keyword_index
from indexer.store.layout import IndexMismatch
from indexer.store.manifest import Manifest, ManifestError
from indexer.store.records import EntityInfo, entity_key
from indexer.store.vectors import PassageMap, read_vector_index
from search.collapse import DuplicateGroups
from search.exact import ExactTerm, exact_terms, named_releases, tier_positions
from search.explain import explain_page
from search.facets import FacetCounter
from search.feedback import feedback_weight, moved_vector, searched_words
from search.filters import allowed_releases
from search.fusion import CONVEX_KEYWORD_DEPTH, FusionInputs, fuse
from search.hit_builder import HitBuilder
from search.hits import SearchResult
from search.keyword import KeywordRetriever, wildcard_warning
from search.match_set import DEFAULT_FLOOR, SemanticFloor, semantic_candidates, within
from search.minimum_match import MIN_SHARE
from search.profile import entity_profile
from search.query_vectors import QueryVectors
from search.related import RELATED_LIMIT, RelatedFinder, RelatedReleases
from search.request import SearchRequest
from search.runs import Run
from search.semantic import SemanticRetriever
from search.spelling import SpellingCorrector
from search.suggest import Suggester
from search.views import EntityProfile, EntitySummary, ReleaseView

__all__ = ["Engine", "IndexMismatch"]
NO_KEYWORD_WORDS = "the query has no searchable words for keyword search (only stop words?)"
FUSION_IGNORED = "'fusion' and 'alpha' apply to mode=hybrid only; they were ignored"


class Engine:
    """Everything a query needs from one immutable index version, opened once and shared by requests."""

    def __init__(self, version_dir: Path, *, embedder: Embedder | None = None,
                 query_encoder: QueryEncoder | None = None, floor: SemanticFloor = DEFAULT_FLOOR,
                 min_share: float = MIN_SHARE) -> None:
        """`floor`: which releases are semantic candidates (search/match_set.py); `min_share`: the keyword minimum
        match (search/minimum_match.py; 0: any word)."""
        self.version_dir = version_dir
        self.floor = floor
        try:
            self.manifest = Manifest.load(version_dir)
        except ManifestError as exc:
            raise IndexMismatch(str(exc)) from None
        self.query_vectors = QueryVectors(self.manifest.embedding_model, embedder=embedder,
                                          query_encoder=query_encoder)
        self.catalog = Catalog.load(version_dir / layout.CATALOG)
        passages = PassageMap.load(version_dir / layout.PASSAGES)
        self.release_ids: list[str] = [str(r) for r in passages.release_ids]
        self.ordinal_of = {rid: i for i, rid in enumerate(self.release_ids)}
        try:
            self.keyword = KeywordRetriever(open_keyword_index(version_dir / layout.KEYWORD_DIR), self.release_ids,
                                            impacts_path=version_dir / layout.IMPACTS, min_share=min_share)
        except ValueError:
            raise IndexMismatch(f"keyword index and vector index disagree on release ids in {version_dir}") from None
        if set(self.ordinal_of) != set(self.catalog.releases):
            raise IndexMismatch(f"keyword index, vector index and catalog disagree on release ids in {version_dir}")
        self.semantic = SemanticRetriever(read_vector_index(version_dir / layout.VECTORS), passages)
        self.days = self.keyword.days()  # each release's date as a day number (0 = undated), by ordinal
        self.facet_counter = FacetCounter(self.catalog, self.release_ids, self.days)
        self.hit_builder = HitBuilder(self.keyword, passages, self.catalog, self.release_ids)
        self.duplicates = DuplicateGroups.load(version_dir, self.release_ids, self.days)  # copies of one announcement
        self.spelling = SpellingCorrector.of(self.keyword, self.catalog)  # "did you mean", built on first need
        self.suggester = Suggester(self.catalog, self.spelling.vocabulary)  # type-ahead, built on first use
        self.related_finder = RelatedFinder(self.semantic, self.facet_counter, self.hit_builder, self.catalog,
                                            self.release_ids, self.days)

    @classmethod
    def open(cls, index_dir: str | Path, *, embedder: Embedder | None = None,
             floor: SemanticFloor = DEFAULT_FLOOR, min_share: float = MIN_SHARE) -> "Engine":
        return cls(layout.current_version(Path(index_dir)), embedder=embedder, floor=floor, min_share=min_share)

    @property
    def size(self) -> int:
        return len(self.release_ids)

    @property
    def query_encoder(self) -> QueryEncoder:
        """The query encoder, loaded on first use (the server warms it up at start)."""
        return self.query_vectors.encoder

    def loaded_models(self) -> dict:
        """The models this engine has loaded, for the next version's engine to share."""
        return self.query_vectors.loaded_models()

    # -- search -------------------------------------------------------------------------------------------------

    def search(self, request: SearchRequest) -> SearchResult:
        started = time.perf_counter()
        ranked, query, keyword, semantic, fused, terms, matched = self._ranking(request,
                                                                               request.offset + request.limit)
        facets = self._facets(ranked, matched, request)
        page = ranked.take(slice(request.offset, request.offset + request.limit))
        hits = self.hit_builder.hits(page, query, keyword, semantic)
        self.duplicates.add_versions(hits, page.ordinals)
        if request.explain:
            for hit, explain in zip(hits, explain_page(page, keyword, semantic, fused, terms)):
                hit.explain = explain
        warnings = [NO_KEYWORD_WORDS] * (query is wq.NullQuery) + \
            [w for w in [wildcard_warning(request.q)] if w and query is not None] + \
            [FUSION_IGNORED] * (request.mode != "hybrid" and (request.fusion is not None or request.alpha is not None))
        scope = {"releases": len(ranked), "counted": "every release in the result list (total), not just this page",
                 "keyword_matches": len(keyword), "semantic_candidates": len(semantic),
                 "semantic_floor": {"absolute": self.floor.absolute, "relative": self.floor.relative,
                                    "cap": self.floor.cap}}
        suggestion = self.spelling.suggest(request.q)
        return SearchResult(request, len(ranked), hits, facets, scope, (time.perf_counter() - started) * 1000,
                            warnings, suggestion)

    def _facets(self, ranked: Run, matched: np.ndarray, request: SearchRequest) -> dict:
        """Facet counts over the whole result list; over a collapsed list, each duplicate group counts once for a
        value any of its matching releases (`matched`, before the collapse) has: what clicking the value returns
        (search/facets.py)."""
        if len(matched) == len(ranked):
            return self.facet_counter.count(ranked.ordinals, request, self.catalog)
        return self.facet_counter.count(matched, request, self.catalog, self.duplicates.groups[matched])

    def ranked(self, request: SearchRequest) -> Run:
        """The request's whole result list in its final order (SearchResult.total releases; exact tiers and date
        order settled for all of it), without facets or hits: what an export streams. Paging is not applied."""
        return self._ranking(request, None)[0]

    def _ranking(self, request: SearchRequest, depth: int | None) -> tuple[Run, wq.Query | None, Run, Run,
                                                                            FusionInputs | None, list[ExactTerm],
                                                                            np.ndarray]:
        """The ranked list (the first `depth` releases certain to be in their final places; None: all), with the
        query and runs it came from, for hits and explain, and the match set before duplicates were collapsed."""
        allowed = allowed_releases(request, self.catalog, self.facet_counter, self.days)
        query = self.keyword.parse(request.q) if request.q and request.mode != "semantic" else None
        terms = exact_terms(request.q, self.catalog, self.keyword, self.releases_of) \
            if request.exact and query is not None else []
        keyword = self.keyword.ranked(query, allowed, named_releases(terms)) if query is not None else Run.empty()
        semantic, similarity = self._semantic_run(request, allowed, query, keyword)
        ranked, fused = self._rank(request, allowed, keyword, semantic, similarity, searched_words(query))
        matched = ranked.ordinals
        ranked = self.duplicates.collapse(ranked) if request.collapse else ranked  # before tiers: they settle the page
        by_date = request.sort == "date" or not request.q  # an empty query lists releases newest first
        ranked = ranked.take(tier_positions(ranked.ordinals, terms, depth=depth,
                                            primary=self.days[ranked.ordinals] if by_date else None))
        return ranked, query, keyword, semantic, fused, terms, matched

    def _semantic_run(self, request: SearchRequest, allowed: np.ndarray | None, query: wq.Query | None,
                      keyword: Run) -> tuple[Run, np.ndarray | None]:
        """The semantic candidates that pass the filters, most similar first, and the similarity of every release
        the ranking may read (the candidates and the keyword matches fusion scores; -inf for others when the moved
        vector re-scores only those, or on an HNSW index). A query without a word the index knows has none: the
        model's similarity to such text is noise (README "Match set": random letters reach the similarity of real
        queries)."""
        if not request.q or request.mode == "keyword":
            return Run.empty(with_passages=True), None
        if not self.keyword.knows_a_word(query if query is not None else self.keyword.parse(request.q)):
            return Run.empty(with_passages=True), None
        vector = self.query_vectors.vector(request.q)
        # The releases fusion scores on both sides (an HNSW index computes only these and the graph's nearest).
        scored = keyword.ordinals[:CONVEX_KEYWORD_DEPTH]
        passage_sims = self.semantic.passage_similarities(vector, scored)
        similarity = self.semantic.release_similarities(vector, passage_sims)
        candidates = within(semantic_candidates(similarity, self.floor), allowed)
        # Hybrid at its tuned default ranks by a vector moved toward the best keyword matches (search/feedback.py); an
        # explicit alpha fuses the two plain runs (alpha=1 is exactly the semantic list).
        weight = feedback_weight(searched_words(query)) if request.mode == "hybrid" and request.alpha is None else 0.0
        if weight > 0 and len(keyword):
            # The moved vector only ranks: the candidates and the keyword matches fusion scores, nothing else.
            vector = moved_vector(vector, self.semantic, keyword.ordinals, weight)
            passage_sims = self.semantic.passage_similarities_of(vector, np.concatenate([candidates, scored]))
            similarity = self.semantic.release_similarities(vector, passage_sims)
        return self.semantic.run(candidates, similarity, passage_sims), similarity

    def _rank(self, request: SearchRequest, allowed: np.ndarray | None, keyword: Run, semantic: Run,
              similarity: np.ndarray | None, words: int | None = None) -> tuple[Run, FusionInputs | None]:
        """The ranked list the mode asks for (an empty query: every allowed release, to be sorted by date)."""
        if not request.q:
            ordinals = allowed if allowed is not None else np.arange(self.size, dtype=np.int64)
            return Run(np.asarray(ordinals, dtype=np.int64), np.zeros(len(ordinals))), None
        if request.mode == "keyword":
            return keyword, None
        if request.mode == "semantic":
            return semantic, None
        return fuse(request.fusion, request.alpha, keyword, semantic, self.size, similarity, words=words)

    # -- lookups ------------------------------------------------------------------------------------------------

    def releases_of(self, info: EntityInfo) -> np.ndarray:
        """The releases (sorted ordinals) that name a catalog entity: its column of the facet matrix. Filters, exact
        tiers and the entity's profile all read this one set."""
        return self.facet_counter.releases_with(info.key)

    def release(self, release_id: str) -> ReleaseView | None:
        """The release with its body and entities, or None."""
        ordinal = self.ordinal_of.get(release_id)
        return None if ordinal is None else self.hit_builder.view(ordinal)

    def related(self, release_id: str, limit: int = RELATED_LIMIT) -> RelatedReleases | None:
        """The releases most like this one, duplicates of the same announcement left out (search/related.py), or
        None for an unknown id."""
        ordinal = self.ordinal_of.get(release_id)
        return None if ordinal is None else self.related_finder.related(ordinal, limit)

    def entities(self, type_: str | None = None, q: str = "", limit: int = 50) -> list[EntitySummary]:
        """Entities of a type whose name contains `q` (case-insensitive), names starting with it first, then most
        releases first."""
        needle = entity_key(q) if q else ""
        found = [e for e in self.catalog.entities.values()
                 if (type_ is None or e.type == type_) and needle in e.key]
        found.sort(key=lambda e: (not e.key.startswith(needle), -e.releases, e.name.casefold()))
        return [EntitySummary(e.name, e.type, e.releases) for e in found[:limit]]

    def entity(self, type_: str, name: str) -> EntityProfile | None:
        """The entity's profile, or None if the catalog has no such entity of this type."""
        info = self.catalog.lookup(type_, name)
        if info is None:
            return None
        return entity_profile(info, self.catalog, self.facet_counter, self.release_ids, self.days)
