"""Read press releases from text, markdown, HTML and JSONL files into `Release` records.

Bad input never raises out of `read_releases`: every skipped file or line becomes a `Problem`.
"""
from __future__ import annotations

import datetime
import gzip
import json
import os
import re
import zlib
from dataclasses import dataclass, replace
from pathlib import Path
from typing import IO, Iterable, Iterator, Sequence

from bs4 import BeautifulSoup, NavigableString, ParserRejectedMarkup, Tag
from bs4.element import PreformattedString

from indexer.store.records import Release


@dataclass(frozen=True)
class Problem:
    origin: str
    reason: str


SUPPORTED_SUFFIXES = (".txt", ".md", ".markdown", ".html", ".htm", ".jsonl", ".jsonl.gz")
MAX_BYTES = 20 * 1024 * 1024
_TOP_LINES = 5  # how many non-empty lines after the title may hold the date line

_MONTHS = {name: i for i, names in enumerate((
    "january jan", "february feb", "march mar", "april apr", "may", "june jun",
    "july jul", "august aug", "september sep sept", "october oct", "november nov",
    "december dec"), start=1) for name in names.split()}
_WEEKDAY = r"(?:(?:mon|tue|tues|wed|thu|thur|thurs|fri|sat|sun)[a-z]*\.?,?\s+)?"
_MDY = r"(?P<mon>[^\W\d_]{3,9})\.?\s+(?P<day>\d{1,2})(?:st|nd|rd|th)?,?\s+(?P<year>\d{4})"
_DMY = r"(?P<day>\d{1,2})(?:st|nd|rd|th)?\s+(?P<mon>[^\W\d_]{3,9})\.?,?\s+(?P<year>\d{4})"
_ISO = r"(?P<year>\d{4})-(?P<mon>\d{1,2})-(?P<day>\d{1,2})"
_WHOLE_LINE = [re.compile(_WEEKDAY + p + r"\.?", re.I) for p in (_ISO, _MDY, _DMY)]
# "QINGDAO, April 27, 2026 (NEWMEDIAWIRE) -": a place without digits, a separator, then the date.
_DATELINES = [re.compile(r"(?:[^\W\d_]|\()[^\d\n]{0,80}?\s*[,\-\u2013\u2014]\s*" + p
                         + r"(?=\s*(?:[(/,\-\u2013\u2014]|$))", re.I) for p in (_MDY, _DMY)]
_ISO_VALUE = re.compile(r"\s*(\d{4})-(\d{2})-(\d{2})(?:[T\s]\S*)?\s*")
_BOILERPLATE = re.compile(
    r"(?:news release|press release|for immediate release|media release|news)\s*:?", re.I)
_ATX = re.compile(r"^\s*#+\s*|\s+#+\s*$")  # markdown heading markers
_FRONT_MATTER_KEY = re.compile(r"(title|date|source|url)\s*:\s*(.*)", re.I)

_JUNK_TAGS = ["script", "style", "noscript", "template", "svg", "iframe", "object", "head"]
_CHROME_TAGS = ["nav", "footer", "header"]
_BLOCK_TAGS = frozenset(
    "p li h1 h2 h3 h4 h5 h6 blockquote td th tr pre div section article main ul ol dl dt dd "
    "table figure figcaption address hr".split())


# ---------------------------------------------------------------- dates

def _make_date(year: str, mon: str, day: str) -> datetime.date | None:
    month = int(mon) if mon.isdigit() else _MONTHS.get(mon.lower())
    try:
        return datetime.date(int(year), month, int(day)) if month else None
    except ValueError:  # "February 30" and friends are not dates
        return None


def _line_date(line: str) -> datetime.date | None:
    """The date if the whole line is one (markdown emphasis around it is allowed)."""
    text = line.strip().strip("*_").strip()
    for pattern in _WHOLE_LINE:
        if m := pattern.fullmatch(text):
            return _make_date(m["year"], m["mon"], m["day"])
    return None


def _dateline_date(paragraph: str) -> datetime.date | None:
    text = paragraph.strip().lstrip("*_").strip()
    for pattern in _DATELINES:
        if (m := pattern.match(text)) and (found := _make_date(m["year"], m["mon"], m["day"])):
            return found
    return None


def find_date(text: str) -> datetime.date | None:
    """The first whole-line date in `text`, else the first dateline date; None without a full date."""
    lines = text.splitlines()
    for getter in (_line_date, _dateline_date):
        for line in lines:
            if found := getter(line):
                return found
    return None


