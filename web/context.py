"""What a view needs from the running app: the live engine, and the one error response.

A leaf: the blueprints import this module, never web.app (the factory imports them).
"""
from __future__ import annotations

from pathlib import Path

from flask import Response, current_app, jsonify, render_template, request

from search.engine import Engine
from search.live import LiveIndex

EXTENSION = "announcements"  # the key of the LiveIndex in app.extensions


def live_index() -> LiveIndex:
    return current_app.extensions[EXTENSION]


def engine() -> Engine:
    """The Engine of the live index version, for this request."""
    return live_index().engine()


def index_dir() -> Path:
    return live_index().index_dir


def wants_json() -> bool:
    return request.path.startswith("/api/") or request.path == "/healthz"


def error_response(status: int, message: str) -> tuple[Response | str, int]:
    """The one error shape: JSON envelope under /api, a readable page elsewhere."""
    if wants_json():
        return jsonify({"error": {"status": status, "message": message}}), status
    return render_template("error.html", status=status, message=message), status
