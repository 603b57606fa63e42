"""A stand-in embedding model whose worker process dies the first time it meets a chosen text, for the Ray build's
retry test (tests/indexer/ingest/test_distributed.py). A module of its own so that Ray workers import it by name
(the test starts its cluster with this tree on PYTHONPATH, as a real cluster needs the code on every node)."""
from __future__ import annotations

import os
from pathlib import Path
from typing import Sequence

from indexer.models.embeddings import Embedder
from tests.standins import EMBEDDER_NAME, HashedWords


class DiesOnceOn(HashedWords):
    """HashedWords that kills its process (os._exit: no exception, no cleanup, as a lost node or an OOM kill would)
    when a batch holds `needle` and `marker` does not exist yet; it creates `marker` first, so the retry lives."""

    def __init__(self, needle: str, marker: Path) -> None:
        super().__init__()
        self.needle, self.marker = needle, Path(marker)

    def encode(self, texts: Sequence[str], **options):
        if any(self.needle in t for t in texts):
            try:
                os.close(os.open(self.marker, os.O_CREAT | os.O_EXCL | os.O_WRONLY))
            except FileExistsError:
                pass  # the retry: embed as usual
            else:
                os._exit(1)
        return super().encode(texts, **options)


def dies_once_embedder(needle: str, marker: Path) -> Embedder:
    """The stand-in embedder (same name and vectors as tests.standins.hashed_words_embedder) that dies once."""
    return Embedder(name=EMBEDDER_NAME, model=DiesOnceOn(needle, marker), precision="fp32")
