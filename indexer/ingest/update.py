"""Incremental updates: add, replace and delete releases in a new version without re-embedding the others.

The live version is never written. Its Whoosh directory is hard-linked and changed (deletes, then adds) in a private
build directory; its vectors are read back from the FAISS index's flat storage, the replaced and deleted releases'
passages dropped, the new ones appended, and the index written again, so FAISS id = passage ordinal still holds (an
HNSW graph from which nothing was removed gets only the new vectors added). The catalog is recomputed from the kept
releases' stored mentions plus NER of the new releases only. A release whose title, body, date, source and url are
unchanged is skipped (no NER, no embedding).
"""
from __future__ import annotations

from pathlib import Path
from typing import Iterable, Sequence

import numpy as np

from indexer.ingest.canonical import build_catalog
from indexer.ingest.ids import index_roots
from indexer.ingest.pipeline import (
    BuildError, BuildSummary, VersionPlan, analyse, manifest, parse_releases, propagate_names, read_input,
    write_version,
)
from indexer.ingest.progress import Progress, StageHook
from indexer.models.embeddings import Embedder
from indexer.store import layout
from indexer.store.catalog import Catalog
from indexer.store.keyword_index import open_keyword_index, stored_release
from indexer.store.manifest import Manifest
from indexer.store.records import Release
from indexer.store.vectors import PassageMap, is_approximate, read_vector_index, vectors_in_place


def _same(a: Release, b: Release) -> bool:
    """Same indexed content (the origin file does not matter)."""
    return (a.title, a.body, a.date, a.source, a.url) == (b.title, b.body, b.date, b.source, b.url)


def _unchanged_ids(base: Path, releases: Sequence[Release]) -> set[str]:
    """Ids of `releases` the base version already holds with exactly this content."""
    wanted = {r.id: r for r in releases}
    unchanged = set()
    with open_keyword_index(base / layout.KEYWORD_DIR).searcher() as searcher:
        for rid, release in wanted.items():
            docnum = searcher.document_number(id=rid)
            if docnum is not None and _same(release, stored_release(searcher.stored_fields(docnum), rid)):
                unchanged.add(rid)
    return unchanged


def _check_models(meta: Manifest, embedding_model: str | None, ner_model: str | None) -> None:
    for key, asked, flag in (("embedding_model", embedding_model, "--model"), ("ner_model", ner_model, "--ner-model")):
        built = getattr(meta, key)
        if asked and asked != built:
            raise BuildError(f"the index was built with {key.replace('_', ' ')} {built!r}, not {asked!r}; "
                             f"update it with the same model, or rebuild everything with `--rebuild {flag} {asked}`")


def update_index(
    paths: Sequence[str | Path],
    index_dir: str | Path,
    *,
    delete_ids: Iterable[str] = (),
    embedding_model: str | None = None,
    ner_model: str | None = None,
    embedder: Embedder | None = None,
    nlp=None,
    progress: bool = True,
    on_stage: StageHook | None = None,
) -> BuildSummary:
    """Add the releases under `paths` (a known id replaces that release) and remove `delete_ids`, as a new version.

    Deleting is all or nothing: an unknown id is a BuildError and nothing changes.
    """
    index_dir = Path(index_dir)
    report = Progress(show=progress, on_stage=on_stage)
    delete_ids = list(dict.fromkeys(delete_ids))
    with layout.writer_lock(index_dir):
        base = layout.current_version(index_dir)
        meta = Manifest.load(base)
        _check_models(meta, embedding_model, ner_model)
        # A delete reads no files (its parse stage is empty, and still reported).
        roots = index_roots(paths, meta.roots)
        releases, problems = read_input(paths, report, roots) if paths else parse_releases(paths, report)

        with report.stage("copy"):
            old_map = PassageMap.load(base / layout.PASSAGES)
            old_ids = [str(r) for r in old_map.release_ids]
            known = set(old_ids)
            unknown = [rid for rid in delete_ids if rid not in known]
            if unknown:
                raise BuildError(f"no release with id {', '.join(map(repr, unknown[:10]))} in {index_dir}; "
                                 "nothing was deleted (list ids with `announcements search --json`)")
            unchanged = _unchanged_ids(base, [r for r in releases if r.id in known])
            fresh = [r for r in releases if r.id not in unchanged]
            replaced = [r.id for r in fresh if r.id in known]
            removed = set(replaced) | set(delete_ids)
            if not fresh and len(delete_ids) == len(old_ids):
                raise BuildError("that would delete every release; build a new index with `announcements index PATH "
                                 "--rebuild` instead")
        changes = {"added": len(fresh) - len(replaced), "replaced": len(replaced), "deleted": len(delete_ids),
                   "unchanged": len(unchanged)}
        if not fresh and not delete_ids:
            return BuildSummary.of(base, meta, problems, report, changes, published=False)

        with report.stage("copy"):
            keep = np.array([rid not in removed for rid in old_ids], dtype=bool)
            kept_map, kept_passages = old_map.keep_releases(keep)
            base_vectors = read_vector_index(base / layout.VECTORS)
            kept_vectors = vectors_in_place(base_vectors)[kept_passages]  # a copy (boolean indexing), made once
            # Nothing removed from an HNSW graph: add to it rather than build it again (indexer/store/vectors.py).
            grow = base_vectors if is_approximate(base_vectors) and kept_passages.all() else None
            old_catalog = Catalog.load(base / layout.CATALOG)
            kept_ids = [rid for rid, k in zip(old_ids, keep) if k]
            kept_mentions = [old_catalog.releases[rid].mention_list() for rid in kept_ids]

        new_mentions: list = []
        model: Embedder | None = None
        if fresh:
            new_mentions, model = analyse(fresh, report, nlp=nlp, ner_model=meta.ner_model, embedder=embedder,
                                          embedding_model=meta.embedding_model)
            if model.name != meta.embedding_model or model.dim != meta.dimensions:
                _check_models(meta, model.name, None)
            # The names the last build learnt; a name first seen in these releases waits for the next --rebuild.
            new_mentions, _ = propagate_names(fresh, new_mentions, report, names=old_catalog.propagated)

        with report.stage("ner"):
            catalog = build_catalog(kept_ids + [r.id for r in fresh], kept_mentions + new_mentions,
                                    old_catalog.propagated)
        version, described = write_version(index_dir, VersionPlan(
            fresh, catalog, model,
            # The copied Whoosh index keeps the base's schema; new passages are split with this code's settings.
            lambda passages: manifest(meta.embedding_model, meta.dimensions, meta.embedding_precision, meta.ner_model,
                                      passages, catalog, sum(not p.kept for p in problems), base_version=base.name,
                                      update=changes, roots=roots).replace(keyword_schema=meta.keyword_schema),
            base=base, removed=sorted(removed), kept=(kept_vectors, kept_map), grow=grow,
        ), report)
    return BuildSummary.of(version, described, problems, report, changes)


def delete_releases(release_ids: Sequence[str], index_dir: str | Path, *,
                    on_stage: StageHook | None = None) -> BuildSummary:
    """Remove releases by id as a new version (no models are loaded)."""
    if not release_ids:
        raise BuildError("give at least one release id to delete")
    return update_index([], index_dir, delete_ids=release_ids, progress=False, on_stage=on_stage)