def _parse_date_value(value: str) -> datetime.date | None:
    """A date from metadata: ISO (optionally with a time) or a written-out date."""
    if m := _ISO_VALUE.fullmatch(value):
        return _make_date(*m.groups())
    return _line_date(value)


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
        return bool(line.strip()) and not _is_boilerplate(line) and not _line_date(line)

    candidates = (i for i, line in enumerate(lines) if real(line))
    if heading:  # an explicit h1 beats an earlier plain line
        candidates = iter([i for i, line in enumerate(lines) if re.match(r"#\s", line) and real(line)]
                          or list(candidates))
    for i in candidates:
        if title := _normalise(_ATX.sub("", lines[i]) if heading else lines[i]):
            above = lines[:i]
            date = next(filter(None, map(_line_date, above)), None)
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
            if _is_boilerplate(line) or (date is None and (date := _line_date(line))):
                continue
        kept.append(line)
    return date, kept


def _body_and_date(lines: list[str], date: datetime.date | None) -> tuple[str, datetime.date | None]:
    top_date, lines = _take_top_date(lines)
    body = _tidy_body(lines)
    date = date or top_date
    # A dateline opens the first paragraph (after any bullet summary): keep it in the body.
    for paragraph in body.split("\n\n")[:3]:
        date = date or _dateline_date(paragraph)
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
    date = _parse_date_value(meta.get("date", ""))
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
            if isinstance(value, str) and (found := _parse_date_value(value)):
                return found
    for tag in soup.find_all("time", datetime=True):
        if found := _parse_date_value(str(tag["datetime"])):
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


def parse_html(html: str, *, release_id: str, origin: str = "") -> Release:
    """Parse an HTML release: title from <h1>, else <title>, else the first text line."""
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


# ---------------------------------------------------------------- JSONL

def _string_field(record: dict, name: str, warnings: list[str]) -> str:
    value = record.get(name)
    if value is None or isinstance(value, str):
        return (value or "").strip()
    warnings.append(f"field '{name}' must be a string, not {type(value).__name__}")
    return ""


def _parse_record(record: object, origin: str) -> tuple[Release, list[str]]:
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
    date = _parse_date_value(raw_date) if raw_date else None
    if raw_date and date is None:
        warnings.append(f"unparseable date {raw_date!r}")
    release = Release(str(rid).strip(), title, record["body"].strip(), date,
                      _string_field(record, "source", warnings),
                      _string_field(record, "url", warnings), origin)
    return release, warnings


def parse_record(record: dict, *, origin: str = "") -> Release:
    """Parse one JSONL object; raises ValueError on missing or wrongly typed required fields."""
    return _parse_record(record, origin)[0]


def _open_maybe_gzip(path: Path) -> IO[bytes]:
    """Open by content, not name: gzip magic bytes mean gzip whatever the suffix says."""
    with open(path, "rb") as fh:
        magic = fh.read(2)
    return gzip.open(path, "rb") if magic == b"\x1f\x8b" else open(path, "rb")


def _raw_lines(fh: IO[bytes]) -> Iterator[bytes | None]:
    """Lines of at most MAX_BYTES; an over-long line is skipped and yields None."""
    while line := fh.readline(MAX_BYTES + 1):
        if len(line) <= MAX_BYTES:
            yield line
            continue
        while line and not line.endswith(b"\n"):
            line = fh.readline(1 << 20)
        yield None


def _jsonl_line(raw: bytes | None, origin: str) -> Iterator[Release | Problem]:
    if raw is None:
        yield Problem(origin, f"line too large (limit {MAX_BYTES // 2**20} MB)")
        return
    try:
        record = json.loads(raw.decode("utf-8-sig"))
        release, warnings = _parse_record(record, origin)
    except UnicodeDecodeError as e:
        yield Problem(origin, f"not UTF-8 text (invalid byte at offset {e.start})")
    except json.JSONDecodeError as e:
        yield Problem(origin, f"invalid JSON: {e.msg}")
    except RecursionError:
        yield Problem(origin, "invalid JSON: nested too deeply")
    except ValueError as e:
        yield Problem(origin, str(e))
    else:
        yield from (Problem(origin, w) for w in warnings)
        yield release


def _read_jsonl(path: Path) -> Iterator[Release | Problem]:
    lineno, empty = 0, True
    try:
        with _open_maybe_gzip(path) as fh:
            for lineno, raw in enumerate(_raw_lines(fh), start=1):
                if raw is not None and not raw.strip():
                    continue
                if empty and raw is not None and b"\0" in raw:
                    yield Problem(str(path), "binary file")
                    return
                empty = False
                yield from _jsonl_line(raw, f"{path}:{lineno}")
    except (EOFError, zlib.error, gzip.BadGzipFile) as e:
        # Everything read before the damage has been yielded already.
        yield Problem(f"{path}:{lineno + 1}", f"truncated or corrupt gzip data ({e})")
        return
    except OSError as e:
        yield Problem(str(path), f"cannot read file: {e.strerror or e}")
        return
    if empty:
        yield Problem(str(path), "empty file")


