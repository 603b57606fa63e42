"""The live index: hands out the Engine of the currently published version, switching when a new one appears.

A request keeps the Engine it was given, so a rebuild never changes an index under a running query.
"""
from __future__ import annotations

import logging
import threading
import time
from pathlib import Path

from indexer.store import layout
from indexer.models.embeddings import Embedder
from search.engine import Engine

log = logging.getLogger(__name__)


class LiveIndex:
    def __init__(self, index_dir: str | Path, *, embedder: Embedder | None = None, check_seconds: float = 1.0,
                 warm: bool = False) -> None:
        """`warm`: build each newly published version's spelling dictionary and type-ahead lists in a background thread (the server warms
        the first version itself before it listens), so that no user's query waits for it after an update."""
        self.index_dir = Path(index_dir)
        self._warm = warm
        self._embedder = embedder
        self._check_seconds = check_seconds
        self._lock = threading.Lock()
        self._engine: Engine | None = None
        self._checked = 0.0

    def engine(self) -> Engine:
        """The Engine of the live version (raises layout.IndexNotFound when there is none)."""
        now = time.monotonic()
        engine = self._engine
        if engine is not None and now - self._checked < self._check_seconds:
            return engine
        # Opening a version can take seconds (its BM25F impacts are computed on first open); while one request
        # does that, the others keep answering from the current version instead of queueing on the lock.
        if not self._lock.acquire(blocking=engine is None):
            return engine
        try:
            try:
                version = layout.current_version(self.index_dir)
                if self._engine is None or self._engine.version_dir != version:
                    # The next version keeps the loaded models (Engine checks they are the version's).
                    shared = self._engine.loaded_models() if self._engine else {}
                    switching = self._engine is not None
                    self._engine = Engine(version, **({"embedder": self._embedder} | shared))
                    if switching and self._warm:
                        threading.Thread(target=_warm, args=(self._engine,), name="warm-index", daemon=True).start()
            except Exception:
                if self._engine is None:
                    raise
                # A version that cannot be opened (removed by hand, damaged disk) must not take the server down:
                # keep answering from the one that works, and try again at the next check.
                log.exception("cannot open the index version named by %s; still serving %s",
                              self.index_dir / layout.CURRENT, self._engine.version_dir)
            self._checked = now
            return self._engine
        finally:
            self._lock.release()


def warm(engine: Engine) -> None:
    """Build what a version's first queries would otherwise wait for: the spelling dictionary and the type-ahead lists
    (full corpus: ~13 s for the vocabulary both use, ~5 s for the lists)."""
    engine.spelling.warm()
    engine.suggester.warm()


def _warm(engine: Engine) -> None:
    try:
        warm(engine)
    except Exception:  # a failed warm-up only means the first query that needs them builds them
        log.exception("could not warm the spelling dictionary and suggestions of %s", engine.version_dir)
