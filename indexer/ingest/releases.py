"""Read press releases from files and folders (text, markdown, HTML, JSONL, gzipped JSONL) into `Release` records.

Bad input never raises out of `read_releases`: every skipped file or line becomes a `Problem`. How one document
becomes a release is indexer.ingest.formats; finding its date, indexer.ingest.dates.
"""
from __future__ import annotations

import errno
import gzip
import json
import os
import stat
import zlib
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import IO, Iterable, Iterator, Sequence

from bs4 import ParserRejectedMarkup

from indexer.ingest.dates import out_of_range
from indexer.ingest.ids import check_id, index_roots, path_id, real
from indexer.ingest.formats import parse_html, parse_markdown, parse_record_with_warnings, parse_text
from indexer.store.records import Release


@dataclass(frozen=True)
class Problem:
    """Something wrong at `origin` (a file, or file:line). `kept`: a warning, the release was indexed anyway (an
    optional field dropped); otherwise the file or line was skipped. Two Problems are equal by origin and reason."""
    origin: str
    reason: str
    kept: bool = field(default=False, compare=False)

    def to_json(self) -> dict[str, object]:
        return {"origin": self.origin, "reason": self.reason, "skipped": not self.kept}


SUPPORTED_SUFFIXES = (".txt", ".md", ".markdown", ".html", ".htm", ".jsonl", ".jsonl.gz")
MAX_BYTES = 20 * 1024 * 1024
BINARY_LINES = 8  # a JSONL file whose first 8 lines all hold NUL bytes is a binary file


# ---------------------------------------------------------------- JSONL files

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
        release, warnings = parse_record_with_warnings(record, origin)
    except UnicodeDecodeError as e:
        yield Problem(origin, f"not UTF-8 text (invalid byte at offset {e.start})")
    except json.JSONDecodeError as e:
        yield Problem(origin, f"invalid JSON: {e.msg}")
    except RecursionError:
        yield Problem(origin, "invalid JSON: nested too deeply")
    except ValueError as e:
        yield Problem(origin, str(e))
    else:
        yield from (Problem(origin, w, kept=True) for w in warnings)
        yield release


def _read_jsonl(path: Path) -> Iterator[Release | Problem]:
    """Every release of a JSONL file, and a Problem per bad line.

    A line holding a NUL byte is a bad line, not the end of the file; but a file whose first BINARY_LINES non-blank
    lines (or all of them, if fewer) hold NUL bytes is not JSONL at all: one "binary file" Problem, nothing else.
    """
    lineno, empty = 0, True
    suspect: list[Problem] | None = []  # NUL lines before the first clean one: a binary file, or bad lines of a good one
    try:
        with _open_maybe_gzip(path) as fh:
            for lineno, raw in enumerate(_raw_lines(fh), start=1):
                if raw is not None and not raw.strip():
                    continue
                empty = False
                if raw is not None and b"\0" in raw:
                    bad = Problem(f"{path}:{lineno}", "binary data (NUL byte) in line")
                    if suspect is None:
                        yield bad
                        continue
                    suspect.append(bad)
                    if len(suspect) == BINARY_LINES:
                        break
                    continue
                if suspect is not None:
                    yield from suspect
                    suspect = None
                yield from _jsonl_line(raw, f"{path}:{lineno}")
    except (EOFError, zlib.error, gzip.BadGzipFile) as e:
        # Everything read before the damage has been yielded already.
        yield from suspect or ()
        yield Problem(f"{path}:{lineno + 1}", f"truncated or corrupt gzip data ({e})")
        return
    except OSError as e:
        yield Problem(str(path), f"cannot read file: {e.strerror or e}")
        return
    if empty:
        yield Problem(str(path), "empty file")
    elif suspect:
        yield Problem(str(path), "binary file")


# ---------------------------------------------------------------- files

def _suffix(path: Path) -> str:
    name = path.name.lower()
    return next((s for s in sorted(SUPPORTED_SUFFIXES, key=len, reverse=True)
                 if name.endswith(s) and len(name) > len(s)), "")


def _link_problem(path: Path) -> str | None:
    """Why a symbolic link cannot be read (a loop, a missing target, a folder), or None: not a link, or a file's.

    Symbolic links to files are followed; links to folders inside a folder are not (os.walk does not follow them,
    and a loop back up the tree would otherwise be walked for ever), and say so.
    """
    if not path.is_symlink():
        return None
    try:
        target = path.stat()
    except OSError as e:
        if e.errno == errno.ELOOP:
            return "symbolic link loop"
        if e.errno == errno.ENOENT:
            return "broken symbolic link"
        return f"cannot follow symbolic link: {e.strerror or e}"
    return "symbolic link to a folder (not followed)" if stat.S_ISDIR(target.st_mode) else None


