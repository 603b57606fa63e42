"""`announcements evaluate`: index a BEIR corpus with the product's build (indexer.ingest.beir), then score every
mode through the product's search (search.evaluate). It sits in the top layer because it composes the two."""
from __future__ import annotations

import shutil
import tempfile
from contextlib import contextmanager
from pathlib import Path
from typing import Iterator, Sequence

from indexer.ingest.beir import cached_index
from indexer.ingest.build import BuildError, build_index
from indexer.store import layout
from search.engine import Engine
from search.evaluate import BASE_MODES, EvaluationError, check_modes, load_beir, score_modes


@contextmanager
def _index_dir(cache_dir: str | Path | None) -> Iterator[Path]:
    if cache_dir is not None:
        yield Path(cache_dir)
        return
    tmp = Path(tempfile.mkdtemp(prefix="beir-index-"))
    try:
        yield tmp
    finally:
        shutil.rmtree(tmp, ignore_errors=True)


def evaluate(directory: str | Path, *, split: str = "test", modes: Sequence[str] = BASE_MODES,
             cache_dir: str | Path | None = None, nlp=None, embedder=None, progress: bool = True) -> dict:
    """{"dataset", "split", "queries", "modes": {mode: {metric: value}}} for one BEIR folder."""
    check_modes(modes)
    dataset = load_beir(directory, split)
    with _index_dir(cache_dir) as index_dir:
        try:
            if dataset.releases:
                _releases_index(dataset.corpus, index_dir, nlp=nlp, embedder=embedder, progress=progress)
            else:
                cached_index(dataset.corpus, index_dir, nlp=nlp, embedder=embedder, progress=progress)
        except BuildError as exc:
            raise EvaluationError(str(exc)) from exc
        engine = Engine.open(index_dir, embedder=embedder)
        report = score_modes(engine, dataset, modes)
        if dataset.releases:
            report["unindexed_relevant"] = unindexed_relevant(engine, dataset)
        return report


def _releases_index(releases: Path, index_dir: Path, *, nlp, embedder, progress: bool) -> None:
    """A set judged over the product's releases is scored on an index of them: one already in `index_dir` is used
    as it is and never written to (an index of all releases takes half an hour to build); else one is built there."""
    try:
        layout.current_version(index_dir)
        return
    except layout.IndexNotFound:
        pass
    summary = build_index([releases], index_dir, nlp=nlp, embedder=embedder, progress=progress)
    if summary.problems:
        raise BuildError(f"{len(summary.problems)} releases could not be indexed, e.g. "
                         f"{summary.problems[0].origin}: {summary.problems[0].reason}")


def unindexed_relevant(engine: Engine, dataset) -> int:
    """How many judged-relevant (query, release) pairs name a release the index lacks: on an index of a sample
    of the releases these count as misses, so scores are only comparable between runs on the same index."""
    return sum(1 for docs in dataset.qrels.values() for rid, grade in docs.items()
               if grade > 0 and rid not in engine.ordinal_of)
