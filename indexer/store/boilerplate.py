"""Boilerplate: the parts of a press release that are not its news, left out of what a snippet quotes.

Wire services wrap every release in the same text: a dateline with the wire's name ("VANCOUVER, BC - June 2, 2026
(NEWMEDIAWIRE) -"), bylines ("By Meg Flippin, Benzinga"), markdown image links and raw URLs, "About <company>"
paragraphs, contacts, disclaimers and safe-harbour paragraphs ("actual results may differ materially"). A snippet
that quotes them tells the reader nothing about the release. Keyword search and the embedded passages still read
them: left out of either, in-domain relevance fell (README "Relevance on press releases"; datelines and About
paragraphs hold places and descriptions analysts search for).

The rules only delete: the content is the body's own tokens (whitespace-separated, as `str.split` gives them), in
order, minus the characters the rules drop. So a content token knows its place in the body, and a passage's span of
body words (indexer.store.vectors.passage_words) can be quoted without its boilerplate. The body itself is kept whole:
it is what a release page shows. The module sits in the store layer, beside the body it reads, so that both search
(which may not import the ingest package) and the indexer can use it.
"""
from __future__ import annotations

import re
from typing import NamedTuple

_WIRES = (r"\(NEWMEDIAWIRE\)|\(NewMediaWire\)|/24-7PressRelease/|\((?:AI)?Newsworthy(?:\.ai)?\)|\(BUSINESS WIRE\)"
          r"|/PRNewswire/|\(GLOBE NEWSWIRE\)|\(NOTICIAS NEWSWIRE\)|\[Noticias Newswire\]|\(500NewsWire\)"
          r"|\[Media OutReach Newswire\]\([^)\s]*\)|/ PR Karma /|\(NewsUSA\)|\(BookTrib\)")
_DATE = (r"(?:(?:Mon|Tues|Wednes|Thurs|Fri|Satur|Sun)day,?\s+)?"
         r"(?:[A-Z][a-z]{2,8}\.?\s+\d{1,2}(?:st|nd|rd|th)?,?\s+\d{4}|\d{1,2}\s+[A-Z][a-z]{2,8}\s+\d{4})"
         r"(?:\s*@\s*[\d:]+\s*[AP]M[^\n—–]{0,40})?(?:\s+\d{1,2}:\d{2})?")
# What a body may open with, dropped one after another: the News Direct marker, a byline, a wire dateline (the city,
# date and wire tag, and a date after the tag), an image or an empty link.
_LEAD = [
    re.compile(r"\s*--\s*News Direct\s*--"),
    re.compile(r"\s*by\s+[^\n,]{1,60}?,?\s+Benzinga\b[^\n\S]*", re.IGNORECASE),
    re.compile(rf"\s*[^\n]{{0,140}}?(?:{_WIRES})\s*(?:[-–—:/]+\s*)?(?:{_DATE})?\s*(?:[-–—:/]+\s*)?"),
    re.compile(r"\s*!\[[^\]\n]*\]\([^)\s]*\)"),
    re.compile(r"\s*\[\]\([^)\s]*\)"),
]
# Anywhere: images, empty links, a link's target (its text stays), raw URLs, and the paid-promotion notice.
_ANYWHERE = re.compile(
    r"!\[[^\]\n]*\]\([^)\s]*\)"
    r"|\[\]\([^)\s]*\)"
    r"|(?<=\])\((?:https?://|www\.)[^)\s]*\)"
    r"|https?://[^\s)\]]+"
    r"|(?:This article has been disseminated|Disseminated) on behalf of [^.\n]{1,200}?(?:advertising|advertisement)\.?"
    r"|[-–—]\s*PRISM MediaWire \(Press Release Service [-–—] Press Release Distribution\)\s*[-–—]"
    r"|\b[A-Z][\w .'-]{1,40}, United States - [A-Z][a-z]+ \d{1,2}, \d{4} / [^/\n]{1,80} /",
    re.IGNORECASE)
