"""One release from one document: plain text, markdown, HTML, or a JSONL record.

Each parser takes the document's text and returns a `Release`, or raises ValueError when the document has no
release in it (no title, a missing or mistyped field); the reasons become `Problem`s in indexer.ingest.releases.
"""
from __future__ import annotations

import datetime
import re
from itertools import islice
from typing import Iterable

from bs4 import BeautifulSoup, NavigableString, Tag
from bs4.element import PreformattedString

from indexer.ingest.dates import dateline_date, find_date, line_date, parse_date_value
from indexer.store.records import Release

_TOP_LINES = 5  # how many non-empty lines after the title may hold the date line
_BOILERPLATE = re.compile(
    r"(?:news release|press release|for immediate release|media release|news)\s*:?", re.I)
_ATX = re.compile(r"^\s*#+\s*|\s+#+\s*$")  # markdown heading markers
_FRONT_MATTER_KEY = re.compile(r"(title|date|source|url)\s*:\s*(.*)", re.I)

# BeautifulSoup builds a Python object per element: 1,000,000 nested elements (11 MB) took 28-50 s and 714 MB to
# parse; 100,000 take 2-3 s and 70-115 MB. A long press release page has a few thousand.
MAX_HTML_ELEMENTS = 100_000
_START_TAG = re.compile(r"<[A-Za-z]")
_JUNK_TAGS = ["script", "style", "noscript", "template", "svg", "iframe", "object", "head"]
_CHROME_TAGS = ["nav", "footer", "header"]
_BLOCK_TAGS = frozenset(
    "p li h1 h2 h3 h4 h5 h6 blockquote td th tr pre div section article main ul ol dl dt dd "
    "table figure figcaption address hr".split())


# ---------------------------------------------------------------- text and markdown

def _normalise(text: str) -> str:
    return " ".join(text.split())


def _is_boilerplate(line: str) -> bool:
    return bool(_BOILERPLATE.fullmatch(line.strip().strip("*_#").strip()))


def _lines(text: str) -> list[str]:
    # No-break spaces are common in pasted releases and would defeat phrase matching.
    text = text.lstrip("\ufeff").replace("\xa0", " ").replace("\u202f", " ")
    return text.replace("\r\n", "\n").replace("\r", "\n").split("\n")


def _tidy_body(lines: Iterable[str]) -> str:
    text = "\n".join(line.rstrip() for line in lines)
    return re.sub(r"\n{3,}", "\n\n", text).strip("\n")


def _take_title(lines: list[str], heading: bool) -> tuple[str, datetime.date | None, list[str]]:
    """Split off the title: the first real line, or in markdown the first `# ` heading.

    Returns the title, a date line found above it, and the remaining lines.
    """
    def real(line: str) -> bool:
        return bool(line.strip()) and not _is_boilerplate(line) and not line_date(line)

    candidates = (i for i, line in enumerate(lines) if real(line))
    if heading:  # an explicit h1 beats an earlier plain line
        candidates = iter([i for i, line in enumerate(lines) if re.match(r"#\s", line) and real(line)]
                          or list(candidates))
    for i in candidates:
        if title := _normalise(_ATX.sub("", lines[i]) if heading else lines[i]):
            above = lines[:i]
            date = next(filter(None, map(line_date, above)), None)
            return title, date, [line for line in above if real(line)] + lines[i + 1:]
    raise ValueError("no title")


def _take_top_date(lines: list[str]) -> tuple[datetime.date | None, list[str]]:
    """Find a date line among the first non-empty lines; drop it and header boilerplate."""
    kept: list[str] = []
    date, seen = None, 0
    for i, line in enumerate(lines):
        if line.strip():
            if seen == _TOP_LINES:
                return date, kept + lines[i:]
            seen += 1
            if _is_boilerplate(line) or (date is None and (date := line_date(line))):
                continue
        kept.append(line)
    return date, kept


def _body_and_date(lines: list[str], date: datetime.date | None) -> tuple[str, datetime.date | None]:
    top_date, lines = _take_top_date(lines)
    body = _tidy_body(lines)
    date = date or top_date
    # A dateline opens the first paragraph (after any bullet summary): keep it in the body.
    for paragraph in body.split("\n\n")[:3]:
        date = date or dateline_date(paragraph)
    return body, date


def parse_text(text: str, *, release_id: str, origin: str = "") -> Release:
    """Parse a plain-text release; raises ValueError if it has no title."""
    title, date, rest = _take_title(_lines(text), heading=False)
    body, date = _body_and_date(rest, date)
    return Release(release_id, title, body, date, origin=origin)


def _front_matter(lines: list[str]) -> tuple[dict[str, str], list[str]]:
    if not lines or lines[0].strip() != "---":
        return {}, lines
    for end in range(1, len(lines)):
        if lines[end].strip() in ("---", "..."):
            meta = {}
            for line in lines[1:end]:
                if m := _FRONT_MATTER_KEY.fullmatch(line.strip()):
                    meta[m[1].lower()] = m[2].strip().strip("'\"").strip()
            return meta, lines[end + 1:]
    return {}, lines  # no closing fence: not front matter


def parse_markdown(text: str, *, release_id: str, origin: str = "") -> Release:
    """Parse a markdown release: front-matter title, else the first `# ` heading or real line."""
    meta, lines = _front_matter(_lines(text))
    date = parse_date_value(meta.get("date", ""))
    if title := _normalise(meta.get("title", "")):
        first = next((i for i, line in enumerate(lines) if line.strip()), None)
        if first is not None and _normalise(_ATX.sub("", lines[first])) == title:
            lines = lines[:first] + lines[first + 1:]  # don't repeat the title as a heading
    else:
        title, found, lines = _take_title(lines, heading=True)
        date = date or found
    body, date = _body_and_date(lines, date)
    return Release(release_id, title, body, date, meta.get("source", ""), meta.get("url", ""),
                   origin)


