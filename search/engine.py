"""One opened index version and the one search function: request in, SearchResult out."""
from __future__ import annotations

import datetime as dt
import functools
import threading
import time
from pathlib import Path
from typing import Any

import numpy as np
from whoosh import query as wq

from indexer.store import layout
from indexer.store.catalog import Catalog
from indexer.models.embeddings import Embedder
from indexer.store.records import entity_key
from indexer.store.keyword_index import open_keyword_index
from indexer.store.vectors import passage_words
from indexer.models.query_encoder import QueryEncoder, load_query_encoder
from indexer.store.vectors import PassageMap, read_vector_index
from search.facets import FacetCounter
from search.exact import ExactTerm, ordinal_array, query_entities, quoted_phrases, terms_in, tier_positions
from search.fusion import (DEFAULT_ALPHA, DEFAULT_FUSION, RRF_K, convex_combination_arrays, min_max,
                           reciprocal_rank_fusion, side_weights)
from search.hits import Hit, SearchResult
from search.request import SearchRequest
from search.keyword import KeywordRetriever
from search.profile import entity_profile
from search.semantic import SemanticRetriever
from search.snippets import keyword_snippet, plain_snippet

SEMANTIC_DEPTH = 100  # releases taken from the vector index per query (the page is cut from the fused list)
CONVEX_KEYWORD_DEPTH = 1000  # keyword matches whose semantic similarity convex fusion computes exactly
QUERY_VECTOR_CACHE = 1024  # recent query embeddings kept: paging and facet clicks repeat the query text


class IndexMismatch(RuntimeError):
    """The parts of an index version disagree, or the index was built with another model."""


def _to_date(value: Any) -> dt.date | None:
    if isinstance(value, dt.datetime):
        return value.date()
    return value if isinstance(value, dt.date) else None


def _explain(ordinal: int, score: float, keyword_rank: dict, semantic_rank: dict, fusion: "Fusion | None",
             exact_terms: list[ExactTerm]) -> dict[str, Any]:
    """Why a release is where it is: each retriever's rank and score, the fusion, and its exact-match tier."""
    k, s = keyword_rank.get(ordinal), semantic_rank.get(ordinal)
    return {
        "keyword": {"rank": k[0], "score": round(k[1], 6)} if k else None,
        "semantic": {"rank": s[0], "similarity": round(s[1], 6), "passage": s[2]} if s else None,
        "fusion": fusion.explain(ordinal, score) if fusion is not None else None,
        "exact": {
            "rule": "releases containing more of the query's quoted phrases and entity names rank first; "
                    "the score orders releases within a tier",
            "terms": [{"kind": t.kind, "text": t.text} for t in exact_terms],
            "contains": terms_in(ordinal, exact_terms),
        } if exact_terms else None,
    }


