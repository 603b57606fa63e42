"""A server's LiveIndex builds a newly published version's spelling dictionary and type-ahead lists in the background, so that no
user's query waits for it after an update; without `warm` nothing is built before a query needs it."""
from __future__ import annotations

import shutil
import time

from indexer.ingest.update import update_index
from search.live import LiveIndex


def _copy(tiny_index, tmp_path):
    target = tmp_path / "index"
    shutil.copytree(tiny_index, target)
    return target


def _publish_a_new_version(index_dir, tmp_path, fast_nlp, fast_embedder) -> None:
    source = tmp_path / "new.jsonl"
    source.write_text('{"id": "w1", "title": "Acme opens a warehouse", "body": "Acme opened a warehouse."}\n')
    update_index([source], index_dir, nlp=fast_nlp, embedder=fast_embedder, progress=False)


def _built(engine) -> bool:
    return engine.spelling._symspell is not None and engine.suggester._starts is not None


def _nothing_built(engine) -> bool:
    return engine.spelling._symspell is None and engine.suggester._starts is None


def test_a_switch_warms_the_new_version_in_the_background(tiny_index, tmp_path, fast_nlp, fast_embedder):
    index_dir = _copy(tiny_index, tmp_path)
    live = LiveIndex(index_dir, embedder=fast_embedder, check_seconds=0.0, warm=True)
    first = live.engine()
    assert _nothing_built(first)  # the first version: the server warms it itself before it listens
    _publish_a_new_version(index_dir, tmp_path, fast_nlp, fast_embedder)
    second = live.engine()
    assert second is not first
    deadline = time.monotonic() + 30
    while not _built(second) and time.monotonic() < deadline:
        time.sleep(0.05)
    assert _built(second)


def test_without_warm_a_switch_builds_nothing_early(tiny_index, tmp_path, fast_nlp, fast_embedder):
    index_dir = _copy(tiny_index, tmp_path)
    live = LiveIndex(index_dir, embedder=fast_embedder, check_seconds=0.0)
    live.engine()
    _publish_a_new_version(index_dir, tmp_path, fast_nlp, fast_embedder)
    second = live.engine()
    time.sleep(0.3)
    assert _nothing_built(second)
