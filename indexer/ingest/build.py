"""Build an index version from release files: parse → entities → keyword index + vector index + catalog → publish.

`build_index` writes a version from scratch with the steps of indexer.ingest.pipeline (`indexer.ingest.update`
changes the live version with the same steps); `rebuild_keyword_index` rewrites only the keyword index.
"""
from __future__ import annotations

from pathlib import Path
from typing import Sequence

from indexer.ingest.canonical import build_catalog
from indexer.ingest.entities import DEFAULT_NER_MODEL
from indexer.ingest.ids import index_roots
from indexer.ingest.pipeline import (
    BuildError, BuildSummary, VersionPlan, analyse, manifest, parse_releases, propagate_names, read_input,
    write_version,
)
from indexer.ingest.progress import Progress, StageHook
from indexer.models.embeddings import DEFAULT_EMBEDDING_MODEL, Embedder
from indexer.models.query_encoder import prepare_query_encoder
from indexer.store import layout
from indexer.store.catalog import Catalog
from indexer.store.keyword_index import SCHEMA_VERSION
from indexer.store.manifest import Manifest
from indexer.store.vectors import PassageMap, all_vectors, read_vector_index

__all__ = ["BuildError", "BuildSummary", "build_index", "rebuild_keyword_index"]


def build_index(
    paths: Sequence[str | Path],
    index_dir: str | Path,
    *,
    embedding_model: str = DEFAULT_EMBEDDING_MODEL,
    ner_model: str = DEFAULT_NER_MODEL,
    embedder: Embedder | None = None,
    nlp=None,
    progress: bool = True,
    on_stage: StageHook | None = None,
    ray_address: str | None = None,
) -> BuildSummary:
    """Index every release under `paths` into a new version of `index_dir` (replacing all others) and publish it.

    `progress` shows a bar per stage; `on_stage` is told each point of pipeline.STAGES the build reaches.
    `ray_address` ("auto" or a head's HOST:PORT): NER and embedding run as Ray tasks on that cluster
    (indexer.ingest.distributed), with `nlp` and `embedder`, when given, shipped to its workers.
    """
    index_dir = Path(index_dir)
    report = Progress(show=progress, on_stage=on_stage)
    roots = index_roots(paths)
    with layout.writer_lock(index_dir):
        releases, problems = read_input(paths, report, roots)
        vectors = None  # a Ray build's passage vectors and map, computed on the cluster
        if ray_address is None:
            mentions, embedder = analyse(releases, report, nlp=nlp, ner_model=ner_model, embedder=embedder,
                                         embedding_model=embedding_model)
        else:
            from indexer.ingest.distributed import analyse_on_ray  # imports Ray, which a local build never loads

            mentions, embedder, vectors = analyse_on_ray(releases, report, address=ray_address, nlp=nlp,
                                                         ner_model=ner_model, embedder=embedder,
                                                         embedding_model=embedding_model)
        mentions, names = propagate_names(releases, mentions, report)
        with report.stage("ner"):
            catalog = build_catalog([r.id for r in releases], mentions, names)
        version, described = write_version(index_dir, VersionPlan(
            releases, catalog, embedder if vectors is None else None,
            lambda passages: manifest(embedder.name, embedder.dim, embedder.precision, ner_model, passages, catalog,
                                      sum(not p.kept for p in problems), roots=roots),
            kept=vectors,  # a Ray build's vectors are written as they are, like an update's kept ones
        ), report)
        # The server's query vectors come from an ONNX export of this model; make it while the model is loaded.
        prepare_query_encoder(embedder)
    return BuildSummary.of(version, described, problems, report)


def rebuild_keyword_index(paths: Sequence[str | Path], index_dir: str | Path, *, progress: bool = True) -> Path:
    """Publish a new version whose keyword index is rewritten from `paths` (the same releases the live version was
    built from) with the current schema; vectors, passages and catalog are kept, so no NER or embedding is redone.
    """
    index_dir = Path(index_dir)
    report = Progress(show=progress)
    with layout.writer_lock(index_dir):
        live = layout.current_version(index_dir)
        kept = PassageMap.load(live / layout.PASSAGES)
        releases, _problems = parse_releases(paths, report, Manifest.load(live).roots)
        if [r.id for r in releases] != [str(rid) for rid in kept.release_ids]:
            raise BuildError(f"the releases in {', '.join(map(str, paths))} are not the ones indexed in {live}")
        described = Manifest.load(live).replace(keyword_schema=SCHEMA_VERSION, created=Manifest.now())
        vectors = all_vectors(read_vector_index(live / layout.VECTORS))
        version, _ = write_version(index_dir, VersionPlan(
            releases, Catalog.load(live / layout.CATALOG), None, lambda _passages: described, kept=(vectors, kept),
        ), report)
    return version
