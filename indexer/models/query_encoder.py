"""Query vectors without torch: the embedding model exported once to ONNX and run by ONNX Runtime.

A query is one short text, and for one short text torch spends most of its time on per-operator overhead: measured
on 2 cores (AVX2, one thread per query) torch takes ~17 ms per query and ONNX Runtime ~6 ms, for the same vector
(cosine 0.9999999). A server that answers queries this way never imports torch, which also keeps ~400 MB out of its
memory. The export needs torch and the model, so it runs where they are loaded anyway (at the end of a build) or,
on a cache miss in the server, in a child process; the file is cached per model and machine, outside any index.
Any failure (no onnxruntime, a model this module cannot pool, a damaged file) falls back to the torch encoder.
"""
from __future__ import annotations

import hashlib
import json
import logging
import os
import subprocess
import sys
import warnings
from dataclasses import dataclass
from pathlib import Path
from typing import Protocol

import numpy as np

from indexer.store.atomic import atomic_path
from indexer.models.embeddings import Embedder, load_embedder, resolve_model_path

log = logging.getLogger(__name__)

EXPORT_FORMAT = 1  # bump when the exported graph changes, so caches are rebuilt
_INPUTS = ("input_ids", "attention_mask", "token_type_ids")


class QueryEncoder(Protocol):
    name: str  # the embedding model's name, as an index manifest records it
    backend: str

    def encode_query(self, text: str) -> np.ndarray:
        """One query's unit-length float32 vector."""


@dataclass(frozen=True)
class ModelShape:
    """What the ONNX path must reproduce of a sentence-transformers folder: Transformer, mean Pooling, Normalize."""

    model_dir: Path
    max_seq_length: int


def model_shape(name: str) -> ModelShape | None:
    """The folder's shape if it is a local Transformer + mean-pooling model (the default is), else None."""
    model_dir = Path(resolve_model_path(name))
    try:
        modules = json.loads((model_dir / "modules.json").read_text(encoding="utf-8"))
        kinds = [m["type"].rsplit(".", 1)[-1] for m in modules]
        if kinds not in (["Transformer", "Pooling"], ["Transformer", "Pooling", "Normalize"]) or modules[0]["path"]:
            return None
        pooling = json.loads((model_dir / modules[1]["path"] / "config.json").read_text(encoding="utf-8"))
        modes = {k for k, v in pooling.items() if k.startswith("pooling_mode") and v}
        if modes != {"pooling_mode_mean_tokens"} or not (model_dir / "tokenizer.json").is_file():
            return None
        config = json.loads((model_dir / "sentence_bert_config.json").read_text(encoding="utf-8"))
        if config.get("do_lower_case"):
            return None  # sentence-transformers lowercases before the tokenizer; not reproduced here
        return ModelShape(model_dir, int(config["max_seq_length"]))
    except (OSError, ValueError, KeyError, IndexError, TypeError):
        return None


def cache_dir() -> Path:
    """$ANNOUNCEMENTS_CACHE, else $XDG_CACHE_HOME/announcements-search, else ~/.cache/announcements-search."""
    explicit = os.environ.get("ANNOUNCEMENTS_CACHE")
    if explicit:
        return Path(explicit)
    base = os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache"
    return Path(base) / "announcements-search"


def onnx_path(shape: ModelShape) -> Path:
    """Where the export of this model lives: keyed by its folder and weights, so a changed model is re-exported."""
    weights = sorted(p for p in shape.model_dir.iterdir() if p.suffix in (".safetensors", ".bin"))
    key = json.dumps([str(shape.model_dir.resolve()), EXPORT_FORMAT,
                      [(p.name, p.stat().st_size, p.stat().st_mtime_ns) for p in weights]])
    return cache_dir() / f"query-encoder-{hashlib.sha256(key.encode()).hexdigest()[:20]}.onnx"


def export_onnx(embedder: Embedder, path: Path) -> None:
    """Write the model's transformer (token vectors out; pooling is done in numpy) as ONNX, atomically."""
    import torch

    class TokenVectors(torch.nn.Module):
        """Keyword arguments: the positional order of forward() differs between transformers releases."""

        def __init__(self, transformer: torch.nn.Module) -> None:
            super().__init__()
            self.transformer = transformer

        def forward(self, input_ids, attention_mask, token_type_ids):  # noqa: ANN001 - traced tensors
            return self.transformer(input_ids=input_ids, attention_mask=attention_mask,
                                    token_type_ids=token_type_ids).last_hidden_state

    module = TokenVectors(embedder.model[0].auto_model).eval()
    sample = embedder.model.tokenizer(["an example query"], return_tensors="pt")
    path.parent.mkdir(parents=True, exist_ok=True)
    axes = {name: {0: "batch", 1: "tokens"} for name in (*_INPUTS, "token_vectors")}
    # The tracer's warnings (constants in the trace, the legacy exporter) are about graphs unlike this one.
    with atomic_path(path) as tmp, torch.inference_mode(False), torch.no_grad(), warnings.catch_warnings():
        warnings.simplefilter("ignore")
        torch.onnx.export(module, tuple(sample[k] for k in _INPUTS), str(tmp), input_names=list(_INPUTS),
                          output_names=["token_vectors"], dynamic_axes=axes, opset_version=17, dynamo=False)


