"""Snippets: keyword highlights (escaped text, matches in <mark>) or, for a semantic-only hit, its best passage.

A snippet quotes the release's content, never its boilerplate (indexer.store.boilerplate): not the wire's dateline,
a byline, an image link, a URL, the About paragraph or the safe-harbour text, which say nothing about this release and
which a query's words often match ("software company" in every About paragraph).

Whoosh's highlighter re-analyses the whole body for every hit (~3 ms per press release on an idle core, a whole
page's budget for ten hits). A word's analysed form does not depend on the document, so here each distinct word goes
through the index's own analyzer once per process (cached) and matching is a dictionary lookup: the same words are
marked as Whoosh would mark them, at a tenth of the cost.
"""
from __future__ import annotations

import functools
import re
from html import escape

from whoosh.analysis import Analyzer
from whoosh.analysis.tokenizers import default_pattern

from indexer.store.boilerplate import content

SNIPPET_CHARS = 300
# Characters of a body a snippet reads: a 16 MiB release took ~1 s per hit to scan whole. Matches past this point are
# not shown (the snippet falls back to the best passage or the opening, as for a release without the words).
SNIPPET_SCAN_CHARS = 100_000
FRAGMENT_CHARS = 200  # matches closer than this share a fragment
SURROUND = 60  # context characters on each side of a fragment
MAX_FRAGMENTS = 3
# Whoosh's default tokenizer pattern (\w+(\.?\w+)*) with a non-capturing group, so that findall returns whole words.
_WORD = re.compile(default_pattern.pattern.replace("(", "(?:"), default_pattern.flags)
_CHAR = _WORD.pattern[: _WORD.pattern.index("+")]  # one token character: [\w\*] in Whoosh-Reloaded
_WORD_CACHE = 200_000


# Analyzers are not hashable; their repr spells out their whole configuration (pattern, filters, stop list, stemmer).
_ANALYZERS: dict[str, Analyzer] = {}


@functools.lru_cache(maxsize=_WORD_CACHE)
def _analysed(signature: str, word: str) -> tuple[str, ...]:
    """The index terms one word becomes (none for a stop word)."""
    return tuple(t.text for t in _ANALYZERS[signature](word))


def _is_word_char(c: str) -> bool:
    """A token character of the tokenizer's pattern: \\w (alphanumeric by str.isalnum, or the underscore) or *."""
    return c.isalnum() or c in "_*"


def _whole_token(text: str, start: int, end: int) -> bool:
    """Whether text[start:end] is a whole token of the tokenizer's pattern ([\\w*]+(\\.?[\\w*]+)*): not preceded by
    a token character or "x.", not followed by a token character or ".x"."""
    if start and (_is_word_char(text[start - 1])
                  or (start > 1 and text[start - 1] == "." and _is_word_char(text[start - 2]))):
        return False
    if end < len(text) and (_is_word_char(text[end])
                            or (end + 1 < len(text) and text[end] == "." and _is_word_char(text[end + 1]))):
        return False
    return True


def _occurrences(body: str, forms: dict[str, str]) -> list[tuple[int, int, str]]:
    """(start, end, term) of every whole-token occurrence of the words in `forms`, in order. str.find per word:
    compiling a regex of a body's words cost ~1 ms per hit, more than the rest of the snippet. Whole tokens of
    different words cannot overlap, so per-word searches merge into the spans one regex would find."""
    spans = []
    for form, term in forms.items():
        start = body.find(form)
        while start >= 0:
            end = start + len(form)
            if _whole_token(body, start, end):
                spans.append((start, end, term))
            start = body.find(form, start + 1)
    spans.sort()
    return spans


def _fragments(spans: list[tuple[int, int, str]]) -> list[list[tuple[int, int, str]]]:
    """Group matches into fragments; keep the MAX_FRAGMENTS with the most distinct terms, in document order."""
    groups: list[list[tuple[int, int, str]]] = []
    for span in spans:
        if groups and span[1] - groups[-1][0][0] <= FRAGMENT_CHARS:
            groups[-1].append(span)
        else:
            groups.append([span])
    ranked = sorted(range(len(groups)), key=lambda i: (-len({t for _, _, t in groups[i]}), -len(groups[i]), i))
    return [groups[i] for i in sorted(ranked[:MAX_FRAGMENTS])]


