"""Hits and release views, built from one version's stored fields, passages and catalog: the one place where a
release is read back for display."""
from __future__ import annotations

from indexer.store.boilerplate import content_tokens
from indexer.store.catalog import Catalog
from indexer.store.keyword_index import stored_release
from indexer.store.records import Release
from indexer.store.vectors import PassageMap, passage_words
from search.hits import Hit
from search.keyword import KeywordRetriever
from search.runs import Run
from search.snippets import SNIPPET_SCAN_CHARS, keyword_snippet, plain_snippet
from search.views import ReleaseView
from whoosh.query import Query


class HitBuilder:
    def __init__(self, keyword: KeywordRetriever, passages: PassageMap, catalog: Catalog,
                 release_ids: list[str]) -> None:
        self._keyword, self._passages, self._catalog, self._ids = keyword, passages, catalog, release_ids

    def release(self, ordinal: int) -> Release:
        return stored_release(self._keyword.stored(ordinal), self._ids[ordinal])

    def view(self, ordinal: int) -> ReleaseView:
        """The release with its body, entities, issuer, type, and the dates and amounts it mentions."""
        release, rid = self.release(ordinal), self._ids[ordinal]
        record = self._catalog.releases[rid]
        return ReleaseView(rid, release.title, release.date, release.source, release.url, release.body,
                           self._catalog.names_by_type(rid), self._catalog.issuer_name(rid), record.category,
                           record.dates, record.money)

    def hits(self, page: Run, query: Query | None, keyword: Run, semantic: Run) -> list[Hit]:
        """One Hit per release of the page. The snippet marks the query's words where the keyword retriever found
        the release; else it is the release's best passage where the semantic retriever did; else the opening."""
        keyword_ranks, semantic_ranks = keyword.ranks_of(page.ordinals), semantic.ranks_of(page.ordinals)
        terms = self._keyword.body_terms(query) if query is not None else frozenset()
        hits = []
        for ordinal, score in zip(page.ordinals.tolist(), page.scores.tolist()):
            rid, release = self._ids[ordinal], self.release(ordinal)
            snippet = None
            if ordinal in keyword_ranks and query is not None:
                snippet = keyword_snippet(release.body, terms, self._keyword.text_analyzer)
            if snippet is None and ordinal in semantic_ranks:
                passage = self._passage_text(release.body, semantic_ranks[ordinal].passage)
                snippet = plain_snippet(passage) if passage else None
            hits.append(Hit(
                id=rid, title=release.title, date=release.date, source=release.source, url=release.url, score=score,
                snippet=snippet if snippet is not None else plain_snippet(release.body),
                entities=self._catalog.names_by_type(rid), issuer=self._catalog.issuer_name(rid),
                category=self._catalog.releases[rid].category,
            ))
        return hits

    def _passage_text(self, body: str, passage: int | None) -> str:
        """The passage's words without boilerplate, read from the body's content (paragraph rules, such as About
        paragraphs, need the body's line breaks, which a passage's words have lost)."""
        p = self._passages
        start, end = int(p.passage_start[passage]), int(p.passage_end[passage])
        text = " ".join(t.text for t in content_tokens(body[:SNIPPET_SCAN_CHARS]) if start <= t.index < end)
        return text or passage_words(body, start, end)
