"""A real waitress server (web.server, the limits `announcements serve` uses) on a free loopback port, for tests."""
from __future__ import annotations

import threading
from contextlib import contextmanager
from pathlib import Path
from typing import Iterator

from waitress import wasyncore

from web.app import create_app
from web.server import create_server


@contextmanager
def running_server(index_dir: Path, embedder, threads: int = 4) -> Iterator[tuple[str, int]]:
    """(host, port) of a server over `index_dir` while the block runs; shut down after it."""
    app = create_app({"INDEX_DIR": index_dir, "EMBEDDER": embedder})
    srv = create_server(app, host="127.0.0.1", port=0, threads=threads)
    runner = threading.Thread(target=srv.run, daemon=True)
    runner.start()
    try:
        yield srv.effective_host, srv.effective_port
    finally:
        srv.task_dispatcher.shutdown()
        wasyncore.close_all(srv._map)
        runner.join(timeout=10)


@contextmanager
def server_url(index_dir: Path, embedder) -> Iterator[str]:
    """The base URL (http://127.0.0.1:PORT) of a running_server over `index_dir` while the block runs."""
    with running_server(index_dir, embedder) as (host, port):
        yield f"http://{host}:{port}"
