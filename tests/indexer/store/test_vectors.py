"""The vector index picks exact or HNSW by size, and either way keeps the vectors exactly as they were added."""
import faiss
import numpy as np
import pytest

from indexer.store.vectors import (
    all_vectors, build_vector_index, is_approximate, read_vector_index, vectors_in_place, write_vector_index,
)


def unit_vectors(n: int, d: int = 16, seed: int = 0) -> np.ndarray:
    v = np.random.default_rng(seed).standard_normal((n, d)).astype(np.float32)
    return v / np.linalg.norm(v, axis=1, keepdims=True)


def test_below_the_threshold_the_index_is_exact_and_from_it_an_hnsw_graph():
    vectors = unit_vectors(50)
    exact = build_vector_index(vectors, approximate_from=51)
    graph = build_vector_index(vectors, approximate_from=50)
    assert isinstance(exact, faiss.IndexFlatIP) and not is_approximate(exact)
    assert isinstance(graph, faiss.IndexHNSWFlat) and is_approximate(graph)
    assert graph.metric_type == faiss.METRIC_INNER_PRODUCT


def test_the_default_threshold_is_read_when_the_build_runs(monkeypatch):
    import indexer.store.vectors as vectors_module

    monkeypatch.setattr(vectors_module, "APPROXIMATE_FROM", 10)
    assert is_approximate(build_vector_index(unit_vectors(10)))
    assert not is_approximate(build_vector_index(unit_vectors(9)))


@pytest.mark.parametrize("approximate_from", [1, 10**9])
def test_vectors_survive_a_write_and_read_exactly_and_are_read_in_place(tmp_path, approximate_from):
    vectors = unit_vectors(40)
    write_vector_index(build_vector_index(vectors, approximate_from=approximate_from), tmp_path / "v.faiss")
    ix = read_vector_index(tmp_path / "v.faiss")
    assert is_approximate(ix) == (approximate_from == 1)
    assert np.array_equal(all_vectors(ix), vectors)
    view = vectors_in_place(ix)
    assert np.array_equal(view, vectors)
    assert not view.flags.owndata  # a view of FAISS's storage, not a second copy of every vector


def test_an_empty_index_has_no_vectors_either_way():
    empty = np.zeros((0, 8), dtype=np.float32)
    for ix in (build_vector_index(empty), build_vector_index(empty, approximate_from=0)):
        assert vectors_in_place(ix).shape == (0, 8)