def _unsupported(path: Path) -> Problem:
    return Problem(str(path), f"unsupported file type {path.suffix or path.name!r}")


def _walk(folder: Path) -> Iterator[tuple[Path, str] | Problem]:
    """The supported files under `folder` (sorted by relative path; hidden ones skipped) with their relative paths,
    and a Problem for each unreadable folder, unusable symbolic link and file of another type, at its place in that
    order."""
    errors: list[OSError] = []
    found: list[tuple[str, Path | Problem]] = []
    for parent, dirs, files in os.walk(folder, onerror=errors.append):
        dirs[:] = [d for d in dirs if not d.startswith(".")]
        for name, is_file in [(d, False) for d in dirs] + [(f, True) for f in files if not f.startswith(".")]:
            path = Path(parent, name)
            rel = path.relative_to(folder).as_posix()
            if reason := _link_problem(path):
                found.append((rel, Problem(str(path), reason)))
            elif is_file:
                found.append((rel, path if _suffix(path) else _unsupported(path)))
    yield from (Problem(str(e.filename), f"cannot read folder: {e.strerror}") for e in errors)
    for rel, item in sorted(found, key=lambda pair: pair[0]):
        yield item if isinstance(item, Problem) else (item, rel)


def _iter_files(paths: Sequence[str | Path], roots: Sequence[str]) -> Iterator[tuple[Path, str] | Problem]:
    """(file, its path relative to the deepest of `roots` holding it), or Problems; folders sorted, hidden skipped.

    `roots` must hold every folder in `paths` (indexer.ingest.ids.index_roots makes sure of it)."""
    root_paths = [Path(r) for r in roots]
    for arg in paths:
        path = Path(arg)
        if path.is_dir():
            folder = real(path)
            for item in _walk(path):
                yield item if isinstance(item, Problem) else (item[0], path_id(folder / item[1], root_paths))
        elif (reason := _link_problem(path)) is not None:
            yield Problem(str(path), reason)
        elif not path.exists():
            yield Problem(str(path), "no such file or directory")
        elif not _suffix(path):
            yield _unsupported(path)
        else:
            yield path, path_id(real(path.parent) / path.name, root_paths)


def _file_key(path: Path) -> tuple[int, int] | None:
    """What identifies a file however it is reached (device and inode); None if it cannot be stat'ed (its reader
    then reports why)."""
    try:
        info = path.stat()
    except OSError:
        return None
    return info.st_dev, info.st_ino


def iter_release_files(paths: Sequence[str | Path]) -> Iterator[Path | Problem]:
    """Supported files under `paths` in reading order, and Problems for unusable paths."""
    for item in _iter_files(paths, index_roots(paths)):
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


def read_releases(paths: Sequence[str | Path], roots: Sequence[str] = ()) -> Iterator[Release | Problem]:
    """Yield every release under `paths` (files or folders) and a Problem for everything skipped.

    A file's id is its path relative to the deepest of the index's `roots` holding it, where the folders named in
    `paths` become roots if no root holds them (indexer.ingest.ids). Never raises on bad input. Duplicate ids: the
    first wins, later ones are Problems.
    """
    first_seen: dict[str, str] = {}
    files_read: set[tuple[int, int]] = set()
    for item in _iter_files(paths, index_roots(paths, roots)):
        if isinstance(item, Problem):
            yield item
            continue
        path, rel = item
        if (key := _file_key(path)) is not None:
            if key in files_read:
                continue  # the same file reached twice (a folder and a file inside it, or a link to it)
            files_read.add(key)
        if _suffix(path) in (".jsonl", ".jsonl.gz"):
            results: Iterable[Release | Problem] = _read_jsonl(path)
        else:
            results = [_read_document(path, _strip_suffix(rel))]
            # a.txt and a.md: the later file keeps its suffix in the id.
            if isinstance(results[0], Release) and results[0].id in first_seen:
                results = [replace(results[0], id=rel)]
        for result in results:
            yield from _checked(result, first_seen) if isinstance(result, Release) else [result]


def _checked(release: Release, first_seen: dict[str, str]) -> Iterator[Release | Problem]:
    """`release` after the rules every format shares: a valid id (indexer.ingest.ids) not seen before (the first
    wins), a date in range (else dropped with a warning); or the Problem that skips it."""
    try:
        rid = check_id(release.id)
    except ValueError as e:
        yield Problem(release.origin, str(e))
        return
    if rid in first_seen:
        yield Problem(release.origin, f"duplicate id {rid!r} (first seen at {first_seen[rid]})")
        return
    first_seen[rid] = release.origin
    if reason := out_of_range(release.date):
        yield Problem(release.origin, reason, kept=True)
        release = replace(release, date=None)
    yield release if rid == release.id else replace(release, id=rid)