# ---------------------------------------------------------------- HTML

def _html_meta_date(soup: BeautifulSoup) -> datetime.date | None:
    for attrs in ({"property": "article:published_time"}, {"name": "date"},
                  {"itemprop": "datePublished"}):
        for tag in soup.find_all(attrs=attrs):
            value = tag.get("content") or tag.get("datetime") or ""
            if isinstance(value, str) and (found := parse_date_value(value)):
                return found
    for tag in soup.find_all("time", datetime=True):
        if found := parse_date_value(str(tag["datetime"])):
            return found
    return None


def _html_blocks(root: Tag) -> list[str]:
    """Text of block elements, one whitespace-normalised paragraph each.

    Walks with an explicit stack: html.parser nests unclosed tags, so recursion could overflow.
    """
    paragraphs: list[str] = []
    current: list[str] = []

    def flush() -> None:
        if text := _normalise("".join(current)):
            paragraphs.append(text)
        current.clear()

    stack: list[tuple[object, bool]] = [(root, False)]
    while stack:
        node, closing = stack.pop()
        if closing:
            flush()
        elif isinstance(node, NavigableString):
            if not isinstance(node, PreformattedString):  # comments, doctype, CDATA
                current.append(str(node))
        elif isinstance(node, Tag):
            if node.name == "br":
                current.append(" ")
            elif node.name in _BLOCK_TAGS:
                flush()
                stack.append((node, True))
            stack.extend((child, False) for child in reversed(node.contents))
    flush()
    return paragraphs


def _check_size(html: str) -> None:
    """ValueError when `html` has more than MAX_HTML_ELEMENTS start tags (counted without parsing, up to the cap)."""
    if next(islice(_START_TAG.finditer(html), MAX_HTML_ELEMENTS, None), None) is not None:
        raise ValueError(f"too many HTML elements (more than {MAX_HTML_ELEMENTS:,})")


def parse_html(html: str, *, release_id: str, origin: str = "") -> Release:
    """Parse an HTML release: title from <h1>, else <title>, else the first text line.

    ValueError for a document of more than MAX_HTML_ELEMENTS elements, before BeautifulSoup builds its tree.
    """
    _check_size(html)
    soup = BeautifulSoup(html, "html.parser")
    date = _html_meta_date(soup)
    # <title> can also appear inside inline SVG, where it names the picture, not the page.
    page_title = next((_normalise(t.get_text(" ")) for t in soup.find_all("title")
                       if not t.find_parent("svg")), "")
    for tag in soup.find_all(_JUNK_TAGS):
        tag.decompose()
    # Prefer an h1 outside page chrome; a header h1 is often the article's own header.
    h1s = [h for h in soup.find_all("h1") if _normalise(h.get_text(" "))]
    h1 = ([h for h in h1s if not h.find_parent(_CHROME_TAGS)] or h1s or [None])[0]
    title = _normalise(h1.get_text(" ")) if h1 else page_title
    if h1:
        h1.decompose()
    for tag in soup.find_all(_CHROME_TAGS):
        tag.decompose()
    paragraphs = _html_blocks(soup)
    if not title and paragraphs:
        title = paragraphs.pop(0)
    if not title:
        raise ValueError("no title")
    while paragraphs and paragraphs[0] == title:
        paragraphs.pop(0)
    date = date or find_date("\n".join(paragraphs[:10]))
    return Release(release_id, title, "\n\n".join(paragraphs), date, origin=origin)


# ---------------------------------------------------------------- JSONL records

def _string_field(record: dict, name: str, warnings: list[str]) -> str:
    value = record.get(name)
    if value is None or isinstance(value, str):
        return (value or "").strip()
    warnings.append(f"field '{name}' must be a string, not {type(value).__name__}")
    return ""


def parse_record_with_warnings(record: object, origin: str) -> tuple[Release, list[str]]:
    """A release plus warnings for optional fields that were dropped; ValueError if unusable."""
    if not isinstance(record, dict):
        raise ValueError(f"not a JSON object ({type(record).__name__})")
    for name in ("id", "title", "body"):
        if record.get(name) is None:
            raise ValueError(f"missing field '{name}'")
    rid = record["id"]
    if isinstance(rid, bool) or not isinstance(rid, (str, int)):
        raise ValueError(f"field 'id' must be a string, not {type(rid).__name__}")
    for name in ("title", "body"):
        if not isinstance(record[name], str):
            raise ValueError(f"field '{name}' must be a string, not {type(record[name]).__name__}")
    if not str(rid).strip():
        raise ValueError("empty id")
    if not (title := _normalise(record["title"])):
        raise ValueError("empty title")
    warnings: list[str] = []
    raw_date = _string_field(record, "date", warnings)
    date = parse_date_value(raw_date) if raw_date else None
    if raw_date and date is None:
        warnings.append(f"unparseable date {raw_date!r}")
    release = Release(str(rid).strip(), title, record["body"].strip(), date,
                      _string_field(record, "source", warnings),
                      _string_field(record, "url", warnings), origin)
    return release, warnings


def parse_record(record: dict, *, origin: str = "") -> Release:
    """Parse one JSONL object; raises ValueError on missing or wrongly typed required fields."""
    return parse_record_with_warnings(record, origin)[0]