class OnnxQueryEncoder:
    """The exported model in ONNX Runtime (one thread per call: requests run in parallel threads)."""

    backend = "onnxruntime"

    def __init__(self, name: str, shape: ModelShape, path: Path) -> None:
        import onnxruntime
        from tokenizers import Tokenizer

        self.name = name
        options = onnxruntime.SessionOptions()
        options.intra_op_num_threads = 1
        options.inter_op_num_threads = 1
        self._session = onnxruntime.InferenceSession(str(path), options, providers=["CPUExecutionProvider"])
        # Feed only the inputs the graph declares (an exporter may drop one the model ignores).
        self._inputs = [i.name for i in self._session.get_inputs()]
        if not set(self._inputs) <= set(_INPUTS):
            raise ValueError(f"unexpected ONNX inputs {self._inputs}")
        self._tokenizer = Tokenizer.from_file(str(shape.model_dir / "tokenizer.json"))
        # As sentence-transformers calls the tokenizer: its own length limit, no padding for a single text.
        self._tokenizer.no_padding()
        self._tokenizer.enable_truncation(shape.max_seq_length)
        self.encode_query("warm up")  # fails here, where the caller can fall back, rather than on the first query

    def encode_query(self, text: str) -> np.ndarray:
        encoding = self._tokenizer.encode(text.strip())
        columns = dict(zip(_INPUTS, (encoding.ids, encoding.attention_mask, encoding.type_ids)))
        feed = {name: np.array([columns[name]], dtype=np.int64) for name in self._inputs}
        tokens = self._session.run(None, feed)[0][0]
        vector = tokens.mean(axis=0, dtype=np.float64)  # mean pooling (one text: every token counts)
        return (vector / max(float(np.linalg.norm(vector)), 1e-12)).astype(np.float32)


class TorchQueryEncoder:
    """The fallback: the sentence-transformers model itself."""

    backend = "torch"

    def __init__(self, embedder: Embedder) -> None:
        self.name = embedder.name
        self.embedder = embedder

    def encode_query(self, text: str) -> np.ndarray:
        return self.embedder.encode_query(text)


def ensure_onnx(name: str, embedder: Embedder | None = None) -> Path | None:
    """The cached export of model `name`, made now if missing: in this process when the model is already loaded,
    else in a child process (so that this one never imports torch). None if the model cannot take the ONNX path."""
    shape = model_shape(name)
    if shape is None:
        return None
    path = onnx_path(shape)
    if path.is_file():
        return path
    if embedder is not None:
        export_onnx(embedder, path)
    else:
        done = subprocess.run([sys.executable, "-m", "indexer.models.query_encoder", name], capture_output=True, text=True)
        if done.returncode != 0:
            raise RuntimeError(f"exporting {name!r} to ONNX failed: {done.stderr.strip()[-500:]}")
    return path


def prepare_query_encoder(embedder: Embedder) -> None:
    """Export the model for the server now, while it is loaded (a build ends with this); a failure only warns."""
    try:
        ensure_onnx(embedder.name, embedder)
    except Exception as exc:  # the server will try again, or fall back to torch
        log.warning("could not export %r to ONNX for queries: %s", embedder.name, exc)


def load_query_encoder(name: str, embedder: Embedder | None = None) -> QueryEncoder:
    """ONNX Runtime when the model can take that path, else torch (with the reason in the log)."""
    try:
        import onnxruntime  # noqa: F401 - missing: straight to torch

        shape = model_shape(name)
        if shape is None:
            raise ValueError("the model is not a local Transformer + mean pooling folder")
        cached = onnx_path(shape).is_file()
        try:
            return OnnxQueryEncoder(name, shape, ensure_onnx(name, embedder))  # type: ignore[arg-type]
        except Exception:
            if not cached:
                raise  # a fresh export failed: exporting again would fail the same way
            # A damaged cached file (a killed copy, a full disk): export once more.
            onnx_path(shape).unlink(missing_ok=True)
            return OnnxQueryEncoder(name, shape, ensure_onnx(name, embedder))  # type: ignore[arg-type]
    except Exception as exc:  # onnxruntime missing, export or load failed: queries must still work
        log.warning("query vectors from torch (%s)", exc)
    return TorchQueryEncoder(embedder or load_embedder(name))


def _main() -> None:
    """`python -m indexer.models.query_encoder NAME`: export NAME's ONNX file into the cache."""
    name = sys.argv[1]
    shape = model_shape(name)
    if shape is None:
        sys.exit(f"{name!r} cannot be exported: not a local Transformer + mean pooling folder")
    export_onnx(load_embedder(name, "fp32"), onnx_path(shape))


if __name__ == "__main__":
    _main()
