"""`build_index(..., ray_address=...)` / `announcements index PATH --ray`: NER and embedding as Ray tasks on a local
two-CPU cluster, with the stand-in models. The Ray build must equal the local build of the same releases, also when
a worker dies mid-run (Ray runs its block again: nothing lost, nothing doubled)."""
from __future__ import annotations

import gzip
import json
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

from indexer.ingest import distributed
from indexer.ingest.build import BuildError, build_index
from indexer.store import layout
from indexer.store.layout import IndexNotFound
from indexer.store.manifest import Manifest
from indexer.store.vectors import PassageMap, all_vectors, read_vector_index
from search.engine import Engine
from search.request import SearchRequest
from tests.indexer.ingest.ray_standins import dies_once_embedder
from tests.standins import NER_NAME, TINY_CORPUS, hashed_words_embedder, ruler_nlp

pytestmark = pytest.mark.system  # starts a Ray cluster (worker processes)
ROOT = Path(__file__).resolve().parents[3]
NEEDLE = TINY_CORPUS[5]["title"]  # t6's title opens its passage's text: the block holding t6 dies once
REAL_EACH_SIDE = 60
BLOCK = 20


@pytest.fixture(scope="module")
def ray_cluster():
    """A local cluster of two CPUs whose workers import this tree (a real cluster needs the code on every node)."""
    import ray

    ray.init(num_cpus=2, include_dashboard=False, logging_level="ERROR", log_to_driver=False,
             runtime_env={"env_vars": {"PYTHONPATH": str(ROOT)}})
    yield ray
    ray.shutdown()


@pytest.fixture(scope="module")
def corpus(tmp_path_factory, press_releases) -> Path:
    """60 real releases, the six of TINY_CORPUS (whose entities the stand-in NER knows), 60 more real ones."""
    with gzip.open(press_releases, "rt", encoding="utf-8") as src:
        real = [line for _, line in zip(range(2 * REAL_EACH_SIDE), src)]
    lines = real[:REAL_EACH_SIDE] + [json.dumps(r) + "\n" for r in TINY_CORPUS] + real[REAL_EACH_SIDE:]
    path = tmp_path_factory.mktemp("ray-corpus") / "corpus.jsonl"
    path.write_text("".join(lines), encoding="utf-8")
    return path


@pytest.fixture(scope="module")
def local_build(tmp_path_factory, corpus):
    index_dir = tmp_path_factory.mktemp("local-index")
    summary = build_index([corpus], index_dir, nlp=ruler_nlp(), embedder=hashed_words_embedder(), ner_model=NER_NAME,
                          progress=False)
    return index_dir, summary


@pytest.fixture(scope="module")
def ray_build(tmp_path_factory, corpus, ray_cluster):
    """The same corpus on Ray in blocks of 20 releases; the worker embedding t6's block dies on its first try."""
    index_dir = tmp_path_factory.mktemp("ray-index")
    marker = tmp_path_factory.mktemp("ray-marker") / "died-once"
    patch = pytest.MonkeyPatch()
    patch.setattr(distributed, "BLOCK_RELEASES", BLOCK)
    try:
        summary = build_index([corpus], index_dir, nlp=ruler_nlp(), embedder=dies_once_embedder(NEEDLE, marker),
                              ner_model=NER_NAME, progress=False, ray_address="auto")
    finally:
        patch.undo()
    return index_dir, summary, marker


def _version(index_dir: Path) -> Path:
    return layout.current_version(index_dir)


def test_a_worker_died_mid_run_and_its_block_was_run_again(ray_build):
    _, summary, marker = ray_build
    assert marker.exists()  # the worker of t6's block (the fourth of seven) called os._exit once
    assert summary.releases == 2 * REAL_EACH_SIDE + len(TINY_CORPUS)
    assert "ray: ner + embed" in summary.seconds  # NER and embedding ran on the cluster


def test_the_ray_build_has_the_local_builds_releases_passages_and_entities(local_build, ray_build):
    local, ray = _version(local_build[0]), _version(ray_build[0])
    local_map, ray_map = PassageMap.load(local / layout.PASSAGES), PassageMap.load(ray / layout.PASSAGES)
    assert list(ray_map.release_ids) == list(local_map.release_ids)
    assert len(set(ray_map.release_ids)) == len(ray_map.release_ids) == 126  # none lost, none doubled
    for field in ("passage_release", "passage_start", "passage_end"):
        assert np.array_equal(getattr(ray_map, field), getattr(local_map, field)), field
    assert layout.read_json(ray / layout.CATALOG) == layout.read_json(local / layout.CATALOG)
    local_manifest, ray_manifest = Manifest.load(local), Manifest.load(ray)
    assert ray_manifest.replace(created=local_manifest.created) == local_manifest
    assert local_manifest.entities > 0 and local_manifest.passages > 126


def test_the_ray_builds_vectors_match_the_local_ones(local_build, ray_build):
    local = all_vectors(read_vector_index(_version(local_build[0]) / layout.VECTORS))
    ray = all_vectors(read_vector_index(_version(ray_build[0]) / layout.VECTORS))
    assert ray.shape == local.shape
    cosines = np.einsum("ij,ij->i", ray, local) / (np.linalg.norm(ray, axis=1) * np.linalg.norm(local, axis=1))
    assert cosines.min() >= 0.9999


def test_the_ray_build_answers_searches_and_facets_like_the_local_one(local_build, ray_build):
    engines = [Engine.open(index_dir, embedder=hashed_words_embedder()) for index_dir in (local_build[0], ray_build[0])]
    request = SearchRequest(q="lidar sensors for warehouse robots")
    local, ray = (engine.search(request) for engine in engines)
    assert [h.id for h in ray.hits] == [h.id for h in local.hits]
    assert ray.hits[0].id in ("t1", "t3")
    counts = [{t: {v.value: v.count for v in values} for t, values in r.facets.items()} for r in (local, ray)]
    assert counts[1] == counts[0] and counts[1]["org"]["Acme Robotics"] >= 2


def test_a_model_that_does_not_load_on_the_workers_fails_the_build_and_publishes_nothing(tmp_path, corpus,
                                                                                          ray_cluster):
    with pytest.raises(BuildError, match=r"a Ray task failed on releases .*spaCy model 'no-such-ner-model' is not "
                                         r"installed"):
        build_index([corpus], tmp_path, embedder=hashed_words_embedder(), ner_model="no-such-ner-model",
                    progress=False, ray_address="auto")
    with pytest.raises(IndexNotFound):
        layout.current_version(tmp_path)


def test_a_local_build_never_imports_ray(tmp_path):
    """Without --ray, Ray stays out of the process (it costs ~1 s to import and is an optional extra)."""
    corpus = tmp_path / "tiny.jsonl"
    corpus.write_text("".join(json.dumps(r) + "\n" for r in TINY_CORPUS), encoding="utf-8")
    script = ("import sys\n"
              "from indexer.ingest.build import build_index\n"
              "from tests.standins import NER_NAME, hashed_words_embedder, ruler_nlp\n"
              f"build_index([{str(corpus)!r}], {str(tmp_path / 'index')!r}, nlp=ruler_nlp(),"
              " embedder=hashed_words_embedder(), ner_model=NER_NAME, progress=False)\n"
              "import indexer.cli, web.cli\n"
              "print(sorted(m for m in sys.modules if m == 'ray' or m.startswith('ray.')))\n")
    done = subprocess.run([sys.executable, "-c", script], cwd=ROOT, capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr[-2000:]
    assert done.stdout.strip().splitlines()[-1] == "[]"
