"""Query vectors for one index: the index's embedding model, loaded on the first semantic query, and the vectors of
recent queries (paging and facet clicks repeat the query text)."""
from __future__ import annotations

import functools
import threading
from typing import Any

import numpy as np

from indexer.models.embeddings import Embedder
from indexer.models.query_encoder import QueryEncoder, load_query_encoder
from indexer.store.layout import IndexMismatch

CACHE_SIZE = 1024  # recent query embeddings kept


class QueryVectors:
    def __init__(self, model_name: str, *, embedder: Embedder | None = None,
                 query_encoder: QueryEncoder | None = None) -> None:
        """`embedder` / `query_encoder`: models already loaded (tests, evaluate, the previous version's engine);
        each must be the index's model."""
        for model in (embedder, query_encoder):
            if model is not None and model.name != model_name:
                raise IndexMismatch(f"the index was built with embedding model {model_name!r}, not {model.name!r}; "
                                    "query with the same model or rebuild the index")
        self.model_name = model_name
        self._embedder = embedder
        self._encoder = query_encoder
        self._loading = threading.Lock()
        self.vector = functools.lru_cache(maxsize=CACHE_SIZE)(self._encode)

    @property
    def encoder(self) -> QueryEncoder:
        """ONNX Runtime where possible (indexer.models.query_encoder), else torch. Loaded once: concurrent first
        queries would each load a model (or start an export)."""
        if self._encoder is None:
            with self._loading:
                if self._encoder is None:
                    self._encoder = load_query_encoder(self.model_name, self._embedder)
        return self._encoder

    def _encode(self, text: str) -> np.ndarray:
        vector = self.encoder.encode_query(text)
        vector.flags.writeable = False  # shared by every request with the same text
        return vector

    def loaded_models(self) -> dict[str, Any]:
        """The models loaded so far, for the next version's engine to share."""
        loaded = {"embedder": self._embedder, "query_encoder": self._encoder}
        return {k: v for k, v in loaded.items() if v is not None}
