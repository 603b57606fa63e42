"""Build one index version from release files: parse → entities → keyword index + vector index + catalog → publish.

`build_index` writes a version from scratch; `indexer.ingest.update` adds to, replaces in and deletes from the live version
with the same steps and `write_version`. Both hold the index's writer lock for the whole run.
"""
from __future__ import annotations

import os
import shutil
import threading
import time
from concurrent.futures import ThreadPoolExecutor, wait
from collections import Counter
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Callable, Iterable, Iterator, Sequence, TypeVar

import numpy as np
from tqdm import tqdm

from indexer.store import layout
from indexer.store.catalog import Catalog
from indexer.store.manifest import Manifest
from indexer.ingest.canonical import build_catalog
from indexer.models.embeddings import DEFAULT_EMBEDDING_MODEL, Embedder, load_embedder
from indexer.models.query_encoder import prepare_query_encoder
from indexer.ingest.entities import DEFAULT_NER_MODEL, extract_mentions, load_nlp, release_text
from indexer.store.records import Mention
from indexer.store.keyword_index import SCHEMA_VERSION, write_keyword_index
from indexer.ingest.passages import MAX_PASSAGES, PASSAGE_OVERLAP, PASSAGE_WORDS, Passage, split_passages
from indexer.ingest.releases import Problem, read_releases
from indexer.store.records import Release
from indexer.store.vectors import PassageMap, build_vector_index, write_vector_index
from indexer.store.impacts import write_impacts

EMBED_CHUNK = 256  # passages per progress step (and per check of how many threads torch may use)
PARALLEL_NER_MIN = 400  # releases from which NER runs in several processes
# Where a build can be stopped by `on_stage` (the crash tests kill the process at each):
# parse/ner/embed after their first item, "keyword" before the Whoosh commit, "write" after it, and inside publish
# "renamed" (version in place, CURRENT not swapped) and "swapped" (CURRENT swapped, old versions not yet pruned).
STAGES = ("parse", "ner", "embed", "keyword", "write", "renamed", "swapped")
StageHook = Callable[[str], None]
T = TypeVar("T")
# Stages that run in a background thread while "embed" runs: not part of the total.
BACKGROUND_STAGES = frozenset({"keyword index", "impacts"})


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
        total = sum(v for k, v in self.seconds.items() if k not in BACKGROUND_STAGES)
        size = f"{self.releases} releases ({self.passages} passages, {self.entities} entities)"
        if self.changes is None:
            head = f"Indexed {size} in {total:.1f} s → {self.version}"
        else:
            counts = ", ".join(f"{n} {what}" for what, n in self.changes.items())
            tail = f"now {size} in {total:.1f} s → {self.version}" if self.published else \
                f"nothing changed; {self.version} still serves {size}"
            head = f"Updated: {counts}; {tail}"
        stages = ", ".join(f"{k} {v:.1f} s" for k, v in self.seconds.items() if k not in BACKGROUND_STAGES)
        alongside = ", ".join(f"{k} {v:.1f} s" for k, v in self.seconds.items() if k in BACKGROUND_STAGES)
        lines = [head, "  time per stage: " + stages + (f" (alongside embed: {alongside})" if alongside else "")]
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


def ner_processes(releases: int) -> int:
    """NER worker processes for a batch: one per core for a corpus, none extra for a few releases (starting the
    workers costs about a second; each then runs at ~0.85 of one process's rate on this 2-core machine)."""
    return max(1, min(os.cpu_count() or 1, 2)) if releases >= PARALLEL_NER_MIN else 1


def extract_all(nlp, releases: Sequence[Release], progress: bool,
                on_stage: StageHook | None = None) -> list[list[Mention]]:
    """NER mentions of every release (NER reads the opening NER_WORDS words of each; evidence reads it all)."""
    texts = (release_text(r.title, r.body) for r in releases)
    mentions = []
    found_all = extract_mentions(nlp, texts, n_process=ner_processes(len(releases)))
    for n, found in enumerate(tqdm(found_all, total=len(releases), desc="ner", unit="release",
                                   disable=not progress)):
        mentions.append(found)
        if n == 0:
            _stage(on_stage, "ner")
    return mentions


def embed_releases(embedder: Embedder, releases: Sequence[Release], progress: bool,
                   on_stage: StageHook | None = None, sharing: threading.Event | None = None,
                   ) -> tuple[np.ndarray, PassageMap]:
    """One unit vector per passage (at most MAX_PASSAGES per release, in order) and the passages' map.

    While `sharing` is set (another thread of this build needs a core) torch runs one thread fewer: more busy threads
    than cores make torch's OpenMP threads spin at their barriers, which measured several times slower than
    simply leaving the other thread its core.
    """
    import torch

    passages = [split_passages(r.title, r.body) for r in releases]
    texts = [p.text for release_passages in passages for p in release_passages]
    vectors = np.zeros((len(texts), embedder.dim), dtype=np.float32)
    threads = torch.get_num_threads()
    with tqdm(total=len(texts), desc="embed", unit="passage", disable=not progress) as bar:
        for start in range(0, len(texts), EMBED_CHUNK):
            torch.set_num_threads(max(1, threads - 1) if sharing is not None and sharing.is_set() else threads)
            chunk = texts[start : start + EMBED_CHUNK]
            vectors[start : start + len(chunk)] = embedder.encode(chunk)
            bar.update(len(chunk))
            if start == 0:
                _stage(on_stage, "embed")
    torch.set_num_threads(threads)
    return vectors, passage_map(releases, passages)


