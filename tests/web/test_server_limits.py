"""The real waitress server of `announcements serve` (web/server.py) on 127.0.0.1 (issue 18, items 6 and 12): idle
and half-open connections do not freeze it, and its own errors (431, a bad request line or URI) come in the API's
JSON envelope with the security headers."""
from __future__ import annotations

import json
import socket
import time

import pytest

from tests.servers import running_server
from web.server import SERVER_LIMITS

pytestmark = pytest.mark.system  # a real server on a loopback port


@pytest.fixture(scope="module")
def server(tiny_index, fast_embedder):
    with running_server(tiny_index, fast_embedder, threads=2) as address:
        yield address


def exchange(address: tuple[str, int], raw: bytes, timeout: float = 10.0) -> tuple[int, dict[str, str], bytes]:
    """Send raw bytes, read the whole answer (the server closes after an error): (status, headers, body)."""
    with socket.create_connection(address, timeout=timeout) as sock:
        sock.sendall(raw)
        chunks = []
        while chunk := sock.recv(65536):
            chunks.append(chunk)
            if b"\r\n\r\n" in b"".join(chunks) and _complete(b"".join(chunks)):
                break
    head, _, body = b"".join(chunks).partition(b"\r\n\r\n")
    lines = head.decode("latin-1").split("\r\n")
    headers = {k.strip().lower(): v.strip() for k, _, v in (line.partition(":") for line in lines[1:])}
    return int(lines[0].split()[1]), headers, body


def _complete(data: bytes) -> bool:
    head, _, body = data.partition(b"\r\n\r\n")
    for line in head.decode("latin-1").split("\r\n")[1:]:
        name, _, value = line.partition(":")
        if name.strip().lower() == "content-length":
            return len(body) >= int(value)
    return False


def get(address: tuple[str, int], path: str, timeout: float = 10.0) -> tuple[int, dict[str, str], bytes]:
    return exchange(address, f"GET {path} HTTP/1.1\r\nHost: test\r\nConnection: close\r\n\r\n".encode(), timeout)


def test_the_limits_are_set():
    assert SERVER_LIMITS["connection_limit"] >= 500 and SERVER_LIMITS["channel_timeout"] <= 60
    assert SERVER_LIMITS["asyncore_use_poll"] is True


def test_idle_and_half_open_connections_do_not_freeze_healthz(server):
    idle = []
    try:
        for n in range(150):
            sock = socket.create_connection(server, timeout=5)
            if n % 3 == 1:
                sock.sendall(b"GET /healthz HTTP/1.1\r\nHost: test\r\n")  # headers never finished
            elif n % 3 == 2:
                sock.sendall(b"GET /api/sea")  # request line never finished
            idle.append(sock)
        started = time.monotonic()
        status, _, body = get(server, "/healthz", timeout=5)
        assert status == 200 and json.loads(body)["status"] == "ok"
        assert time.monotonic() - started < 3
        status, _, body = get(server, "/api/search?q=lidar&mode=keyword", timeout=5)
        assert status == 200 and json.loads(body)["total"] == 2
    finally:
        for sock in idle:
            sock.close()


def test_headers_too_large_is_a_431_in_the_json_envelope(server):
    big = b"X-Big: " + b"a" * (SERVER_LIMITS["max_request_header_size"] + 1000) + b"\r\n"
    status, headers, body = exchange(server, b"GET /api/search?q=x HTTP/1.1\r\nHost: test\r\n" + big + b"\r\n")
    assert status == 431 and headers["content-type"] == "application/json"
    error = json.loads(body)["error"]
    assert error["status"] == 431 and error["message"].startswith("Request Header Fields Too Large")
    assert headers["x-content-type-options"] == "nosniff" and headers["x-frame-options"] == "DENY"


@pytest.mark.parametrize("line", [b"GET /api/search?q=\xff\xfe HTTP/1.1", b"GET /api/search?q=a b c HTTP/1.1",
                                  b"NONSENSE"])
def test_a_bad_request_line_under_api_is_a_400_in_the_json_envelope(server, line):
    status, headers, body = exchange(server, line + b"\r\nHost: test\r\n\r\n")
    assert status == 400 and headers["content-type"] == "application/json", body
    assert json.loads(body)["error"]["status"] == 400
    assert headers["x-content-type-options"] == "nosniff"


def test_a_bad_request_line_for_a_page_stays_plain_text_with_the_headers(server):
    status, headers, _ = exchange(server, b"GET /search?q=\xff\xfe HTTP/1.1\r\nHost: test\r\n\r\n")
    assert status == 400 and headers["content-type"].startswith("text/plain")
    assert headers["x-content-type-options"] == "nosniff" and headers["x-frame-options"] == "DENY"


def test_the_app_answers_normally_through_the_server(server):
    status, headers, body = get(server, "/api/search?limit=%EF%BC%95")
    assert status == 400 and "'limit' must be a whole number" in json.loads(body)["error"]["message"]
    assert headers["server"] == "announcements" and "content-security-policy" in headers
