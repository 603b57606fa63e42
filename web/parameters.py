"""Each view declares the query parameters it accepts; the app refuses any other rather than silently ignore it.

    @api.get("/api/entities")
    @accepts(ENTITY_QUERY_PARAMETERS)
    def entities(): ...

`check_declarations` makes a view without a declaration an error when the app is built, so no endpoint can forget.
"""
from __future__ import annotations

from typing import Callable, Iterable, TypeVar
from urllib.parse import parse_qsl

from flask import Flask, current_app, request

from search.request import refuse_unknown
from web.context import error_response

View = TypeVar("View", bound=Callable)
ACCEPTED = "accepted_parameters"  # the attribute @accepts sets on a view function
NOT_UTF8 = "the query string is not UTF-8; percent-encode UTF-8 text (e.g. %C3%A9 for é)"


def accepts(*names: str | Iterable[str]) -> Callable[[View], View]:
    """Declare the query parameters of a view: names, or registries of names (e.g. search.request.PARAMETERS).
    `@accepts()` declares a view that takes none."""
    known = tuple(dict.fromkeys(n for group in names for n in ((group,) if isinstance(group, str) else group)))

    def declare(view: View) -> View:
        setattr(view, ACCEPTED, known)
        return view

    return declare


def _is_static(endpoint: str) -> bool:
    return endpoint == "static" or endpoint.endswith(".static")  # files; a cache-busting ?v=… is their business


def check_declarations(app: Flask) -> None:
    """Raise if a view of `app` has not declared its parameters (call once the blueprints are registered)."""
    undeclared = sorted(e for e, view in app.view_functions.items() if not _is_static(e) and not hasattr(view, ACCEPTED))
    if undeclared:
        raise RuntimeError(f"views without @accepts(...): {', '.join(undeclared)}")


def check_query_string() -> object | None:
    """before_request: a query string that is not UTF-8 is a 400; a parameter the view does not accept is a
    RequestError (a 400 that names it, rendered by the blueprint's handler)."""
    try:
        parse_qsl(request.query_string.decode("latin-1"), encoding="utf-8", errors="strict")
    except UnicodeDecodeError:
        return error_response(400, NOT_UTF8)
    if request.endpoint is None or _is_static(request.endpoint):
        return None  # no route (a 404 follows) or a static file
    refuse_unknown(request.args, getattr(current_app.view_functions[request.endpoint], ACCEPTED))
    return None
