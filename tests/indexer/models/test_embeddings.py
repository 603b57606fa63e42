from pathlib import Path

import numpy as np
import pytest

from indexer.models.embeddings import Embedder, resolve_model_path, resolve_precision
from indexer.ingest.passages import split_passages
from indexer.ingest.releases import read_releases

SEEDS = Path(__file__).resolve().parents[3] / "seeds"


def seed_passages():
    return [p.text for r in read_releases([SEEDS]) for p in split_passages(r.title, r.body)]


def test_vectors_are_unit_length_float32(embedder):
    vectors = embedder.encode(["Qingdao Port signs an agreement", "CIMC and Yunnan"])
    assert vectors.dtype == np.float32 and vectors.shape == (2, 384)
    assert np.allclose(np.linalg.norm(vectors, axis=1), 1.0, atol=1e-5)
    assert embedder.encode([]).shape == (0, 384)


def test_bf16_stays_within_cosine_0999_of_fp32(embedder):
    fp32 = Embedder(embedder.name, embedder.model, "fp32").encode(seed_passages())
    bf16 = Embedder(embedder.name, embedder.model, "bf16").encode(seed_passages())
    assert float((fp32 * bf16).sum(axis=1).min()) >= 0.999


def test_precision_and_model_resolution():
    assert resolve_precision("fp32") == "fp32"
    assert resolve_precision("auto") in ("bf16", "fp32")
    with pytest.raises(ValueError, match="precision must be one of auto, bf16, fp32"):
        resolve_precision("int8")
    assert Path(resolve_model_path("all-MiniLM-L6-v2"), "model.safetensors").is_file()
    assert resolve_model_path("/some/folder") == "/some/folder"


def test_query_vectors_are_fp32_whatever_the_index_precision(embedder):
    bf16 = Embedder(embedder.name, embedder.model, "bf16")
    fp32 = Embedder(embedder.name, embedder.model, "fp32")
    assert np.array_equal(bf16.encode_query("port agreements"), fp32.encode(["port agreements"])[0])
