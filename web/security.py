"""Security headers on every response (pages, JSON, errors and static files alike).

The pages use no inline script or style attribute and nothing from another origin (the histograms' bar heights are
classes in style.css), so the policy allows only our own stylesheet, images and two script files (the search box's
type-ahead, web/static/suggest.js, which fetches /api/suggest; the filter panel's open state, web/static/layout.js),
and same-origin forms. `frame-ancestors 'none'` and X-Frame-Options forbid framing
(clickjacking); nosniff stops a browser from running a JSON answer or a stored text as HTML or script.
"""
from __future__ import annotations

from urllib.parse import urlsplit, urlunsplit

from flask import Response

CONTENT_SECURITY_POLICY = "; ".join([
    "default-src 'none'",
    "style-src 'self'",
    "script-src 'self'",  # web/static/suggest.js and layout.js only: no inline script, no eval
    "connect-src 'self'",  # ... which fetches /api/suggest
    "img-src 'self' data:",
    "form-action 'self'",
    "base-uri 'none'",
    "frame-ancestors 'none'",
])
SECURITY_HEADERS = {
    "Content-Security-Policy": CONTENT_SECURITY_POLICY,
    "X-Content-Type-Options": "nosniff",
    "X-Frame-Options": "DENY",
    "Referrer-Policy": "no-referrer",
}


def add_security_headers(response: Response) -> Response:
    """after_request: set the headers (Flask runs after_request hooks for error responses from handlers too)."""
    for name, value in SECURITY_HEADERS.items():
        response.headers.setdefault(name, value)
    return response


def relative_location(response: Response) -> Response:
    """after_request: a Location header as a path, never an absolute URL built from the request's Host header (which
    a client chooses). A leading "//" is made one "/", so the path cannot turn into another host."""
    location = response.headers.get("Location")
    if location:
        parts = urlsplit(location)
        path = "/" + parts.path.lstrip("/")
        response.headers["Location"] = urlunsplit(("", "", path, parts.query, parts.fragment))
    return response
