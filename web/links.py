"""Which stored URLs may become links: http and https only, read the way a browser reads them.

A release's `url` comes from the indexed files, so it is untrusted: `javascript:`, `data:` or `vbscript:` in an href
runs script on our origin. Browsers strip leading and trailing C0 controls and spaces and remove every tab and newline
before they read the scheme (WHATWG URL standard, "basic URL parser"), so " JaVaScRiPt:" and "java\\tscript:" are
script too; the scheme is compared after the same clean-up, case-insensitively.
"""
from __future__ import annotations

from urllib.parse import urlsplit

LINK_SCHEMES = frozenset({"http", "https"})
_C0_AND_SPACE = "".join(chr(c) for c in range(0x21))
_TAB_AND_NEWLINES = str.maketrans("", "", "\t\n\r")


def safe_link(url: str | None) -> str | None:
    """The URL as a browser would follow it if it is an absolute http(s) URL with a host; else None (show it as
    text)."""
    if not url:
        return None
    cleaned = url.strip(_C0_AND_SPACE).translate(_TAB_AND_NEWLINES)
    try:
        parts = urlsplit(cleaned)
    except ValueError:  # e.g. an unclosed "[" in the host
        return None
    if parts.scheme.lower() not in LINK_SCHEMES or not parts.netloc:
        return None
    return cleaned
