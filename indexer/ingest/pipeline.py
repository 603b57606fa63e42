"""The steps every index writer shares: read the input, recognise entities, embed passages, write a version and
publish it. `build_index` (indexer.ingest.build) runs them over every release; `update_index`
(indexer.ingest.update) over the new and changed ones, keeping the rest of its base version. Both report through
one `Progress` and hold the index's writer lock for the whole run.
"""
from __future__ import annotations

import os
import shutil
import threading
from collections import Counter
from concurrent.futures import ThreadPoolExecutor, wait
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Callable, Iterable, Iterator, Sequence, TypeVar

import faiss
import numpy as np

from indexer.ingest.duplicates import write_duplicates
from indexer.ingest.entities import extract_mentions, load_nlp, release_text
from indexer.ingest.passages import MAX_PASSAGES, PASSAGE_OVERLAP, PASSAGE_WORDS, Passage, split_passages
from indexer.ingest.progress import Progress
from indexer.ingest.propagate import names_to_propagate, propagate, readable_text
from indexer.ingest.releases import Problem, read_releases
from indexer.models.embeddings import Embedder, load_embedder
from indexer.store import layout
from indexer.store.catalog import Catalog
from indexer.store.impacts import write_impacts
from indexer.store.keyword_index import SCHEMA_VERSION, update_keyword_index, write_keyword_index
from indexer.store.manifest import Manifest
from indexer.store.records import Mention, Release
from indexer.store.vectors import PassageMap, build_vector_index, write_vector_index

EMBED_CHUNK = 256  # passages per progress step (and per check of how many threads torch may use)
PARALLEL_NER_MIN = 400  # releases from which NER runs in several processes
# The points a run reports reaching (the crash tests kill the process at each): parse/ner/embed after their first
# item, "keyword" before the Whoosh commit, "write" after it, and inside publish "renamed" (version in place,
# CURRENT not swapped) and "swapped" (CURRENT swapped, old versions not yet pruned).
STAGES = ("parse", "ner", "embed", "keyword", "write", "renamed", "swapped")
# Stages that run in a background thread while "embed" runs: not part of the total.
BACKGROUND_STAGES = frozenset({"keyword index", "impacts"})
T = TypeVar("T")


class BuildError(RuntimeError):
    """The build could not produce a version; the last good version keeps serving. `problems`: what the input's
    reading reported before it failed (for `--problems FILE`)."""

    def __init__(self, message: str, problems: Sequence[Problem] = ()) -> None:
        super().__init__(message)
        self.problems = list(problems)


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

    @classmethod
    def of(cls, version: Path, manifest: Manifest, problems: list[Problem], progress: Progress,
           changes: dict[str, int] | None = None, *, published: bool = True) -> "BuildSummary":
        """The summary of `version`, which `manifest` describes."""
        return cls(version, manifest.releases, manifest.passages, manifest.entities, problems, progress.seconds,
                   changes, published)

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
        skipped = [p for p in self.problems if not p.kept]
        warned = [p for p in self.problems if p.kept]
        lines.append(_problem_lines(f"skipped {len(skipped)}", skipped))
        if warned:
            lines.append(_problem_lines(f"warned {len(warned)} (indexed, a field dropped)", warned))
        return "\n".join(lines)

    @property
    def skipped(self) -> int:
        """Files and lines skipped (the warnings on releases that were indexed not counted)."""
        return sum(not p.kept for p in self.problems)


SHOWN_PROBLEMS = 20  # per kind in the summary; `announcements index --problems FILE` writes every one


def _problem_lines(head: str, problems: Sequence[Problem]) -> str:
    """`head: 3 × reason, ...` and the first SHOWN_PROBLEMS problems, one a line."""
    if not problems:
        return "  " + head
    reasons = Counter(p.reason.split(":")[0].split(" (")[0] for p in problems)
    lines = [f"  {head}: " + ", ".join(f"{n} × {r}" for r, n in reasons.most_common())]
    lines += [f"    {p.origin}: {p.reason}" for p in problems[:SHOWN_PROBLEMS]]
    if len(problems) > SHOWN_PROBLEMS:
        lines.append(f"    … and {len(problems) - SHOWN_PROBLEMS} more (--problems FILE writes them all)")
    return "\n".join(lines)


# ---------------------------------------------------------------- reading and analysing releases

def parse_releases(paths: Sequence[str | Path], progress: Progress,
                   roots: Sequence[str] = ()) -> tuple[list[Release], list[Problem]]:
    """Every release under `paths` and every Problem (never raises on bad input); files' ids are relative to
    `roots` (the index's, and the folders in `paths` that no root holds: indexer.ingest.ids)."""
    releases: list[Release] = []
    problems: list[Problem] = []
    with progress.stage("parse", unit="release") as parse:
        for item in read_releases(paths, roots):
            (releases if isinstance(item, Release) else problems).append(item)
            parse.advance()
    return releases, problems


