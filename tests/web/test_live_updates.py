"""Searches in other threads and in a served process never fail and never see a half-built index while updates,
deletes and a full rebuild publish new versions."""
import json
import os
import signal
import subprocess
import sys
import threading
import time
import urllib.request
from pathlib import Path

import pytest

from indexer.ingest.build import build_index
from indexer.ingest.update import delete_releases, update_index
from web.app import create_app

BIN = Path(sys.executable).parent


def jsonl(path: Path, ids: list[str], word: str = "port") -> Path:
    path.write_text("".join(json.dumps({"id": i, "title": f"{word} release {i}", "body": f"The {word} of {i} grew."})
                            + "\n" for i in ids), encoding="utf-8")
    return path


def publish_versions(tmp_path: Path, index_dir: Path, nlp, embedder) -> list[set[str]]:
    """Publish an add, a replace, a delete and a rebuild; return every id set a reader may legitimately see."""
    snapshots = [{"a", "b", "c"}]
    update_index([jsonl(tmp_path / "d.jsonl", ["d"])], index_dir, nlp=nlp, embedder=embedder, progress=False)
    snapshots.append({"a", "b", "c", "d"})
    update_index([jsonl(tmp_path / "b.jsonl", ["b"], word="harbour")], index_dir, nlp=nlp, embedder=embedder,
                 progress=False)
    delete_releases(["c"], index_dir)
    snapshots.append({"a", "b", "d"})
    build_index([jsonl(tmp_path / "xy.jsonl", ["x", "y"])], index_dir, nlp=nlp, embedder=embedder, progress=False)
    snapshots.append({"x", "y"})
    return snapshots


def hammer(fetch, stop: threading.Event, seen: list, errors: list) -> None:
    while not stop.is_set():
        try:
            status, body = fetch("/api/search?limit=100")
            if status != 200 or body["total"] != len(body["hits"]):
                errors.append((status, body))
            else:
                seen.append(frozenset(h["id"] for h in body["hits"]))
            status, body = fetch("/api/search?q=port+release&mode=hybrid&limit=100")
            if status != 200:
                errors.append((status, body))
        except Exception as exc:  # a failed request is exactly what this test looks for
            errors.append(repr(exc))


def run_clients(fetch, n: int, work) -> tuple[list, list]:
    stop, seen, errors = threading.Event(), [], []
    threads = [threading.Thread(target=hammer, args=(fetch, stop, seen, errors)) for _ in range(n)]
    for t in threads:
        t.start()
    try:
        result = work()
        time.sleep(1.5)  # let the readers pick up the last version
    finally:
        stop.set()
        for t in threads:
            t.join(timeout=60)
    return result, seen, errors


@pytest.fixture
def index_dir(tmp_path, nlp, embedder):
    path = tmp_path / "index"
    build_index([jsonl(tmp_path / "abc.jsonl", ["a", "b", "c"])], path, nlp=nlp, embedder=embedder, progress=False)
    return path


def test_threads_searching_during_updates_see_only_whole_versions(tmp_path, index_dir, nlp, embedder):
    app = create_app({"INDEX_DIR": index_dir, "EMBEDDER": embedder, "INDEX_CHECK_SECONDS": 0})

    def fetch(url):
        res = app.test_client().get(url)
        return res.status_code, res.get_json()

    snapshots, seen, errors = run_clients(fetch, 4, lambda: publish_versions(tmp_path, index_dir, nlp, embedder))
    assert errors == []
    assert {s for s in seen} <= {frozenset(s) for s in snapshots}
    assert frozenset({"a", "b", "c"}) in seen and frozenset({"x", "y"}) in seen


def test_a_served_process_answers_every_request_during_updates(tmp_path, index_dir, nlp, embedder):
    import socket

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    proc = subprocess.Popen([str(BIN / "announcements"), "serve", "--index", str(index_dir), "--port", str(port)],
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, env={**os.environ})

    def fetch(url):
        try:
            with urllib.request.urlopen(f"http://127.0.0.1:{port}{url}", timeout=60) as res:
                return res.status, json.loads(res.read())
        except urllib.error.HTTPError as err:
            return err.code, json.loads(err.read())

    try:
        deadline = time.monotonic() + 120
        while True:
            try:
                if fetch("/healthz")[0] == 200:
                    break
            except OSError:
                if time.monotonic() > deadline or proc.poll() is not None:
                    pytest.fail("server did not start")
                time.sleep(0.3)
        snapshots, seen, errors = run_clients(fetch, 4, lambda: publish_versions(tmp_path, index_dir, nlp, embedder))
    finally:
        proc.send_signal(signal.SIGTERM)
        proc.wait(timeout=30)
    assert errors == []
    assert {s for s in seen} <= {frozenset(s) for s in snapshots}
    assert frozenset({"x", "y"}) in seen


def test_a_damaged_new_version_does_not_take_the_server_down(tmp_path, index_dir, nlp, embedder):
    from indexer.store import layout

    app = create_app({"INDEX_DIR": index_dir, "EMBEDDER": embedder, "INDEX_CHECK_SECONDS": 0})
    client = app.test_client()
    assert client.get("/api/search").get_json()["total"] == 3
    summary = delete_releases(["c"], index_dir)
    (summary.version / layout.CATALOG).write_text("{not json")  # damaged after publishing
    res = client.get("/api/search")
    assert res.status_code == 200 and res.get_json()["total"] == 3  # still the last version that opens
