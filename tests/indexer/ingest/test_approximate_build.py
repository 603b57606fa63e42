"""From APPROXIMATE_FROM passages the build writes an HNSW index by itself; search and updates work on it as on the
exact one (the tiny corpus with the stand-ins, the threshold lowered to 1)."""
import pytest

import indexer.store.vectors as vectors_module
from indexer.ingest.build import build_index
from indexer.ingest.update import update_index
from indexer.store import layout
from indexer.store.check import check_index
from indexer.store.manifest import Manifest
from indexer.store.vectors import is_approximate, read_vector_index
from search.engine import Engine
from search.request import SearchRequest
from tests.standins import NER_NAME, TINY_CORPUS, write_tiny_corpus


@pytest.fixture
def graph_index(tmp_path, monkeypatch, fast_nlp, fast_embedder):
    monkeypatch.setattr(vectors_module, "APPROXIMATE_FROM", 1)
    corpus = write_tiny_corpus(tmp_path / "tiny.jsonl", TINY_CORPUS[:5])
    build_index([corpus], tmp_path / "index", nlp=fast_nlp, embedder=fast_embedder, ner_model=NER_NAME,
                progress=False)
    return tmp_path / "index"


@pytest.mark.parametrize(("q", "mode"), [("lidar sensors", "hybrid"), ("wind farm financing", "semantic"),
                                         ("Acme Robotics", "keyword"), ("warehouse robots", "hybrid")])
def test_a_graph_index_finds_what_the_exact_one_finds(graph_index, tiny_engine, fast_embedder, q, mode):
    engine = Engine.open(graph_index, embedder=fast_embedder)
    assert engine.semantic.approximate
    assert not tiny_engine.semantic.approximate
    request = SearchRequest(q=q, mode=mode)
    want = [h.id for h in tiny_engine.search(request).hits if h.id != "t6"]  # t6 is not in the graph index
    assert [h.id for h in engine.search(request).hits] == want


def test_an_update_rebuilds_the_graph_with_every_passage(graph_index, tmp_path, fast_nlp, fast_embedder):
    extra = write_tiny_corpus(tmp_path / "extra.jsonl", TINY_CORPUS[5:])
    update_index([extra], graph_index, nlp=fast_nlp, embedder=fast_embedder, progress=False)
    version, problems = check_index(graph_index)
    assert problems == []
    ix = read_vector_index(version / layout.VECTORS)
    assert is_approximate(ix) and ix.ntotal == Manifest.load(version).passages
    engine = Engine.open(graph_index, embedder=fast_embedder)
    assert [h.id for h in engine.search(SearchRequest(q="community garden trees")).hits][:1] == ["t6"]


def test_an_update_that_only_adds_grows_the_graph_and_one_that_replaces_builds_it_again(
        graph_index, tmp_path, monkeypatch, fast_nlp, fast_embedder):
    import indexer.ingest.pipeline as pipeline

    built = []
    real_build = pipeline.build_vector_index
    monkeypatch.setattr(pipeline, "build_vector_index", lambda vectors: built.append(len(vectors)) or
                        real_build(vectors))
    before = read_vector_index(layout.current_version(graph_index) / layout.VECTORS)
    update_index([write_tiny_corpus(tmp_path / "extra.jsonl", TINY_CORPUS[5:])], graph_index, nlp=fast_nlp,
                 embedder=fast_embedder, progress=False)
    grown = read_vector_index(layout.current_version(graph_index) / layout.VECTORS)
    assert built == [] and is_approximate(grown) and grown.ntotal > before.ntotal
    assert (vectors_module.all_vectors(grown)[:before.ntotal] == vectors_module.all_vectors(before)).all()
    replaced = dict(TINY_CORPUS[5], body="Volunteers planted three hundred trees by the river.")
    update_index([write_tiny_corpus(tmp_path / "again.jsonl", [replaced])], graph_index, nlp=fast_nlp,
                 embedder=fast_embedder, progress=False)
    assert len(built) == 1  # t6's old passages had to leave the graph
    version, problems = check_index(graph_index)
    assert problems == [] and read_vector_index(version / layout.VECTORS).ntotal == Manifest.load(version).passages
    engine = Engine.open(graph_index, embedder=fast_embedder)
    assert [h.id for h in engine.search(SearchRequest(q="trees by the river", mode="semantic")).hits][:1] == ["t6"]