def _word_boundary(text: str, index: int, forward: bool) -> int:
    """Move `index` to the nearest whitespace so fragments do not cut words."""
    if forward:
        found = text.find(" ", index)
        return len(text) if found < 0 else found
    found = text.rfind(" ", 0, index)
    return 0 if found < 0 else found + 1


def _signature(analyzer: Analyzer) -> str:
    """The analyzer's cache key (its repr, ~1 ms to build: made once per analyzer object)."""
    known = _SIGNATURES.get(id(analyzer))
    if known is None or known[0] is not analyzer:
        known = (analyzer, repr(analyzer))  # the analyzer is kept, so its id is never reused for another
        _SIGNATURES[id(analyzer)] = known
        _ANALYZERS.setdefault(known[1], analyzer)
    return known[1]


_SIGNATURES: dict[int, tuple[Analyzer, str]] = {}


@functools.lru_cache(maxsize=256)
def _candidate_tokens(first_letters: frozenset[str]) -> re.Pattern[str]:
    """Whole tokens (as _WORD finds them) that start with one of these letters in either case, or with any
    non-ASCII character (whose lowercase form may differ in length: left to the exact check)."""
    letters = "".join(sorted({c for ch in first_letters for c in (ch, ch.upper(), ch.lower()) if c.isascii()}))
    start = f"[{re.escape(letters)}]|[^\\x00-\\x7f]" if letters else "[^\\x00-\\x7f]"
    # The lookahead first: the lookbehinds then run only where a candidate letter stands.
    return re.compile(rf"(?={start})(?<!{_CHAR})(?<!{_CHAR}\.){_WORD.pattern}", _WORD.flags)


def match_spans(body: str, terms: frozenset[str], analyzer: Analyzer) -> list[tuple[int, int, str]]:
    """(start, end, term) of every word of `body` that the analyzer turns into one of `terms`, in order."""
    signature = _signature(analyzer)
    # Analyse each distinct word once (cached across bodies); then find their whole-token occurrences.
    # The index's analyzers lowercase, drop stop words and strip suffixes (Porter): a word becomes a term only if
    # its lowercase form starts with the term's first two letters, so most words are never looked up, and the
    # regex that lists the words only returns those that start with a term's first letter.
    heads = {t[:2] for t in terms}
    forms: dict[str, str] = {}
    for word in set(_candidate_tokens(frozenset(t[:1] for t in terms)).findall(body)):
        lower = word.lower()
        if lower[:2] not in heads and lower[:1] not in heads:
            continue
        for term in _analysed(signature, word):
            if term in terms:
                forms[word] = term
                break
    return _occurrences(body, forms)


def keyword_snippet(body: str, terms: frozenset[str], analyzer: Analyzer) -> str | None:
    """Up to three fragments around the query terms in the body's content, HTML-escaped, matches in <mark>; None if
    no term occurs in the content of the first SNIPPET_SCAN_CHARS characters."""
    body = content(body[:SNIPPET_SCAN_CHARS])
    spans = match_spans(body, terms, analyzer) if terms else []
    if not spans:
        return None
    classes: dict[str, int] = {}
    pieces = []
    for fragment in _fragments(spans):
        start = _word_boundary(body, max(0, fragment[0][0] - SURROUND), forward=False)
        end = _word_boundary(body, min(len(body), fragment[-1][1] + SURROUND), forward=True)
        out, cursor = [], start
        for s, e, term in fragment:
            n = classes.setdefault(term, len(classes))
            out.append(escape(body[cursor:s], quote=False))
            out.append(f'<mark class="hl term{n}">{escape(body[s:e], quote=False)}</mark>')
            cursor = e
        out.append(escape(body[cursor:end], quote=False))
        pieces.append(" ".join("".join(out).split()))
    return " … ".join(pieces)


def plain_snippet(text: str, chars: int = SNIPPET_CHARS) -> str:
    """The first `chars` characters of the text's content, cut at a word boundary, HTML-escaped."""
    text = content(text[: max(16 * chars, 8192)])  # not the whole of a huge body: ~16 chars per kept char
    if len(text) > chars:
        text = text[:chars].rsplit(" ", 1)[0] + " …"
    return escape(text, quote=False)
