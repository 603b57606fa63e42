"""The fast tier's stand-in models (tests/standins.py) behave as the code that uses them expects."""
import numpy as np

from indexer.ingest.entities import extract_mentions
from indexer.models.query_encoder import load_query_encoder, model_shape
from search.request import SearchRequest
from tests.standins import DIMENSIONS, EMBEDDER_NAME


def test_the_embedder_gives_deterministic_unit_vectors_through_the_real_embedder(fast_embedder):
    texts = ["Qingdao Port signs an agreement", "ports signing agreements", "trees in the community garden"]
    vectors = fast_embedder.encode(texts)
    assert vectors.dtype == np.float32 and vectors.shape == (3, DIMENSIONS) == (3, fast_embedder.dim)
    assert np.allclose(np.linalg.norm(vectors, axis=1), 1.0, atol=1e-6)
    assert np.array_equal(vectors, fast_embedder.encode(texts))
    assert fast_embedder.encode([]).shape == (0, DIMENSIONS)
    # Stemmed words shared: "port", "sign", "agreement" (the stop word "an" is dropped).
    assert float(vectors[0] @ vectors[1]) == max(float(vectors[0] @ v) for v in vectors[1:])
    assert np.array_equal(fast_embedder.encode_query(texts[0]), vectors[0])


def test_query_vectors_take_the_torch_fallback_without_an_onnx_export(fast_embedder, query_encoder_cache, tiny_engine):
    assert model_shape(EMBEDDER_NAME) is None  # not a model folder: nothing to export
    cached = set(query_encoder_cache.iterdir())  # the session's cache (real-model tests may have exported MiniLM)
    encoder = load_query_encoder(EMBEDDER_NAME, fast_embedder)
    assert encoder.backend == "torch"
    assert np.array_equal(encoder.encode_query("lidar sensors"), fast_embedder.encode(["lidar sensors"])[0])
    tiny_engine.search(SearchRequest(q="lidar sensors", mode="semantic"))
    assert tiny_engine.query_encoder.backend == "torch"
    assert set(query_encoder_cache.iterdir()) == cached


def test_the_ner_stand_in_labels_exactly_its_names_in_one_or_two_processes(fast_nlp):
    texts = ["Acme Robotics acquires Borealis Sensors\n\nJane Okafor said the robots ship from Lyon.",
             "Nothing here is a known name, not even Acme alone."] * 3
    one = list(extract_mentions(fast_nlp, texts))
    assert [(m.name, m.label) for m in one[0] if m.label in ("org", "person", "place")] == [
        ("Acme Robotics", "org"), ("Borealis Sensors", "org"), ("Jane Okafor", "person"), ("Lyon", "place")]
    assert [m for m in one[1] if m.label in ("org", "person", "place", "facility")] == []
    assert list(extract_mentions(fast_nlp, texts, n_process=2)) == one
