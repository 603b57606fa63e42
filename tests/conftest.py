"""Session-wide fixtures: each real model is loaded once per test session."""
from __future__ import annotations

from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
SEEDS = ROOT / "seeds"
SHARED_DATA = ROOT.parent / "shared" / "data"
PRESS_RELEASES = SHARED_DATA / "press-releases" / "press_releases.jsonl.gz"


@pytest.fixture(scope="session", autouse=True)
def query_encoder_cache(tmp_path_factory):
    """A fresh cache for the ONNX query encoder, so every session exercises the export (child processes inherit it)."""
    import os

    old = os.environ.get("ANNOUNCEMENTS_CACHE")
    os.environ["ANNOUNCEMENTS_CACHE"] = str(tmp_path_factory.mktemp("cache"))
    yield Path(os.environ["ANNOUNCEMENTS_CACHE"])
    if old is None:
        os.environ.pop("ANNOUNCEMENTS_CACHE", None)
    else:
        os.environ["ANNOUNCEMENTS_CACHE"] = old


@pytest.fixture(scope="session")
def shared_data() -> Path:
    """../shared/data: the real press releases and SciFact (read in place, never copied)."""
    return SHARED_DATA


@pytest.fixture(scope="session")
def nlp():
    """The real spaCy pipeline (NER only), loaded once."""
    from indexer.ingest.entities import load_nlp

    return load_nlp()


@pytest.fixture(scope="session")
def embedder():
    """The real embedding model (packaged all-MiniLM-L6-v2), loaded once."""
    from indexer.models.embeddings import load_embedder

    return load_embedder()


def _built_index(tmp_path_factory, name: str, source: Path, nlp, embedder) -> Path:
    """A fresh index of `source`, built once per session with the real pipeline."""
    from indexer.ingest.build import build_index

    index_dir = tmp_path_factory.mktemp(name)
    build_index([source], index_dir, nlp=nlp, embedder=embedder, progress=False)
    return index_dir


def _engine(index_dir: Path, embedder):
    from search.engine import Engine

    return Engine.open(index_dir, embedder=embedder)


@pytest.fixture(scope="session")
def seed_index(tmp_path_factory, nlp, embedder) -> Path:
    """An index of the two seed releases."""
    return _built_index(tmp_path_factory, "seed-index", SEEDS, nlp, embedder)


@pytest.fixture(scope="session")
def seed_engine(seed_index, embedder):
    return _engine(seed_index, embedder)


@pytest.fixture(scope="session")
def sample_corpus(tmp_path_factory) -> Path:
    """The first 300 real press releases, copied at test time (the data is never committed)."""
    import gzip

    if not PRESS_RELEASES.exists():
        pytest.skip(f"real corpus not found at {PRESS_RELEASES}")
    path = tmp_path_factory.mktemp("sample") / "sample.jsonl"
    with gzip.open(PRESS_RELEASES, "rt", encoding="utf-8") as src, open(path, "w", encoding="utf-8") as dst:
        for _, line in zip(range(300), src):
            dst.write(line)
    return path


@pytest.fixture(scope="session")
def sample_index(tmp_path_factory, sample_corpus, nlp, embedder) -> Path:
    """An index of the 300-release real sample."""
    return _built_index(tmp_path_factory, "sample-index", sample_corpus, nlp, embedder)


@pytest.fixture(scope="session")
def sample_engine(sample_index, embedder):
    return _engine(sample_index, embedder)
