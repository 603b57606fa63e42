"""The production server: waitress with bounded connections, timeouts and request sizes, and its own errors (a bad
request line, headers too large) in the API's JSON envelope.

Why these numbers: waitress serves idle connections from one event loop and runs requests on `threads` workers. It
stops accepting when `connection_limit` connections are open, and its default of 100 let ~100 idle (half-open)
connections freeze the server for everyone until they timed out after `channel_timeout` (120 s by default). Idle
connections cost a file descriptor, not a thread, so the limit is raised well above that and idle ones are dropped
after 30 s; poll() instead of select() because select() fails above 1,024 descriptors. Per-client limits, slow-body
protection and TLS are a reverse proxy's job (README, "Limits").
"""
from __future__ import annotations

import json
from typing import Any

import waitress
from flask import Flask
from waitress.channel import HTTPChannel
from waitress.server import BaseWSGIServer
from waitress.task import ErrorTask

from web.app import MAX_CONTENT_LENGTH
from web.security import SECURITY_HEADERS

IDENT = "announcements"  # the Server header
SERVER_LIMITS: dict[str, Any] = {
    "connection_limit": 1000,  # open connections (idle ones included) before new ones wait in the backlog
    "channel_timeout": 30,  # seconds an idle connection is kept
    "cleanup_interval": 5,  # seconds between sweeps for idle connections
    "asyncore_use_poll": True,  # select() cannot watch more than 1,024 descriptors
    "backlog": 1024,  # connections the kernel queues while the limit is reached
    "max_request_header_size": 32 * 1024,  # request line + headers; more is a 431
    "max_request_body_size": MAX_CONTENT_LENGTH,  # the app reads no bodies
    "expose_tracebacks": False,
}
JSON_PREFIXES = ("/api/", "/healthz")


def _request_target(request: Any) -> str:
    """The path the client asked for, from the raw request line when waitress could not parse it (a 431 replaces
    the request line with "GET /")."""
    raw = getattr(request, "header_plus", b"") or getattr(request, "first_line", b"") or b""
    parts = raw.split(b"\r\n", 1)[0].split(b" ")
    return parts[1].decode("latin-1") if len(parts) >= 2 else ""


class EnvelopeErrorTask(ErrorTask):
    """Waitress' own error responses (400 bad request line or URI, 413, 431, 501) with the security headers, and in
    the JSON envelope of web.context.error_response for the API's addresses (and when the address is unreadable)."""

    def execute(self) -> None:
        target = _request_target(self.request)
        if target and not target.startswith(JSON_PREFIXES):
            self.response_headers.extend(SECURITY_HEADERS.items())
            super().execute()
            return
        error = self.request.error
        body = json.dumps({"error": {"status": error.code, "message": f"{error.reason}: {error.body}"}}).encode()
        self.status = f"{error.code} {error.reason}"
        self.response_headers.extend([("Content-Type", "application/json"), *SECURITY_HEADERS.items()])
        self.set_close_on_finish()
        self.content_length = len(body)
        self.write(body)


class EnvelopeChannel(HTTPChannel):
    error_task_class = EnvelopeErrorTask


def create_server(app: Flask, *, host: str, port: int, threads: int, **overrides: Any) -> Any:
    """A waitress server (not yet running: call .run()) for `app` with SERVER_LIMITS (`overrides` replace some)."""
    socket_map: dict = {}
    server = waitress.create_server(app, map=socket_map, host=host, port=port, threads=threads, ident=IDENT,
                                    **{**SERVER_LIMITS, **overrides})
    for dispatcher in list(socket_map.values()) + [server]:
        if isinstance(dispatcher, BaseWSGIServer):
            dispatcher.channel_class = EnvelopeChannel  # one per listening socket ("localhost": IPv4 and IPv6)
    return server