# A paragraph that says the company's standard lines: dropped wherever it stands (not the opening paragraph).
_SAFE_HARBOUR = re.compile(
    r"forward[- ]looking (?:statement|information)|actual (?:results|events|outcomes) (?:could|may|might|will) "
    r"differ materially|Private Securities Litigation Reform Act|safe[- ]harbou?r (?:provision|statement|rule)s?",
    re.IGNORECASE)
# A paragraph from which the rest of the release is contact details, disclaimers or the wire's own blurb.
_TAIL = re.compile(
    r"(?i:(?:media|press|investor|investors)(?: relations)? contacts?\b|contacts?\s*:?\s*$"
    r"|contact (?:information|details)|view (?:the )?original (?:content|release)|please see full terms of use"
    r"|to receive sms alerts|disclaimers?\b)|SOURCE\s+[A-Z]")
# "About Acme Corp." / "About IBN": the company's description (a heading, or the heading run into the text).
_ABOUT = re.compile(r"(?:About|ABOUT)\s+(?:the\s+[Cc]ompany\b|[A-Z0-9&]\S*)")
_PARAGRAPH = re.compile(r"[^\n]+")
_TOKEN = re.compile(r"\S+")
TAIL_FROM = 0.3  # tail rules apply to paragraphs past this fraction of the body (an opening "About" is the news)
MIN_KEPT_WORDS = 8  # a body the rules would leave shorter than this is kept whole (the rules misread it)


class ContentToken(NamedTuple):
    index: int  # the token's position in body.split()
    text: str  # its characters that are not boilerplate


def _lead_spans(body: str) -> list[tuple[int, int]]:
    spans, at, moved = [], 0, True
    while moved:
        moved = False
        for rule in _LEAD:
            match = rule.match(body, at)
            if match and match.end() > at:
                spans.append((at, match.end()))
                at, moved = match.end(), True
    return spans


def _paragraph_spans(body: str) -> list[tuple[int, int]]:
    spans = []
    cutting = False
    tail_from = len(body) * TAIL_FROM
    for number, paragraph in enumerate(_PARAGRAPH.finditer(body)):
        start, end = paragraph.span()
        text = paragraph.group().strip(" \t*#_>\u00a0")
        if cutting:
            spans.append((start, end))
            continue
        if not text or number == 0:
            continue
        late = start >= tail_from
        if late and (_TAIL.match(text) or _ABOUT.match(text)):
            # The About paragraph and whatever follows it (contacts, disclaimers, the wire's blurb) go.
            cutting = True
            spans.append((start, end))
        elif _SAFE_HARBOUR.search(text):
            spans.append((start, end))
    return spans


def boilerplate_spans(body: str) -> list[tuple[int, int]]:
    """Character spans of `body` that are boilerplate (possibly overlapping), in no particular order."""
    return _lead_spans(body) + [m.span() for m in _ANYWHERE.finditer(body)] + _paragraph_spans(body)


def content_tokens(body: str) -> list[ContentToken]:
    """The body's tokens with their boilerplate characters removed (tokens left empty are dropped), in order.

    If the rules would leave fewer than MIN_KEPT_WORDS tokens of a longer body, every token is kept as it is.
    """
    dropped = bytearray(len(body))
    for start, end in boilerplate_spans(body):
        dropped[start:end] = b"\x01" * (end - start)
    tokens, kept = [], []
    for index, match in enumerate(_TOKEN.finditer(body)):
        tokens.append(ContentToken(index, match.group()))
        start, end = match.span()
        if not any(dropped[start:end]):
            kept.append(tokens[-1])
        elif not all(dropped[start:end]):
            kept.append(ContentToken(index, "".join(c for c, d in zip(match.group(), dropped[start:end]) if not d)))
    if len(kept) < min(MIN_KEPT_WORDS, len(tokens)):
        return tokens
    return kept


def content(body: str) -> str:
    """The body without boilerplate, as one line of words (what is indexed for keyword search and quoted)."""
    return " ".join(token.text for token in content_tokens(body))
