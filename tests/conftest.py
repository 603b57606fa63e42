"""Session-wide fixtures and the test tiers.

Tiers (markers registered in pyproject.toml; `make test-fast` runs `-m "not model and not system"`):
- `model`: needs the real spaCy NER or MiniLM embedder (the `nlp` / `embedder` fixtures and all built on them);
- `system`: starts subprocesses, servers or browsers, or reads the ../shared corpus;
- neither: the fast tier, which builds its small indexes with the deterministic stand-ins of tests/standins.py.
Existing tests are marked here, from the fixtures they use and where they live, so no test module has to say it.
"""
from __future__ import annotations

import inspect
import os
from pathlib import Path

import pytest

from tests.standins import (LISTED_CORPUS, NER_NAME, TINY_CORPUS, TINY_COPIES, hashed_words_embedder, listed_nlp,
                            ruler_nlp, write_tiny_corpus)

ROOT = Path(__file__).resolve().parent.parent
SEEDS = ROOT / "seeds"
SHARED_DATA = ROOT.parent / "shared" / "data"
PRESS_RELEASES = SHARED_DATA / "press-releases" / "press_releases.jsonl.gz"

# Fixtures that load a real model (directly or through a real build); `item.fixturenames` is the whole closure, so
# `nlp` and `embedder` alone would do, the rest are listed for the reader.
MODEL_FIXTURES = frozenset({"nlp", "embedder", "seed_index", "seed_engine", "sample_index", "sample_engine", "client"})
SYSTEM_FIXTURES = frozenset({"shared_data", "sample_corpus", "press_releases"})  # read ../shared/data
# Whole modules that run servers, subprocesses or a browser.
SYSTEM_MODULES = frozenset({"test_crash.py", "test_serve.py", "test_live_updates.py"})
SYSTEM_FOLDERS = frozenset({"browser"})


def _calls_a_subprocess(item: pytest.Item) -> bool:
    """A test function that runs a child process itself (a CLI, a fresh interpreter)."""
    function = getattr(item, "function", None)
    try:
        source = inspect.getsource(function) if function is not None else ""
    except (OSError, TypeError):
        return False
    return "subprocess." in source


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    for item in items:
        names = set(getattr(item, "fixturenames", ()))
        path = Path(str(item.path))
        if names & MODEL_FIXTURES:
            item.add_marker(pytest.mark.model)
        if (names & SYSTEM_FIXTURES or path.name in SYSTEM_MODULES
                or SYSTEM_FOLDERS & set(path.relative_to(ROOT / "tests").parts[:-1])
                or _calls_a_subprocess(item)):
            item.add_marker(pytest.mark.system)


def require_shared(path: Path) -> Path:
    """`path` under ../shared/data, or a skip when it is missing; in CI (CI set) a failure, so that a missing corpus
    can never pass as a green run."""
    if path.exists():
        return path
    message = f"{path} is missing: the tests read the real data from ../shared/data beside the project"
    if os.environ.get("CI", "").strip().lower() not in ("", "0", "false"):
        pytest.fail(message + " (CI must provide it)", pytrace=False)
    pytest.skip(message)


@pytest.fixture(scope="session", autouse=True)
def query_encoder_cache(tmp_path_factory):
    """A fresh cache for the ONNX query encoder, so every session exercises the export (child processes inherit it)."""
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
    return require_shared(SHARED_DATA)


@pytest.fixture(scope="session")
def press_releases() -> Path:
    """The real press releases (../shared/data/press-releases/press_releases.jsonl.gz)."""
    return require_shared(PRESS_RELEASES)


# -- the real models (tier `model`) ---------------------------------------------------------------------------------

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


