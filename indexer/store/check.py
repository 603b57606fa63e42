"""`announcements check`: verify that the parts of the live index version agree with each other and the manifest."""
from __future__ import annotations

from collections import Counter
from pathlib import Path

import numpy as np

from indexer.store import layout
from indexer.store.catalog import Catalog
from indexer.store.keyword_index import open_keyword_index, read_column
from indexer.store.manifest import Manifest, ManifestError
from indexer.store.vectors import PassageMap, all_vectors, read_vector_index


def _id_problems(name: str, ids: list[str], reference: set[str]) -> list[str]:
    problems = []
    duplicates = [rid for rid, n in Counter(ids).items() if n > 1]
    if duplicates:
        problems.append(f"{name} holds {len(duplicates)} ids twice, e.g. {duplicates[0]!r}")
    missing, extra = reference - set(ids), set(ids) - reference
    if missing:
        problems.append(f"{name} lacks {len(missing)} releases of the passage map, e.g. {sorted(missing)[0]!r}")
    if extra:
        problems.append(f"{name} has {len(extra)} releases the passage map lacks, e.g. {sorted(extra)[0]!r}")
    return problems


def _passage_problems(pmap: PassageMap) -> list[str]:
    problems = []
    owners = pmap.passage_release
    n = len(pmap.release_ids)
    if len(owners) and (owners.min() < 0 or owners.max() >= n):
        problems.append(f"passage map points at release ordinals outside 0..{n - 1}")
    elif len(owners) and np.any(np.diff(owners) < 0):
        problems.append("passage map is not grouped by release (passage owners go backwards)")
    without = n - len(np.unique(owners))
    if without > 0:
        problems.append(f"{without} releases have no passage in the vector index")
    if np.any(pmap.passage_start < 0) or np.any(pmap.passage_end < pmap.passage_start):
        problems.append("passage map has a word range that ends before it starts")
    if not (len(pmap.passage_start) == len(pmap.passage_end) == len(owners)):
        problems.append("passage map arrays have different lengths")
    return problems


def check_version(version: Path) -> list[str]:
    """Every disagreement found in one version, as messages naming it (empty = consistent)."""
    problems = []
    try:
        meta: Manifest | None = Manifest.load(version)
    except ManifestError as exc:  # one finding; the other parts are still checked against each other
        problems.append(str(exc))
        meta = None
    try:
        pmap = PassageMap.load(version / layout.PASSAGES)
        vectors = read_vector_index(version / layout.VECTORS)
        catalog = Catalog.load(version / layout.CATALOG)
        ix = open_keyword_index(version / layout.KEYWORD_DIR)
    except Exception as exc:  # any unreadable part is one finding, whatever the library raises
        return problems + [f"cannot read {version}: {type(exc).__name__}: {exc}"]
    release_ids = [str(r) for r in pmap.release_ids]
    reference = set(release_ids)
    if len(reference) != len(release_ids):
        problems.append("passage map holds a release id twice")
    with ix.searcher() as searcher:
        reader = searcher.reader()
        keyword_ids = [v for d, v in enumerate(read_column(reader, "id")) if not reader.is_deleted(d)]
    problems += _id_problems("keyword index", keyword_ids, reference)
    problems += _id_problems("entity catalog", list(catalog.releases), reference)
    problems += _passage_problems(pmap)
    if vectors.ntotal != len(pmap.passage_release):
        problems.append(f"vector index has {vectors.ntotal} vectors but the passage map {len(pmap.passage_release)}")
    if meta is not None and vectors.d != meta.dimensions:
        problems.append(f"vector index has {vectors.d} dimensions but the manifest says {meta.dimensions}")
    norms = np.linalg.norm(all_vectors(vectors), axis=1) if vectors.ntotal else np.ones(0)
    if not np.all(np.abs(norms - 1) < 1e-3):
        problems.append(f"{int(np.sum(np.abs(norms - 1) >= 1e-3))} vectors are not unit length")
    for key, actual in (("releases", len(release_ids)), ("passages", vectors.ntotal),
                        ("entities", len(catalog.entities))):
        if meta is not None and getattr(meta, key) != actual:
            problems.append(f"manifest says {getattr(meta, key)} {key} but the index holds {actual}")
    unknown_keys = {k for r in catalog.releases.values() for k in r.keys} - set(catalog.entities)
    if unknown_keys:
        problems.append(f"catalog releases name {len(unknown_keys)} entities it does not define")
    return problems


def check_index(index_dir: Path) -> tuple[Path, list[str]]:
    """The live version and its problems (IndexNotFound when there is none)."""
    version = layout.current_version(index_dir)
    return version, check_version(version)