class Fusion:
    """One hybrid request's fusion: the fused list and, for explain, how each score was made."""

    def __init__(self, method: str, alpha: float, keyword_run: tuple[np.ndarray, np.ndarray],
                 semantic_run: tuple[np.ndarray, np.ndarray], size: int) -> None:
        self.method, self.alpha = method, alpha
        self._runs = (keyword_run, semantic_run)  # (ordinals, scores) each, best first
        self.weights = side_weights(method, alpha)
        if method == "rrf":
            fused = reciprocal_rank_fusion([keyword_run[0].tolist(), semantic_run[0].tolist()], rrf_k=RRF_K,
                                           weights=self.weights)
            self.fused = (np.array([o for o, _ in fused], dtype=np.int64),
                          np.array([s for _, s in fused], dtype=np.float64))
        else:
            # BM25 is 0 for a release without the query's words: that, not the worst match, is the floor.
            self.fused = convex_combination_arrays([keyword_run, semantic_run], size, weights=self.weights,
                                                   lows=[0.0, None])
        self._normalised: tuple[dict[int, float], dict[int, float]] | None = None  # for explain, made on demand

    def normalised(self) -> tuple[dict[int, float], dict[int, float]]:
        if self._normalised is None:
            keyword_run, semantic_run = (list(zip(ids.tolist(), scores.tolist())) for ids, scores in self._runs)
            self._normalised = (min_max(keyword_run, low=0.0), min_max(semantic_run))
        return self._normalised

    def explain(self, ordinal: int, score: float) -> dict[str, Any]:
        out: dict[str, Any] = {"method": self.method, "alpha": self.alpha,
                               "weights": {"keyword": self.weights[0], "semantic": self.weights[1]}}
        if self.method == "rrf":
            out |= {"rrf_k": RRF_K, "formula": "sum over lists of weight/(rrf_k + rank)"}
        else:
            keyword, semantic = (n.get(ordinal) for n in self.normalised())
            ids, sims = self._runs[1]  # also for keyword matches outside the semantic top 100
            at = np.flatnonzero(ids == ordinal)
            similarity = float(sims[at[0]]) if len(at) else None
            out |= {"normalisation": "keyword: BM25 / best BM25; semantic: min-max of best-passage similarity over "
                                     "the candidates (absent from a list: 0)",
                    "keyword_normalised": None if keyword is None else round(keyword, 6),
                    "semantic_normalised": None if semantic is None else round(semantic, 6),
                    "similarity": None if similarity is None else round(similarity, 6),
                    "formula": "weights.keyword * keyword_normalised + weights.semantic * semantic_normalised"}
        return out | {"score": round(score, 6)}


