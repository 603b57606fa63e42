"""A real `announcements serve` (waitress) on a free loopback port, and the CLI's JSON."""
import json
import os
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

import pytest

BIN = Path(sys.executable).parent
PORTS = "004_adb0e8ee3c5d47dd"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def get(url):
    try:
        with urllib.request.urlopen(url, timeout=30) as res:
            return res.status, json.loads(res.read())
    except urllib.error.HTTPError as err:
        return err.code, json.loads(err.read())


@pytest.fixture(scope="module")
def server(seed_index):
    port = free_port()
    proc = subprocess.Popen([str(BIN / "announcements"), "serve", "--index", str(seed_index), "--port", str(port)],
                            stdout=subprocess.PIPE, stderr=subprocess.STDOUT, env={**os.environ})
    base = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            pytest.fail("server exited: " + proc.stdout.read().decode())
        try:
            if get(base + "/healthz")[0] == 200:
                break
        except (urllib.error.URLError, ConnectionError):
            time.sleep(0.3)
    else:
        proc.kill()
        pytest.fail("server did not answer /healthz within 120 s")
    yield base
    proc.send_signal(signal.SIGTERM)
    proc.wait(timeout=30)


def test_real_server_answers_search_and_errors(server):
    status, body = get(server + "/api/search?q=agreements+involving+ports")
    assert status == 200 and body["hits"][0]["id"] == PORTS and body["total"] == 2
    status, body = get(server + "/api/search?limit=0")
    assert status == 400 and "'limit' must be from 1 to 100" in body["error"]["message"]
    with urllib.request.urlopen(server + "/search?q=ports", timeout=30) as res:
        assert res.headers["Server"] == "announcements" and "Qingdao Port" in res.read().decode()


def test_cli_json_is_the_api_json(server, seed_index):
    out = subprocess.run([str(BIN / "announcements"), "search", "agreements", "involving", "ports", "--json",
                          "--entity", "org:SITC", "--index", str(seed_index)], capture_output=True, text=True, check=True)
    cli = json.loads(out.stdout)
    _, api = get(server + "/api/search?q=agreements+involving+ports&entity=org:SITC")
    cli.pop("took_ms"), api.pop("took_ms")
    assert cli == api and [h["id"] for h in cli["hits"]] == [PORTS]


def test_cli_reports_bad_input_without_a_trace(seed_index, tmp_path):
    bad = subprocess.run([str(BIN / "announcements"), "search", "x", "--entity", "SITC", "--index", str(seed_index)],
                         capture_output=True, text=True)
    assert bad.returncode == 1 and "'entity' must be TYPE:NAME" in bad.stderr and "Traceback" not in bad.stderr
    none = subprocess.run([str(BIN / "announcements"), "search", "x", "--index", str(tmp_path)],
                          capture_output=True, text=True)
    assert none.returncode == 1 and "announcements index" in none.stderr and "Traceback" not in none.stderr