def _built_index(tmp_path_factory, name: str, source: Path, nlp, embedder, **options) -> Path:
    """A fresh index of `source`, built once per session with the real pipeline."""
    from indexer.ingest.build import build_index

    index_dir = tmp_path_factory.mktemp(name)
    build_index([source], index_dir, nlp=nlp, embedder=embedder, progress=False, **options)
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
def sample_corpus(tmp_path_factory, press_releases) -> Path:
    """The first 300 real press releases, copied at test time (the data is never committed)."""
    import gzip

    path = tmp_path_factory.mktemp("sample") / "sample.jsonl"
    with gzip.open(press_releases, "rt", encoding="utf-8") as src, open(path, "w", encoding="utf-8") as dst:
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


# -- the stand-ins (fast tier): the real build, search and web code on small indexes --------------------------------

@pytest.fixture(scope="session")
def fast_nlp():
    """spaCy's blank English with an entity_ruler for the names in seeds/ and TINY_CORPUS (tests/standins.py)."""
    return ruler_nlp()


@pytest.fixture(scope="session")
def fast_embedder():
    """The real Embedder around a 64-dimension hashed bag of stemmed words (tests/standins.py)."""
    return hashed_words_embedder()


@pytest.fixture(scope="session")
def fast_seed_index(tmp_path_factory, fast_nlp, fast_embedder) -> Path:
    """The two seed releases, indexed with the stand-ins."""
    return _built_index(tmp_path_factory, "fast-seed-index", SEEDS, fast_nlp, fast_embedder, ner_model=NER_NAME)


@pytest.fixture(scope="session")
def fast_seed_engine(fast_seed_index, fast_embedder):
    return _engine(fast_seed_index, fast_embedder)


@pytest.fixture(scope="session")
def tiny_index(tmp_path_factory, fast_nlp, fast_embedder) -> Path:
    """TINY_CORPUS (six releases, t1..t6, whose answers are known), indexed with the stand-ins."""
    corpus = write_tiny_corpus(tmp_path_factory.mktemp("tiny-corpus") / "tiny.jsonl")
    return _built_index(tmp_path_factory, "tiny-index", corpus, fast_nlp, fast_embedder, ner_model=NER_NAME)


@pytest.fixture(scope="session")
def tiny_engine(tiny_index, fast_embedder):
    return _engine(tiny_index, fast_embedder)


@pytest.fixture(scope="session")
def copies_index(tmp_path_factory, fast_nlp, fast_embedder) -> Path:
    """TINY_CORPUS plus TINY_COPIES (copies whose duplicate grouping is known), indexed with the stand-ins."""
    corpus = write_tiny_corpus(tmp_path_factory.mktemp("copies-corpus") / "copies.jsonl", TINY_CORPUS + TINY_COPIES)
    return _built_index(tmp_path_factory, "copies-index", corpus, fast_nlp, fast_embedder, ner_model=NER_NAME)


@pytest.fixture(scope="session")
def copies_engine(copies_index, fast_embedder):
    return _engine(copies_index, fast_embedder)


@pytest.fixture(scope="session")
def listed_index(tmp_path_factory, fast_embedder) -> Path:
    """LISTED_CORPUS (wires and tickers whose facets are known), indexed with the stand-ins and the ticker patterns."""
    corpus = write_tiny_corpus(tmp_path_factory.mktemp("listed-corpus") / "listed.jsonl", LISTED_CORPUS)
    return _built_index(tmp_path_factory, "listed-index", corpus, listed_nlp(), fast_embedder, ner_model=NER_NAME)


@pytest.fixture(scope="session")
def listed_engine(listed_index, fast_embedder):
    return _engine(listed_index, fast_embedder)


@pytest.fixture(scope="module")
def base_url(tiny_index, fast_embedder):
    """http://127.0.0.1:PORT of a real waitress server over the tiny index (a module may override it)."""
    from tests.servers import server_url

    with server_url(tiny_index, fast_embedder) as url:
        yield url


@pytest.fixture(scope="session")
def fast_client(tiny_index, fast_embedder):
    """A Flask test client on the tiny index."""
    from web.app import create_app

    return create_app({"INDEX_DIR": tiny_index, "EMBEDDER": fast_embedder, "TESTING": True}).test_client()
