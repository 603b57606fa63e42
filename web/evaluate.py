"""`announcements evaluate`: index a BEIR corpus with the product's build (indexer.ingest.beir), then score every
mode through the product's search (search.evaluate). It sits in the top layer because it composes the two."""
from __future__ import annotations

import shutil
import tempfile
from contextlib import contextmanager
from pathlib import Path
from typing import Iterator, Sequence

from indexer.ingest.beir import cached_index
from indexer.ingest.build import BuildError
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
            cached_index(dataset.corpus, index_dir, nlp=nlp, embedder=embedder, progress=progress)
        except BuildError as exc:
            raise EvaluationError(str(exc)) from exc
        return score_modes(Engine.open(index_dir, embedder=embedder), dataset, modes)
