"""The Flask application factory: no module-level app, no global state."""
from __future__ import annotations

import logging
from typing import Any, Mapping

from flask import Flask, request
from werkzeug.exceptions import HTTPException

from indexer.store.layout import IndexNotFound, resolve_index_dir
from search.live import LiveIndex
from search.request import RequestError
from web.api import api
from web.context import EXTENSION, error_response
from web.export import export
from web.feeds import feeds
from web.pages import pages
from web.links import safe_link
from web.parameters import check_declarations, check_query_string
from web.security import add_security_headers, relative_location

log = logging.getLogger(__name__)
MAX_CONTENT_LENGTH = 64 * 1024  # the API reads no bodies today; refuse big ones early


def create_app(config: Mapping[str, Any] | None = None) -> Flask:
    """Config keys: INDEX_DIR (else $ANNOUNCEMENTS_INDEX, else ./index), EMBEDDER (a loaded Embedder to share),
    INDEX_CHECK_SECONDS (how often to look for a newly published version), WARM_INDEX (build each newly published
    version's spelling dictionary in the background; the server sets it)."""
    app = Flask(__name__)
    app.config.update(INDEX_DIR=None, EMBEDDER=None, INDEX_CHECK_SECONDS=1.0, WARM_INDEX=False,
                      MAX_CONTENT_LENGTH=MAX_CONTENT_LENGTH)
    app.config.update(config or {})
    app.json.sort_keys = False
    # No redirects: werkzeug would answer "//" in a path with a 308 to the merged path, its Location built from the
    # Host header; ids may hold "//" and are then found as they are.
    app.url_map.merge_slashes = False
    app.extensions[EXTENSION] = LiveIndex(
        resolve_index_dir(app.config["INDEX_DIR"]),
        embedder=app.config["EMBEDDER"],
        check_seconds=app.config["INDEX_CHECK_SECONDS"],
        warm=app.config["WARM_INDEX"],
    )
    app.register_blueprint(api)
    app.register_blueprint(pages)
    app.register_blueprint(export)
    app.register_blueprint(feeds)
    check_declarations(app)
    app.before_request(check_query_string)
    app.after_request(add_security_headers)
    app.after_request(relative_location)
    app.add_template_global(safe_link)
    app.register_error_handler(RequestError, _bad_request)
    app.register_error_handler(HTTPException, _http_error)
    app.register_error_handler(IndexNotFound, _no_index)
    app.register_error_handler(Exception, _server_error)
    return app


def _bad_request(exc: RequestError):
    return error_response(400, str(exc))


def _http_error(exc: HTTPException):
    return error_response(exc.code or 500, exc.description or exc.name)


def _no_index(exc: IndexNotFound):
    return error_response(503, str(exc))


def _server_error(exc: Exception):
    log.exception("unhandled error on %s", request.path)
    return error_response(500, "internal error; the server log has the details")
