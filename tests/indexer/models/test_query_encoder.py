import json
import shutil
import subprocess
import sys
import textwrap
from pathlib import Path

import numpy as np
import pytest

from indexer.models.embeddings import resolve_model_path
from indexer.models.query_encoder import (TorchQueryEncoder, load_query_encoder, model_shape, onnx_path)
from indexer.ingest.releases import read_releases

ROOT = Path(__file__).resolve().parents[3]
QUERIES = [
    "agreements involving ports",
    "  Qingdao Port  ",  # sentence-transformers strips the text
    "Société Générale émet une obligation verte à Zürich",
    "CIMC 中集 Yunnan",
    "",
]


def test_onnx_query_vectors_match_the_torch_model(embedder):
    encoder = load_query_encoder(embedder.name, embedder)
    assert encoder.backend == "onnxruntime" and encoder.name == "all-MiniLM-L6-v2"
    # Release titles and a whole body: the body is longer than the model's 256 word pieces, so truncation is tested.
    releases = list(read_releases([ROOT / "seeds"]))
    texts = QUERIES + [r.title for r in releases] + [releases[0].body]
    assert len(embedder.model.tokenizer(releases[0].body)["input_ids"]) > 256
    for text in texts:
        onnx, torch = encoder.encode_query(text), embedder.encode_query(text)
        assert onnx.dtype == np.float32 and onnx.shape == (384,)
        assert abs(float(np.linalg.norm(onnx)) - 1.0) < 1e-5
        assert float(onnx @ torch) >= 0.9999, text
    # Different texts still get different vectors (a broken graph could return one vector for all).
    assert float(encoder.encode_query("port agreements") @ encoder.encode_query("clinical trial results")) < 0.5


def test_a_damaged_export_is_made_again(embedder):
    shape = model_shape(embedder.name)
    load_query_encoder(embedder.name, embedder)
    path = onnx_path(shape)
    path.write_bytes(b"not an onnx file")
    encoder = load_query_encoder(embedder.name, embedder)
    assert encoder.backend == "onnxruntime" and path.stat().st_size > 1_000_000
    assert float(encoder.encode_query("port") @ embedder.encode_query("port")) >= 0.9999


def test_a_model_the_onnx_path_cannot_pool_falls_back_to_torch(tmp_path, embedder, caplog):
    model = tmp_path / "cls-model"
    shutil.copytree(resolve_model_path(embedder.name), model)
    config = model / "1_Pooling" / "config.json"
    config.write_text(json.dumps(json.loads(config.read_text()) | {"pooling_mode_mean_tokens": False,
                                                                   "pooling_mode_cls_token": True}))
    assert model_shape(str(model)) is None
    assert model_shape(embedder.name) is not None
    encoder = load_query_encoder(str(model))
    assert isinstance(encoder, TorchQueryEncoder) and encoder.backend == "torch"
    assert "not a local Transformer + mean pooling folder" in caplog.text
    assert encoder.encode_query("port").shape == (384,)


def test_a_server_answers_semantic_queries_without_importing_torch(seed_index, embedder):
    # The export is made by the build (seed_index); a server process then loads only ONNX Runtime.
    script = textwrap.dedent(f"""
        import sys
        from search.engine import Engine
        from search.request import parse_request
        engine = Engine.open({str(seed_index)!r})
        hits = engine.search(parse_request({{"q": ["container shipping port agreement"], "mode": ["semantic"]}})).hits
        print(engine.query_encoder.backend, "torch" in sys.modules, hits[0].id if hits else None)
    """)
    out = subprocess.run([sys.executable, "-c", script], cwd=ROOT, capture_output=True, text=True, check=True)
    # The port release (SITC, Hisense and Qingdao Port) is found by meaning alone.
    assert out.stdout.split() == ["onnxruntime", "False", "004_adb0e8ee3c5d47dd"]


@pytest.mark.parametrize("name", ["sentence-transformers/some-hub-model", "/no/such/folder"])
def test_names_that_are_not_local_folders_have_no_onnx_shape(name):
    assert model_shape(name) is None
