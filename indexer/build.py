"""Build one index version from release files: parse → entities → keyword index + vector index + catalog → publish.

`build_index` writes a version from scratch; `indexer.update` adds to, replaces in and deletes from the live version
with the same steps and `write_version`. Both hold the index's writer lock for the whole run.
"""
from __future__ import annotations

import datetime as dt
import shutil
import time
from collections import Counter
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Callable, Iterator, Sequence

import numpy as np
from tqdm import tqdm

from indexer import layout
from indexer.catalog import Catalog, build_catalog
from indexer.embeddings import DEFAULT_EMBEDDING_MODEL, Embedder, load_embedder
from indexer.entities import DEFAULT_NER_MODEL, Mention, extract_mentions, load_nlp, release_text
from indexer.keyword_index import SCHEMA_VERSION, write_keyword_index
from indexer.passages import MAX_PASSAGES, PASSAGE_OVERLAP, PASSAGE_WORDS, Passage, split_passages
from indexer.releases import Problem, Release, read_releases
from indexer.vector_index import PassageMap, build_vector_index, write_vector_index

EMBED_CHUNK = 512  # passages per progress step
# Where a build can be stopped by `on_stage` (the crash tests kill the process at each):
# parse/ner/embed after their first item, "keyword" before the Whoosh commit, "write" after it, and inside publish
# "renamed" (version in place, CURRENT not swapped) and "swapped" (CURRENT swapped, old versions not yet pruned).
STAGES = ("parse", "ner", "embed", "keyword", "write", "renamed", "swapped")
StageHook = Callable[[str], None]


class BuildError(RuntimeError):
    """The build could not produce a version; the last good version keeps serving."""


@dataclass
class BuildSummary:
    version: Path
    releases: int
    passages: int
    entities: int
    problems: list[Problem] = field(default_factory=list)
    seconds: dict[str, float] = field(default_factory=dict)
    changes: dict[str, int] | None = None  # an update's added/replaced/deleted/unchanged counts; None for a build
    published: bool = True  # False when an update found nothing to change

    def report(self) -> str:
        """The human summary printed at the end of `announcements index` / `delete`."""
        total = sum(self.seconds.values())
        size = f"{self.releases} releases ({self.passages} passages, {self.entities} entities)"
        if self.changes is None:
            head = f"Indexed {size} in {total:.1f} s → {self.version}"
        else:
            counts = ", ".join(f"{n} {what}" for what, n in self.changes.items())
            tail = f"now {size} in {total:.1f} s → {self.version}" if self.published else \
                f"nothing changed; {self.version} still serves {size}"
            head = f"Updated: {counts}; {tail}"
        lines = [head, "  time per stage: " + ", ".join(f"{k} {v:.1f} s" for k, v in self.seconds.items())]
        if self.problems:
            reasons = Counter(p.reason.split(":")[0].split(" (")[0] for p in self.problems)
            lines.append(f"  skipped {len(self.problems)}: " + ", ".join(f"{n} × {r}" for r, n in reasons.most_common()))
            lines += [f"    {p.origin}: {p.reason}" for p in self.problems[:20]]
            if len(self.problems) > 20:
                lines.append(f"    … and {len(self.problems) - 20} more")
        else:
            lines.append("  skipped 0")
        return "\n".join(lines)


@contextmanager
def timed(seconds: dict[str, float], stage: str) -> Iterator[None]:
    start = time.perf_counter()
    yield
    seconds[stage] = seconds.get(stage, 0.0) + time.perf_counter() - start


def _stage(on_stage: StageHook | None, name: str) -> None:
    if on_stage:
        on_stage(name)


def parse_releases(paths: Sequence[str | Path], progress: bool,
                   on_stage: StageHook | None = None) -> tuple[list[Release], list[Problem]]:
    """Every release under `paths` and every Problem (never raises on bad input)."""
    releases: list[Release] = []
    problems: list[Problem] = []
    for n, item in enumerate(tqdm(read_releases(paths), desc="parse", unit="release", disable=not progress)):
        (releases if isinstance(item, Release) else problems).append(item)
        if n == 0:
            _stage(on_stage, "parse")
    return releases, problems


def nothing_to_index(paths: Sequence[str | Path], problems: Sequence[Problem]) -> BuildError:
    where = ", ".join(str(p) for p in paths)
    return BuildError(f"nothing to index: no releases found in {where} ({len(problems)} skipped)"
                      + "".join(f"\n  {p.origin}: {p.reason}" for p in problems[:20]))


def extract_all(nlp, releases: Sequence[Release], progress: bool,
                on_stage: StageHook | None = None) -> list[list[Mention]]:
    """NER mentions of every release (NER reads at most the first 100,000 characters of each)."""
    texts = (release_text(r.title, r.body) for r in releases)
    mentions = []
    for n, found in enumerate(tqdm(extract_mentions(nlp, texts), total=len(releases), desc="ner", unit="release",
                                   disable=not progress)):
        mentions.append(found)
        if n == 0:
            _stage(on_stage, "ner")
    return mentions


def embed_releases(embedder: Embedder, releases: Sequence[Release], progress: bool,
                   on_stage: StageHook | None = None) -> tuple[list[list[Passage]], np.ndarray]:
    """Each release's passages (at most MAX_PASSAGES) and one unit vector per passage, in order."""
    passages = [split_passages(r.title, r.body) for r in releases]
    texts = [p.text for release_passages in passages for p in release_passages]
    vectors = np.zeros((len(texts), embedder.dim), dtype=np.float32)
    with tqdm(total=len(texts), desc="embed", unit="passage", disable=not progress) as bar:
        for start in range(0, len(texts), EMBED_CHUNK):
            chunk = texts[start : start + EMBED_CHUNK]
            vectors[start : start + len(chunk)] = embedder.encode(chunk)
            bar.update(len(chunk))
            if start == 0:
                _stage(on_stage, "embed")
    return passages, vectors