# ---------------------------------------------------------------- files

def _suffix(path: Path) -> str:
    name = path.name.lower()
    return next((s for s in sorted(SUPPORTED_SUFFIXES, key=len, reverse=True)
                 if name.endswith(s) and len(name) > len(s)), "")


def _iter_files(paths: Sequence[str | Path]) -> Iterator[tuple[Path, str] | Problem]:
    """(file, path relative to its folder argument), or Problems; folders sorted, hidden skipped."""
    for arg in paths:
        path = Path(arg)
        if path.is_dir():
            errors: list[OSError] = []
            found = []
            for folder, dirs, files in os.walk(path, onerror=errors.append):
                dirs[:] = [d for d in dirs if not d.startswith(".")]
                for name in files:
                    file = Path(folder, name)
                    if not name.startswith(".") and _suffix(file):
                        found.append((file.relative_to(path).as_posix(), file))
            yield from (Problem(str(e.filename), f"cannot read folder: {e.strerror}")
                        for e in errors)
            yield from ((file, rel) for rel, file in sorted(found))
        elif not path.exists():
            yield Problem(str(path), "no such file or directory")
        elif not _suffix(path):
            yield Problem(str(path), f"unsupported file type {path.suffix or path.name!r}")
        else:
            yield path, path.name


def iter_release_files(paths: Sequence[str | Path]) -> Iterator[Path | Problem]:
    """Supported files under `paths` in reading order, and Problems for unusable paths."""
    for item in _iter_files(paths):
        yield item if isinstance(item, Problem) else item[0]


def _decode(data: bytes) -> str:
    """UTF-8 text of a document file; ValueError(reason) if it is not text."""
    if b"\0" in data:
        raise ValueError("binary file")
    bom = 3 if data.startswith(b"\xef\xbb\xbf") else 0
    try:
        text = data[bom:].decode("utf-8")
    except UnicodeDecodeError as e:
        raise ValueError(f"not UTF-8 text (invalid byte at offset {e.start + bom})") from None
    if not text.strip():
        raise ValueError("empty file")
    return text


def _read_document(path: Path, release_id: str) -> Release | Problem:
    origin = str(path)
    try:
        if path.is_symlink() and not path.exists():
            return Problem(origin, "broken symbolic link")
        if not path.is_file():
            return Problem(origin, "not a regular file")
        size = path.stat().st_size
        if size > MAX_BYTES:
            mb = size / 2**20
            return Problem(origin, f"file too large ({mb:.0f} MB, limit {MAX_BYTES // 2**20} MB)")
        text = _decode(path.read_bytes())
        suffix = _suffix(path)
        if suffix in (".html", ".htm"):
            return parse_html(text, release_id=release_id, origin=origin)
        parse = parse_markdown if suffix in (".md", ".markdown") else parse_text
        return parse(text, release_id=release_id, origin=origin)
    except OSError as e:
        return Problem(origin, f"cannot read file: {e.strerror or e}")
    except (ValueError, RecursionError, AssertionError, ParserRejectedMarkup) as e:
        # bs4's html.parser can still choke on pathological markup; report, don't crash.
        return Problem(origin, str(e) or type(e).__name__)


def _strip_suffix(rel: str) -> str:
    return rel[: -len(_suffix(Path(rel)))]


def read_releases(paths: Sequence[str | Path]) -> Iterator[Release | Problem]:
    """Yield every release under `paths` (files or folders) and a Problem for everything skipped.

    Never raises on bad input. Duplicate ids: the first wins, later ones are Problems.
    """
    first_seen: dict[str, str] = {}
    files_read: set[Path] = set()
    for item in _iter_files(paths):
        if isinstance(item, Problem):
            yield item
            continue
        path, rel = item
        if (real := path.resolve()) in files_read:
            continue  # the same file reached twice (a folder and a file inside it)
        files_read.add(real)
        if _suffix(path) in (".jsonl", ".jsonl.gz"):
            results: Iterable[Release | Problem] = _read_jsonl(path)
        else:
            results = [_read_document(path, _strip_suffix(rel))]
            # a.txt and a.md: the later file keeps its suffix in the id.
            if isinstance(results[0], Release) and results[0].id in first_seen:
                results = [replace(results[0], id=rel)]
        for result in results:
            if isinstance(result, Release):
                if result.id in first_seen:
                    result = Problem(result.origin, f"duplicate id {result.id!r} "
                                                    f"(first seen at {first_seen[result.id]})")
                else:
                    first_seen[result.id] = result.origin
            yield result