def read_input(paths: Sequence[str | Path], progress: Progress,
               roots: Sequence[str] = ()) -> tuple[list[Release], list[Problem]]:
    """`parse_releases`, or a BuildError naming what was skipped when `paths` hold no release at all."""
    releases, problems = parse_releases(paths, progress, roots)
    if not releases:
        where = ", ".join(str(p) for p in paths)
        raise BuildError(f"nothing to index: no releases found in {where} ({len(problems)} skipped)"
                         + "".join(f"\n  {p.origin}: {p.reason}" for p in problems[:SHOWN_PROBLEMS]), problems)
    return releases, problems


def ner_processes(releases: int) -> int:
    """NER worker processes for a batch: one per core for a corpus, none extra for a few releases (starting the
    workers costs about a second; each then runs at ~0.85 of one process's rate on this 2-core machine)."""
    return max(1, min(os.cpu_count() or 1, 2)) if releases >= PARALLEL_NER_MIN else 1


def extract_all(nlp, releases: Sequence[Release], progress: Progress,
                processes: int | None = None) -> list[list[Mention]]:
    """NER mentions of every release (NER reads the opening NER_WORDS words of each; evidence reads it all), in
    `processes` NER processes (default: ner_processes)."""
    texts = (release_text(r.title, r.body) for r in releases)
    mentions = []
    with progress.stage("ner", unit="release", total=len(releases)) as ner:
        for found in extract_mentions(nlp, texts, sources=(r.source for r in releases),
                                      n_process=processes or ner_processes(len(releases))):
            mentions.append(found)
            ner.advance()
    return mentions


def analyse(releases: Sequence[Release], progress: Progress, *, nlp, ner_model: str, embedder: Embedder | None,
            embedding_model: str) -> tuple[list[list[Mention]], Embedder]:
    """The NER mentions of `releases`, and the embedder that will embed them (`nlp` and `embedder` when given,
    else loaded by name). The embedder is loaded after NER: NER's worker processes are forked, and a fork is
    safest before torch starts its threads."""
    with progress.stage("load models"):
        nlp = nlp or load_nlp(ner_model)
    mentions = extract_all(nlp, releases, progress)
    with progress.stage("load models"):
        embedder = embedder or load_embedder(embedding_model)
    return mentions, embedder


def propagate_names(releases: Sequence[Release], mentions: Sequence[Sequence[Mention]], progress: Progress,
                    names: dict[str, str] | None = None) -> tuple[list[list[Mention]], dict[str, str]]:
    """The mentions with the corpus's confident names added where each release has them (indexer.ingest.propagate),
    and those names: learnt from these releases, or the given `names` (an update uses its base's)."""
    with progress.stage("names", unit="release", total=len(releases)) as stage:
        texts = [readable_text(r.title, r.body) for r in releases]
        names = names_to_propagate(texts, mentions) if names is None else names
        return propagate(texts, mentions, names, advance=stage.advance), names


def embed_releases(embedder: Embedder, releases: Sequence[Release], progress: Progress,
                   sharing: threading.Event | None = None) -> tuple[np.ndarray, PassageMap]:
    """One unit vector per passage (at most MAX_PASSAGES per release, in order) and the passages' map.

    While `sharing` is set (another thread of this build needs a core) torch runs one thread fewer: more busy threads
    than cores make torch's OpenMP threads spin at their barriers, which measured several times slower than
    simply leaving the other thread its core.
    """
    import torch

    with progress.stage("embed"):  # splitting is part of embedding's time; the bar counts passages
        passages = [split_passages(r.title, r.body) for r in releases]
        texts = [p.text for release_passages in passages for p in release_passages]
    with progress.stage("embed", unit="passage", total=len(texts)) as embed:
        vectors = np.zeros((len(texts), embedder.dim), dtype=np.float32)
        threads = torch.get_num_threads()
        try:
            for start in range(0, len(texts), EMBED_CHUNK):
                torch.set_num_threads(max(1, threads - 1) if sharing is not None and sharing.is_set() else threads)
                chunk = texts[start : start + EMBED_CHUNK]
                vectors[start : start + len(chunk)] = embedder.encode(chunk)
                embed.advance(len(chunk))
        finally:
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


# ---------------------------------------------------------------- writing a version