def passage_map(releases: Sequence[Release], passages: Sequence[Sequence[Passage]]) -> PassageMap:
    return PassageMap.build([r.id for r in releases], [[(p.start, p.end) for p in ps] for ps in passages])


def manifest(embedding_model: str, dimensions: int, precision: str, ner_model: str, passages: PassageMap,
             catalog: Catalog, skipped: int, **extra: Any) -> dict[str, Any]:
    return {
        "format": layout.FORMAT_VERSION,
        "created": dt.datetime.now(dt.timezone.utc).isoformat(timespec="seconds"),
        "embedding_model": embedding_model,
        "dimensions": dimensions,
        "embedding_precision": precision,
        "ner_model": ner_model,
        "releases": len(passages.release_ids),
        "passages": len(passages.passage_release),
        "entities": len(catalog.entities),
        "passage_words": PASSAGE_WORDS,
        "passage_overlap": PASSAGE_OVERLAP,
        "max_passages": MAX_PASSAGES,
        "keyword_schema": SCHEMA_VERSION,
        "skipped": skipped,
        **extra,
    }


def write_version(index_dir: Path, write_keyword: Callable[[Path, Callable[[], None]], None], vectors: np.ndarray,
                  passages: PassageMap, catalog: Catalog, meta: dict[str, Any], seconds: dict[str, float],
                  on_stage: StageHook | None = None) -> Path:
    """Write the four parts into a private build directory and publish it; on any failure remove the build."""
    build_dir = layout.new_build_dir(index_dir)
    try:
        with timed(seconds, "write"):
            write_keyword(build_dir / layout.KEYWORD_DIR, lambda: _stage(on_stage, "keyword"))
            _stage(on_stage, "write")
            write_vector_index(build_vector_index(vectors), build_dir / layout.VECTORS)
            passages.save(build_dir / layout.PASSAGES)
            catalog.save(build_dir / layout.CATALOG)
            layout.write_json(build_dir / layout.MANIFEST, meta)
        with timed(seconds, "publish"):
            return layout.publish(index_dir, build_dir, on_stage=on_stage)
    except BaseException:
        shutil.rmtree(build_dir, ignore_errors=True)
        raise


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
) -> BuildSummary:
    """Index every release under `paths` into a new version of `index_dir` (replacing all others) and publish it."""
    index_dir = Path(index_dir)
    seconds: dict[str, float] = {}
    with layout.writer_lock(index_dir):
        with timed(seconds, "parse"):
            releases, problems = parse_releases(paths, progress, on_stage)
        if not releases:
            raise nothing_to_index(paths, problems)

        with timed(seconds, "load models"):
            nlp = nlp or load_nlp(ner_model)
            embedder = embedder or load_embedder(embedding_model)

        with timed(seconds, "ner"):
            mentions = extract_all(nlp, releases, progress, on_stage)
            catalog = build_catalog([r.id for r in releases], mentions)

        with timed(seconds, "embed"):
            passages, vectors = embed_releases(embedder, releases, progress, on_stage)

        pmap = passage_map(releases, passages)
        keys = [catalog.releases[r.id].mention_keys() for r in releases]
        meta = manifest(embedder.name, embedder.dim, embedder.precision, ner_model, pmap, catalog, len(problems))
        version = write_version(
            index_dir, lambda path, hook: write_keyword_index(path, releases, keys, before_commit=hook),
            vectors, pmap, catalog, meta, seconds, on_stage)
    return BuildSummary(version, len(releases), len(pmap.passage_release), len(catalog.entities), problems, seconds)


def rebuild_keyword_index(paths: Sequence[str | Path], index_dir: str | Path, *, progress: bool = True) -> Path:
    """Publish a new version whose keyword index is rewritten from `paths` (the same releases the live version was
    built from) with the current schema; vectors, passages and catalog are copied, so no NER or embedding is redone.
    """
    index_dir = Path(index_dir)
    with layout.writer_lock(index_dir):
        return _rebuild_keyword_index(paths, index_dir, progress)


def _rebuild_keyword_index(paths: Sequence[str | Path], index_dir: Path, progress: bool) -> Path:
    live = layout.current_version(index_dir)
    catalog = Catalog.load(live / layout.CATALOG)
    releases = [r for r in tqdm(read_releases(paths), desc="parse", unit="release", disable=not progress)
                if isinstance(r, Release)]
    if [r.id for r in releases] != [str(rid) for rid in PassageMap.load(live / layout.PASSAGES).release_ids]:
        raise BuildError(f"the releases in {', '.join(map(str, paths))} are not the ones indexed in {live}")
    build_dir = layout.new_build_dir(index_dir)
    try:
        for name in (layout.VECTORS, layout.PASSAGES, layout.CATALOG):
            shutil.copy2(live / name, build_dir / name)
        write_keyword_index(build_dir / layout.KEYWORD_DIR, releases,
                            [catalog.releases[r.id].mention_keys() for r in releases])
        manifest = layout.read_json(live / layout.MANIFEST)
        manifest.update(keyword_schema=SCHEMA_VERSION,
                        created=dt.datetime.now(dt.timezone.utc).isoformat(timespec="seconds"))
        layout.write_json(build_dir / layout.MANIFEST, manifest)
        return layout.publish(index_dir, build_dir)
    except BaseException:
        shutil.rmtree(build_dir, ignore_errors=True)
        raise
