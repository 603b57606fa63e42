"""The semantic retriever on an HNSW index: the graph's nearest releases and the named ones get their exact
similarity, the rest none; on a small index it ranks exactly like the flat one."""
import numpy as np
import pytest

import search.semantic as semantic_module
from indexer.store.vectors import PassageMap, build_vector_index
from search.semantic import SemanticRetriever


def corpus(releases: int, d: int = 24, seed: int = 1):
    """Unit passage vectors around 40 topics; release i has i % 3 passages (0, 1 or 2)."""
    rng = np.random.default_rng(seed)
    topics = rng.standard_normal((40, d))
    spans = [[(0, 10), (10, 20)][: i % 3] for i in range(releases)]
    count = sum(len(s) for s in spans)
    vectors = topics[rng.integers(0, 40, count)] + 0.6 * rng.standard_normal((count, d))
    vectors = (vectors / np.linalg.norm(vectors, axis=1, keepdims=True)).astype(np.float32)
    passages = PassageMap.build([f"r{i}" for i in range(releases)], spans)
    return vectors, passages


def retrievers(vectors, passages):
    return (SemanticRetriever(build_vector_index(vectors, approximate_from=10**9), passages),
            SemanticRetriever(build_vector_index(vectors, approximate_from=1), passages))


def query(vectors, i):
    return vectors[i] / np.linalg.norm(vectors[i])


def test_the_graph_finds_the_exact_top_releases():
    vectors, passages = corpus(6000)
    exact, approximate = retrievers(vectors, passages)
    assert approximate.approximate and not exact.approximate
    recalls = []
    for i in range(0, 3000, 150):
        v = query(vectors, i)
        want = np.argsort(-exact.release_similarities(v), kind="stable")[:100]
        got = approximate.release_similarities(v, approximate.passage_similarities(v))
        recalls.append(np.isfinite(got[want]).mean())
        found = np.isfinite(got)
        assert np.allclose(got[found], exact.release_similarities(v)[found], atol=1e-5)  # exact where found
    assert np.mean(recalls) >= 0.99


def test_releases_named_in_also_get_their_exact_similarity_and_no_others(monkeypatch):
    monkeypatch.setattr(semantic_module, "APPROXIMATE_PASSAGES", 20)
    vectors, passages = corpus(3000)
    exact, approximate = retrievers(vectors, passages)
    v = query(vectors, 0)
    truth = exact.release_similarities(v)
    farthest = np.argsort(truth)[:5]  # never among the graph's 20 nearest passages
    farthest = farthest[np.isfinite(truth[farthest])]
    plain = approximate.release_similarities(v, approximate.passage_similarities(v))
    assert np.isfinite(plain).sum() <= 20 and not np.isfinite(plain[farthest]).any()  # at most 20 releases
    named = approximate.release_similarities(v, approximate.passage_similarities(v, also=farthest))
    assert np.allclose(named[farthest], truth[farthest], atol=1e-5)
    assert np.isfinite(named).sum() == np.isfinite(plain).sum() + len(farthest)


def test_a_release_without_passages_named_in_also_stays_without_a_similarity():
    vectors, passages = corpus(30)
    _, approximate = retrievers(vectors, passages)
    v = query(vectors, 0)
    sims = approximate.release_similarities(v, approximate.passage_similarities(v, also=np.array([0, 3, 4, 5])))
    assert np.isneginf(sims[[0, 3]]).all()  # releases 0 and 3 have no passages
    assert np.isfinite(sims[[4, 5]]).all()


@pytest.mark.parametrize(("mode", "q"), [
    ("hybrid", "agreements involving ports"), ("semantic", "first quarter earnings of a home appliance maker"),
    ("hybrid", "acquisition of a software company"), ("semantic", "new chief executive"),
])
def test_on_the_real_sample_an_hnsw_index_ranks_like_the_exact_one(sample_engine, mode, q):
    """300 real releases: the graph's 2,000 passages cover every passage, so every hit and score must be the same."""
    from indexer.store.vectors import all_vectors, read_vector_index
    from indexer.store import layout
    from search.request import SearchRequest

    exact = sample_engine.search(SearchRequest(q=q, mode=mode, limit=20))
    flat = sample_engine.semantic
    vectors = all_vectors(read_vector_index(sample_engine.version_dir / layout.VECTORS))
    try:
        sample_engine.semantic = SemanticRetriever(build_vector_index(vectors, approximate_from=1), flat.passages)
        assert sample_engine.semantic.approximate
        approximate = sample_engine.search(SearchRequest(q=q, mode=mode, limit=20))
    finally:
        sample_engine.semantic = flat
    assert [h.id for h in approximate.hits] == [h.id for h in exact.hits]
    assert approximate.total == exact.total
    assert np.allclose([h.score for h in approximate.hits], [h.score for h in exact.hits], atol=1e-6)


@pytest.mark.parametrize("approximate_from", [1, 10**9])
def test_rescoring_named_releases_gives_their_exact_similarity_and_no_other(approximate_from):
    vectors, passages = corpus(600)
    exact = SemanticRetriever(build_vector_index(vectors, approximate_from=10**9), passages)
    retriever = SemanticRetriever(build_vector_index(vectors, approximate_from=approximate_from), passages)
    v = query(vectors, 5)
    named = np.array([7, 2, 8, 7, 597])  # a repeat, and release 597 (597 % 3 == 0) without passages
    sims = retriever.release_similarities(v, retriever.passage_similarities_of(v, named))
    truth = exact.release_similarities(v)
    assert np.allclose(sims[[2, 7, 8]], truth[[2, 7, 8]], atol=1e-6)
    assert np.isfinite(sims).sum() == 3  # 597 has no passages; nothing else was scored


@pytest.mark.parametrize("approximate_from", [1, 10**9])
def test_a_release_s_best_passage_is_its_most_similar_one_the_first_of_equals(approximate_from):
    e = np.eye(4, dtype=np.float32)
    # r0: passages 0, 1 (1 is the query); r1: none; r2: passages 2, 3 (equal: both the query); r3: passage 4
    vectors = np.stack([e[1], e[0], e[0], e[0], e[2]])
    passages = PassageMap.build(["r0", "r1", "r2", "r3"], [[(0, 1), (1, 2)], [], [(0, 1), (1, 2)], [(0, 1)]])
    retriever = SemanticRetriever(build_vector_index(vectors, approximate_from=approximate_from), passages)
    sims = retriever.passage_similarities(e[0])
    scores = retriever.release_similarities(e[0], sims)
    assert scores.tolist() == [1.0, -np.inf, 1.0, 0.0]
    assert retriever.best_passages(np.array([2, 0, 3, 1]), scores, sims).tolist() == [2, 1, 4, -1]
    run = retriever.run(np.array([0, 2]), scores, sims)
    assert run.ordinals.tolist() == [0, 2] and run.passages.tolist() == [1, 2]
