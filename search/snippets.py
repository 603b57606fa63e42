"""Snippets: keyword highlights (escaped text, matches in <mark>) or, for a semantic-only hit, its best passage."""
from __future__ import annotations

from html import escape

from whoosh import highlight
from whoosh.analysis import Analyzer

SNIPPET_CHARS = 300


def keyword_snippet(body: str, terms: frozenset[str], analyzer: Analyzer) -> str | None:
    """Up to three fragments around the query terms, HTML-escaped, matches in <mark>; None if no term occurs."""
    if not terms:
        return None
    formatter = highlight.HtmlFormatter(tagname="mark", classname="hl", between=" … ")  # stateful: one per call
    fragmenter = highlight.ContextFragmenter(maxchars=SNIPPET_CHARS, surround=60)
    out = highlight.highlight(body, terms, analyzer, fragmenter, formatter, top=3)
    return out or None


def plain_snippet(text: str, chars: int = SNIPPET_CHARS) -> str:
    """The first `chars` characters, cut at a word boundary, HTML-escaped."""
    text = " ".join(text.split())
    if len(text) > chars:
        text = text[:chars].rsplit(" ", 1)[0] + " …"
    return escape(text, quote=False)
