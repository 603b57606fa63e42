"""The Flask application factory: no module-level app, no global state."""
from __future__ import annotations

import logging
from typing import Any, Mapping
from urllib.parse import parse_qsl

from flask import Flask, current_app, request
from werkzeug.exceptions import HTTPException

from indexer.store.layout import IndexNotFound, resolve_index_dir
from search.live import LiveIndex
from web.api import api
from web.context import EXTENSION, error_response
from web.pages import pages

log = logging.getLogger(__name__)
MAX_CONTENT_LENGTH = 64 * 1024  # the API reads no bodies today; refuse big ones early


def create_app(config: Mapping[str, Any] | None = None) -> Flask:
    """Config keys: INDEX_DIR (else $ANNOUNCEMENTS_INDEX, else ./index), EMBEDDER (a loaded Embedder to share),
    INDEX_CHECK_SECONDS (how often to look for a newly published version)."""
    app = Flask(__name__)
    app.config.update(INDEX_DIR=None, EMBEDDER=None, INDEX_CHECK_SECONDS=1.0, MAX_CONTENT_LENGTH=MAX_CONTENT_LENGTH,
                      ENDPOINT_PARAMETERS=_endpoint_parameters())
    app.config.update(config or {})
    app.json.sort_keys = False
    app.extensions[EXTENSION] = LiveIndex(
        resolve_index_dir(app.config["INDEX_DIR"]),
        embedder=app.config["EMBEDDER"],
        check_seconds=app.config["INDEX_CHECK_SECONDS"],
    )
    app.register_blueprint(api)
    app.register_blueprint(pages)
    app.before_request(_check_query_string)
    app.register_error_handler(HTTPException, _http_error)
    app.register_error_handler(IndexNotFound, _no_index)
    app.register_error_handler(Exception, _server_error)
    return app


def _endpoint_parameters() -> dict[str, tuple[str, ...]]:
    """The query parameters each endpoint accepts. Not listed: the searches (parse_request checks theirs and the
    HTML form shows the message) and static files."""
    from web.api import ENTITY_LIST_PARAMETERS

    return {"api.entities": ENTITY_LIST_PARAMETERS, "api.release": (), "api.entity": (), "api.healthz": (),
            "api.openapi": (), "pages.release": (), "pages.entity": ()}


def _check_query_string():
    """Refuse a query string that is not UTF-8, and parameters an endpoint does not know (rather than ignore them)."""
    try:
        parse_qsl(request.query_string.decode("latin-1"), encoding="utf-8", errors="strict")
    except UnicodeDecodeError:
        return error_response(400, "the query string is not UTF-8; percent-encode UTF-8 text (e.g. %C3%A9 for é)")
    known = current_app.config["ENDPOINT_PARAMETERS"].get(request.endpoint)
    if known is not None:
        unknown = sorted(set(request.args) - set(known))
        if unknown:
            hint = f"known parameters: {', '.join(known)}" if known else "this address takes no parameters"
            return error_response(400, f"unknown parameter {unknown[0][:40]!r}; {hint}")
    return None


def _http_error(exc: HTTPException):
    return error_response(exc.code or 500, exc.description or exc.name)


def _no_index(exc: IndexNotFound):
    return error_response(503, str(exc))


def _server_error(exc: Exception):
    log.exception("unhandled error on %s", request.path)
    return error_response(500, "internal error; the server log has the details")