def passage_map(releases: Sequence[Release], passages: Sequence[Sequence[Passage]]) -> PassageMap:
    return PassageMap.build([r.id for r in releases], [[(p.start, p.end) for p in ps] for ps in passages])


def manifest(embedding_model: str, dimensions: int, precision: str, ner_model: str, passages: PassageMap,
             catalog: Catalog, skipped: int, **extra: Any) -> Manifest:
    """The manifest of a version holding `passages` and `catalog`, split and indexed with this code's settings."""
    return Manifest(
        embedding_model=embedding_model,
        dimensions=dimensions,
        embedding_precision=precision,
        ner_model=ner_model,
        releases=len(passages.release_ids),
        passages=len(passages.passage_release),
        entities=len(catalog.entities),
        passage_words=PASSAGE_WORDS,
        passage_overlap=PASSAGE_OVERLAP,
        max_passages=MAX_PASSAGES,
        keyword_schema=SCHEMA_VERSION,
        skipped=skipped,
        **extra,
    )


KeywordWriter = Callable[[Path, Callable[[], None], threading.Event], None]
Embedding = Callable[[threading.Event], tuple[np.ndarray, PassageMap]]  # given "the keyword thread is running"


def write_version(index_dir: Path, write_keyword: KeywordWriter, embed: Embedding, catalog: Catalog,
                  make_manifest: Callable[[PassageMap], Manifest], seconds: dict[str, float],
                  on_stage: StageHook | None = None, base: Path | None = None) -> Path:
    """Write the parts into a private build directory and publish it; on any failure remove the build.

    The keyword index and its BM25F impacts are written by a background thread while `embed` runs in this one:
    Whoosh is one Python thread and torch spends its time in kernels that release the GIL, so the two share the
    machine's cores instead of taking turns (README "Indexing speed").
    """
    build_dir = layout.new_build_dir(index_dir)
    stop = threading.Event()  # set when this build fails: the keyword thread stops at its next document
    running = threading.Event()  # set while the keyword thread works
    running.set()
    pool = ThreadPoolExecutor(max_workers=1, thread_name_prefix="keyword-index")
    try:
        keyword = pool.submit(_write_keyword_part, write_keyword, build_dir, stop, seconds, on_stage, base)
        keyword.add_done_callback(lambda _: running.clear())
        try:
            with timed(seconds, "embed"):
                vectors, passages = embed(running)
        except BaseException:
            stop.set()
            wait([keyword])
            raise
        with timed(seconds, "write"):
            keyword.result()
            write_vector_index(build_vector_index(vectors), build_dir / layout.VECTORS)
            passages.save(build_dir / layout.PASSAGES)
            catalog.save(build_dir / layout.CATALOG)
            make_manifest(passages).save(build_dir)
        with timed(seconds, "publish"):
            return layout.publish(index_dir, build_dir, on_stage=on_stage)
    except BaseException:
        stop.set()
        pool.shutdown(wait=True)
        shutil.rmtree(build_dir, ignore_errors=True)
        raise
    finally:
        pool.shutdown(wait=True)


def _write_keyword_part(write_keyword: KeywordWriter, build_dir: Path, stop: threading.Event,
                        seconds: dict[str, float], on_stage: StageHook | None, base: Path | None) -> None:
    """The Whoosh index, then its BM25F impacts, so that a published version answers its first query at full speed
    (an update reuses the postings of the segments it shares with `base`, the version it updates)."""
    with timed(seconds, "keyword index"):
        write_keyword(build_dir / layout.KEYWORD_DIR, lambda: _stage(on_stage, "keyword"), stop)
        _stage(on_stage, "write")
    with timed(seconds, "impacts"):
        write_impacts(build_dir / layout.KEYWORD_DIR, build_dir / layout.IMPACTS, cache=build_dir / layout.POSTINGS,
                      reuse=[base / layout.POSTINGS] if base is not None else [])


def until_stopped(items: Iterable[T], stop: threading.Event) -> Iterator[T]:
    """`items`, raising BuildError once `stop` is set (a failed build's keyword thread ends at the next release)."""
    for item in items:
        if stop.is_set():
            raise BuildError("build stopped")
        yield item


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

        with timed(seconds, "ner"):
            mentions = extract_all(nlp, releases, progress, on_stage)
            catalog = build_catalog([r.id for r in releases], mentions)

        # Loaded after NER: NER's worker processes are forked, and a fork is safest before torch starts its threads.
        with timed(seconds, "load models"):
            embedder = embedder or load_embedder(embedding_model)
        keys = [catalog.releases[r.id].mention_keys() for r in releases]
        version = write_version(
            index_dir,
            lambda path, hook, stop: write_keyword_index(path, until_stopped(releases, stop), keys,
                                                         before_commit=hook),
            lambda sharing: embed_releases(embedder, releases, progress, on_stage, sharing), catalog,
            lambda pmap: manifest(embedder.name, embedder.dim, embedder.precision, ner_model, pmap, catalog,
                                  len(problems)),
            seconds, on_stage)
        # The server's query vectors come from an ONNX export of this model; make it while the model is loaded.
        prepare_query_encoder(embedder)
    return BuildSummary(version, len(releases), Manifest.load(version).passages, len(catalog.entities), problems,
                        seconds)


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
        write_impacts(build_dir / layout.KEYWORD_DIR, build_dir / layout.IMPACTS, cache=build_dir / layout.POSTINGS)
        Manifest.load(live).replace(keyword_schema=SCHEMA_VERSION, created=Manifest.now()).save(build_dir)
        return layout.publish(index_dir, build_dir)
    except BaseException:
        shutil.rmtree(build_dir, ignore_errors=True)
        raise