@dataclass
class VersionPlan:
    """What a new version is written from.

    A build indexes all its releases; an update copies its `base` and changes it: the `removed` ids leave the
    keyword index, the `releases` (new and changed) are added to it, and their vectors follow the `kept` ones.
    """
    releases: Sequence[Release]  # the releases to index and, with an embedder, to embed
    catalog: Catalog  # the whole version's entities
    embedder: Embedder | None  # None: nothing new to embed (a delete, or a rewrite of the keyword index)
    make_manifest: Callable[[PassageMap], Manifest]  # given the version's passages
    base: Path | None = None  # an update: the version whose keyword index is copied and changed
    removed: Sequence[str] = ()  # an update: ids deleted from the copied keyword index
    kept: tuple[np.ndarray, PassageMap] | None = None  # vectors and map of the releases kept from before
    # An update that removes no passage from an HNSW base: the base's index, to which only the new vectors are added
    # (a graph cannot drop a vector, so an update that removes one builds the graph again).
    grow: faiss.Index | None = None

    def __post_init__(self) -> None:
        if self.embedder is None and self.kept is None:
            raise ValueError("a version plan needs vectors: an embedder, or vectors kept from before")


def write_version(index_dir: Path, plan: VersionPlan, progress: Progress) -> tuple[Path, Manifest]:
    """Write the plan into a private build directory and publish it; on any failure remove the build.

    The keyword index and its BM25F impacts are written by a background thread while the passages are embedded in
    this one: Whoosh is one Python thread and torch spends its time in kernels that release the GIL, so the two
    share the machine's cores instead of taking turns (README "Indexing speed").
    """
    build_dir = layout.new_build_dir(index_dir)
    stop = threading.Event()  # set when this build fails: the keyword thread stops at its next document
    running = threading.Event()  # set while the keyword thread works
    running.set()
    pool = ThreadPoolExecutor(max_workers=1, thread_name_prefix="keyword-index")
    try:
        keyword = pool.submit(_write_keyword_part, plan, build_dir, stop, progress)
        keyword.add_done_callback(lambda _: running.clear())
        try:
            vectors, passages = _vectors(plan, progress, running)
        except BaseException:
            stop.set()
            wait([keyword])
            raise
        with progress.stage("write"):
            keyword.result()
            write_vector_index(_vector_index(plan, vectors), build_dir / layout.VECTORS)
            passages.save(build_dir / layout.PASSAGES)
            write_duplicates(build_dir, [str(r) for r in passages.release_ids], plan.releases, plan.base)
            plan.catalog.save(build_dir / layout.CATALOG)
            described = plan.make_manifest(passages)
            described.save(build_dir)
        with progress.stage("publish"):
            return layout.publish(index_dir, build_dir, on_stage=progress.reached), described
    except BaseException:
        stop.set()
        pool.shutdown(wait=True)
        shutil.rmtree(build_dir, ignore_errors=True)
        raise
    finally:
        pool.shutdown(wait=True)


def _vector_index(plan: VersionPlan, vectors: np.ndarray) -> faiss.Index:
    """The version's vector index: the base's graph with the new vectors added, or one built over all of them."""
    if plan.grow is not None and plan.grow.ntotal <= len(vectors):
        plan.grow.add(np.ascontiguousarray(vectors[plan.grow.ntotal:]))
        return plan.grow
    return build_vector_index(vectors)


def _vectors(plan: VersionPlan, progress: Progress, sharing: threading.Event) -> tuple[np.ndarray, PassageMap]:
    """The version's passage vectors and map: the kept ones, then those of the plan's releases (if it embeds)."""
    new = embed_releases(plan.embedder, plan.releases, progress, sharing) if plan.embedder is not None else None
    with progress.stage("embed"):
        if new is None:
            assert plan.kept is not None  # VersionPlan checks that there are vectors
            return plan.kept
        if plan.kept is None:
            return new
        return np.concatenate([plan.kept[0], new[0]]), plan.kept[1].extend(new[1])


def _write_keyword_part(plan: VersionPlan, build_dir: Path, stop: threading.Event, progress: Progress) -> None:
    """The Whoosh index, then its BM25F impacts, so that a published version answers its first query at full speed
    (an update reuses the postings of the segments it shares with its base)."""
    releases = until_stopped(plan.releases, stop)
    keys = [plan.catalog.releases[r.id].mention_keys() for r in plan.releases]
    target = build_dir / layout.KEYWORD_DIR

    def before_commit() -> None:
        progress.reached("keyword")

    with progress.stage("keyword index"):
        if plan.base is None:
            write_keyword_index(target, releases, keys, before_commit=before_commit)
        else:
            update_keyword_index(plan.base / layout.KEYWORD_DIR, target, releases, keys, sorted(plan.removed),
                                 before_commit=before_commit)
        progress.reached("write")
    with progress.stage("impacts"):
        write_impacts(target, build_dir / layout.IMPACTS, cache=build_dir / layout.POSTINGS,
                      reuse=[plan.base / layout.POSTINGS] if plan.base is not None else [])


def until_stopped(items: Iterable[T], stop: threading.Event) -> Iterator[T]:
    """`items`, raising BuildError once `stop` is set (a failed build's keyword thread ends at the next release)."""
    for item in items:
        if stop.is_set():
            raise BuildError("build stopped")
        yield item