class Engine:
    """Everything a query needs from one immutable index version, opened once and shared by requests."""

    def __init__(self, version_dir: Path, *, embedder: Embedder | None = None,
                 query_encoder: QueryEncoder | None = None) -> None:
        self.version_dir = version_dir
        self.manifest = layout.read_json(version_dir / layout.MANIFEST)
        if self.manifest.get("format") != layout.FORMAT_VERSION:
            raise IndexMismatch(
                f"index format {self.manifest.get('format')} at {version_dir} is not {layout.FORMAT_VERSION}; rebuild it"
            )
        for model in (embedder, query_encoder):
            if model is not None and model.name != self.manifest["embedding_model"]:
                raise IndexMismatch(
                    f"the index was built with embedding model {self.manifest['embedding_model']!r}, "
                    f"not {model.name!r}; query with the same model or rebuild the index"
                )
        self._embedder = embedder  # a loaded model to share (tests, evaluate); the server passes none
        self._query_encoder = query_encoder
        self._loading = threading.Lock()
        self.catalog = Catalog.load(version_dir / layout.CATALOG)
        self.keyword = KeywordRetriever(open_keyword_index(version_dir / layout.KEYWORD_DIR),
                                        impacts_path=version_dir / layout.IMPACTS)
        passages = PassageMap.load(version_dir / layout.PASSAGES)
        self.semantic = SemanticRetriever(read_vector_index(version_dir / layout.VECTORS), passages)
        self.release_ids: list[str] = [str(r) for r in passages.release_ids]
        self.ordinal_of = {rid: i for i, rid in enumerate(self.release_ids)}
        # Documents deleted by an update (id None) stay in the keyword index until merged; searches skip them.
        self.docnum_of = {rid: d for d, rid in enumerate(self.keyword.ids_by_docnum) if rid is not None}
        if set(self.ordinal_of) != set(self.docnum_of) or set(self.ordinal_of) != set(self.catalog.releases):
            raise IndexMismatch(f"keyword index, vector index and catalog disagree on release ids in {version_dir}")
        # docnum -> ordinal (-1 for a deleted document), and each release's date as a sortable day number (0 = none).
        self._ordinal_by_docnum = np.array([self.ordinal_of[r] if r is not None else -1
                                            for r in self.keyword.ids_by_docnum], dtype=np.int64)
        self._docnum_by_ordinal = np.array([self.docnum_of[r] for r in self.release_ids], dtype=np.int64)
        self._day = np.zeros(len(self.release_ids), dtype=np.int64)
        for rid, docnum in self.docnum_of.items():
            ordinal = self.ordinal_of[rid]
            day = self.keyword.date(docnum)
            self._day[ordinal] = day.toordinal() if day else 0
        self.facet_counter = FacetCounter(self.catalog, self.release_ids, self._day)
        self._query_vector = functools.lru_cache(maxsize=QUERY_VECTOR_CACHE)(self._encode_query)

    @classmethod
    def open(cls, index_dir: str | Path, *, embedder: Embedder | None = None) -> "Engine":
        return cls(layout.current_version(Path(index_dir)), embedder=embedder)

    @property
    def query_encoder(self) -> QueryEncoder:
        """Loaded on the first semantic query: ONNX Runtime where possible (indexer.models.query_encoder), else torch.
        Once: concurrent first queries would each load a model (or start an export)."""
        if self._query_encoder is None:
            with self._loading:
                if self._query_encoder is None:
                    self._query_encoder = load_query_encoder(self.manifest["embedding_model"], self._embedder)
        return self._query_encoder

    def loaded_models(self) -> dict[str, Any]:
        """The models this engine has loaded, for the next version's engine to share."""
        loaded = {"embedder": self._embedder, "query_encoder": self._query_encoder}
        return {k: v for k, v in loaded.items() if v is not None}

    def _encode_query(self, text: str) -> np.ndarray:
        vector = self.query_encoder.encode_query(text)
        vector.flags.writeable = False  # shared by every request with the same text
        return vector

    @property
    def size(self) -> int:
        return len(self.release_ids)

    # -- search -------------------------------------------------------------------------------------------------

    def _allowed(self, request: SearchRequest) -> np.ndarray | None:
        """Release ordinals that pass the filters (None = no filter)."""
        if not (request.entities or request.date_from or request.date_to or request.issuers or request.categories):
            return None
        if not (request.entities or request.date_from or request.date_to):
            return self.facet_counter.restrict(np.arange(self.size), request, self.catalog)
        groups: dict[str, list[str]] = {}
        for f in request.entities:
            info = self.catalog.lookup(f.type, f.name)
            # An unknown name (or one of another type) contributes no key: alone in its group it matches nothing.
            groups.setdefault(f.type, []).extend(info.aliases if info else [])
        docnums = self.keyword.filter_docnums(groups.values(), request.date_from, request.date_to)
        found = np.sort(self._ordinal_by_docnum[list(docnums)]) if docnums else np.zeros(0, dtype=np.int64)
        return self.facet_counter.restrict(found, request, self.catalog)

    def search(self, request: SearchRequest) -> SearchResult:
        started = time.perf_counter()
        allowed = self._allowed(request)
        warnings: list[str] = []
        # The runs are numpy arrays, best first: a corpus query matches thousands of releases.
        none_int, none_float = np.zeros(0, dtype=np.int64), np.zeros(0, dtype=np.float64)
        keyword_run = (none_int, none_float)  # (ordinals, bm25)
        semantic_run = (none_int, none_float, none_int)  # (ordinals, similarity, passage)
        kq: wq.Query | None = None
        fusion: Fusion | None = None
        if request.q and request.mode in ("keyword", "hybrid"):
            kq = self.keyword.parse(request.q)
            docnum_filter = None if allowed is None else np.flatnonzero(np.isin(self._ordinal_by_docnum, allowed))
            docnums, bm25 = self.keyword.ranked(kq, docnum_filter)
            keyword_run = (self._ordinal_by_docnum[docnums], bm25)
            if kq is wq.NullQuery:
                warnings.append("the query has no searchable words for keyword search (only stop words?)")
        similarity: np.ndarray | None = None  # every release's similarity to the query (one pass over the vectors)
        if request.q and request.mode in ("semantic", "hybrid"):
            vector = self._query_vector(request.q)
            passage_sims = self.semantic.passage_similarities(vector)
            similarity = self.semantic.release_similarities(vector, passage_sims)
            found = self.semantic.search(vector, SEMANTIC_DEPTH, allowed, similarity, passage_sims)
            semantic_run = (np.array([h.ordinal for h in found], dtype=np.int64),
                            np.array([h.similarity for h in found], dtype=np.float64),
                            np.array([h.passage for h in found], dtype=np.int64))

        if not request.q:
            ordinals = np.asarray(allowed if allowed is not None else np.arange(self.size), dtype=np.int64)
            scored, request_sort = (ordinals, np.zeros(len(ordinals))), "date"
        elif request.mode == "keyword":
            scored, request_sort = keyword_run, request.sort
        elif request.mode == "semantic":
            scored, request_sort = semantic_run[:2], request.sort
        else:
            fusion = self._fusion(request, keyword_run, semantic_run, similarity)
            scored, request_sort = fusion.fused, request.sort
        if request.mode != "hybrid" and (request.fusion is not None or request.alpha is not None):
            warnings.append("'fusion' and 'alpha' apply to mode=hybrid only; they were ignored")
        exact_terms = self._exact_terms(request.q) if request.exact and kq is not None else []
        # Newest first for sort=date (undated releases last: day 0); exact tiers, then relevance, break ties.
        ordinals, scores = scored
        order = tier_positions(ordinals, exact_terms, depth=request.offset + request.limit,
                               primary=self._day[ordinals] if request_sort == "date" else None)
        ordinals, scores = ordinals[order], scores[order]

        facets = self.facet_counter.count(ordinals, request, self.catalog)
        page = list(zip(ordinals[request.offset : request.offset + request.limit].tolist(),
                        scores[request.offset : request.offset + request.limit].tolist()))
        on_page = np.array([o for o, _ in page], dtype=np.int64)
        # Ranks are looked up for the page only (a corpus query matches thousands).
        keyword_rank = {int(keyword_run[0][i]): (int(i) + 1, float(keyword_run[1][i]))
                        for i in np.flatnonzero(np.isin(keyword_run[0], on_page))}
        semantic_rank = {int(semantic_run[0][i]): (int(i) + 1, float(semantic_run[1][i]), int(semantic_run[2][i]))
                         for i in np.flatnonzero(np.isin(semantic_run[0], on_page))}
        hits = [self._hit(o, score, kq, keyword_rank, semantic_rank) for o, score in page]
        if request.explain:
            for hit, (o, score) in zip(hits, page):
                hit.explain = _explain(o, score, keyword_rank, semantic_rank, fusion, exact_terms)
        scope = {
            "releases": len(ordinals),
            "counted": "every release in the result list (total), not just this page",
            "keyword_matches": len(keyword_run[0]),
            "semantic_candidates": len(semantic_run[0]),
            "semantic_depth": SEMANTIC_DEPTH,
        }
        return SearchResult(request, len(ordinals), hits, facets, scope,
                            (time.perf_counter() - started) * 1000, warnings)

    def _fusion(self, request: SearchRequest, keyword_run: tuple[np.ndarray, np.ndarray],
                semantic_run: tuple[np.ndarray, np.ndarray, np.ndarray], similarity: np.ndarray | None) -> "Fusion":
        method = request.fusion or DEFAULT_FUSION
        alpha = DEFAULT_ALPHA[method] if request.alpha is None else request.alpha
        semantic_scores = semantic_run[:2]
        if method == "convex" and similarity is not None:
            # A score needs both sides: give the top keyword matches their real similarity, not a missing 0.
            extra = np.setdiff1d(keyword_run[0][:CONVEX_KEYWORD_DEPTH], semantic_run[0])
            semantic_scores = (np.concatenate([semantic_run[0], extra]),
                               np.concatenate([semantic_run[1], similarity[extra].astype(np.float64)]))
        return Fusion(method, alpha, keyword_run, semantic_scores, self.size)

    def _exact_terms(self, q: str) -> list[ExactTerm]:
        """Quoted phrases and catalog entities in the query, each with the releases that contain it or may (those
        are checked by tier_positions, for the releases that can reach the page)."""
        terms = [self._phrase_term("phrase", p, p) for p in quoted_phrases(q)]
        for typed, info in query_entities(q, self.catalog):
            # Releases tagged with the entity: its column of the facet matrix (the same set the keyword index's
            # entity filter gives for the entity's aliases, without a Whoosh query).
            tagged = self.facet_counter.releases_with(info.key)
            terms.append(self._phrase_term("entity", info.name, typed, tagged))
        return terms

    def _phrase_term(self, kind: str, text: str, phrase: str, tagged: np.ndarray | None = None) -> ExactTerm:
        """The releases whose text contains `phrase` (stemmed words, in order), or that are in `tagged`."""
        phrase_query = self.keyword.parse('"' + phrase.replace('"', " ") + '"')
        sure, maybe = self.keyword.phrase_candidates(phrase_query)
        sure = self._ordinals(sure) if tagged is None else np.union1d(self._ordinals(sure), tagged)

        def check(ordinals: np.ndarray) -> np.ndarray:
            docnums = self._docnum_by_ordinal[ordinals]
            order = np.argsort(docnums)
            found = np.zeros(len(ordinals), dtype=bool)
            found[order] = self.keyword.contains(phrase_query, docnums[order])
            return found

        return ExactTerm(kind, text, sure, self._ordinals(maybe), check)

    def _ordinals(self, docnums: np.ndarray) -> np.ndarray:
        """Sorted release ordinals of these (live) documents."""
        return ordinal_array(self._ordinal_by_docnum[docnums.astype(np.int64, copy=False)])

    def _hit(self, ordinal: int, score: float, kq: wq.Query | None, keyword_rank: dict, semantic_rank: dict) -> Hit:
        rid = self.release_ids[ordinal]
        stored = self.keyword.stored(self.docnum_of[rid])
        body = stored.get("body", "")
        snippet = None
        if ordinal in keyword_rank and kq is not None:
            snippet = keyword_snippet(body, self.keyword.body_terms(kq), self.keyword.text_analyzer)
        if snippet is None and ordinal in semantic_rank:
            passage = semantic_rank[ordinal][2]
            p = self.semantic.passages
            snippet = plain_snippet(passage_words(body, int(p.passage_start[passage]), int(p.passage_end[passage])))
        hit = Hit(
            id=rid,
            title=stored.get("title", ""),
            date=_to_date(stored.get("date")),
            source=stored.get("source", ""),
            url=stored.get("url", ""),
            score=score,
            snippet=snippet if snippet is not None else plain_snippet(body),
            entities=self.catalog.names_by_type(rid),
            issuer=self.catalog.issuer_name(rid),
            category=self.catalog.releases[rid].category,
        )
        return hit

    # -- lookups ------------------------------------------------------------------------------------------------

    def release(self, release_id: str) -> dict[str, Any] | None:
        """The release with its body and entities, or None."""
        docnum = self.docnum_of.get(release_id)
        if docnum is None:
            return None
        stored = self.keyword.stored(docnum)
        record = self.catalog.releases[release_id]
        date = _to_date(stored.get("date"))
        return {
            "id": release_id,
            "title": stored.get("title", ""),
            "date": date.isoformat() if date else None,
            "source": stored.get("source", ""),
            "url": stored.get("url", ""),
            "body": stored.get("body", ""),
            "entities": self.catalog.names_by_type(release_id),
            "issuer": self.catalog.issuer_name(release_id),
            "category": record.category,
            "dates": list(record.dates),
            "money": list(record.money),
        }

    def entities(self, type_: str | None = None, q: str = "", limit: int = 50) -> list[dict[str, Any]]:
        """Entities of a type whose name contains `q` (case-insensitive), most releases first."""
        needle = entity_key(q) if q else ""
        found = [e for e in self.catalog.entities.values()
                 if (type_ is None or e.type == type_) and needle in e.key]
        found.sort(key=lambda e: (not e.key.startswith(needle), -e.releases, e.name.casefold()))
        return [{"name": e.name, "type": e.type, "releases": e.releases} for e in found[:limit]]

    def entity(self, type_: str, name: str) -> dict[str, Any] | None:
        """The entity's profile (search.profile), or None if there is no such entity of this type."""
        return entity_profile(self, type_, name)
