"""The keyword index: Whoosh BM25F over title + body as one field (plus the title alone), entity keys for filters,
dates for ranges.

Whoosh stays behind this module (and search/keyword.py) so that the fork can change: every Whoosh fork installs the
package `whoosh`, and we pin Whoosh-Reloaded 2.7.5.
"""
from __future__ import annotations

import datetime as dt
import secrets
import string
from contextlib import contextmanager
from pathlib import Path
from typing import Callable, Iterable, Iterator, Sequence

import whoosh.codec.base
from whoosh import fields, index
from whoosh.reading import IndexReader
from whoosh.analysis import RegexTokenizer, StemmingAnalyzer

from indexer.store.atomic import link_tree
from indexer.store.records import Release

TITLE_BOOST = 2.0
# Body characters indexed per release: a phrase check reads a release's word positions, and one 16 MiB release made a
# query of quoted pairs take seconds. The longest of the 24,676 real releases has 55,719 characters.
MAX_INDEXED_CHARS = 200_000
SEARCH_FIELDS = ("content", "title")  # what queries are scored on
LEGACY_FIELDS = ("title", "body")  # indexes written before the `content` field existed
# 2: adds `content` (title + body as one field). Readers of a version-1 index fall back to title and body.
# 3: `body` is stored only (it was also indexed, which doubled the analysis cost of writing; queries read `content`).
# `content` keeps the boilerplate (indexer.store.boilerplate) that passages and snippets leave out: without it keyword
# nDCG@10 on the in-domain set fell from 0.8192 to 0.7909 (train; datelines and About paragraphs hold places and
# descriptions analysts search for: "copper project in Chile" 0.857 -> 0.663; README "Relevance on press releases").
SCHEMA_VERSION = 3
# Entity keys may contain spaces and commas ("haier smart home co., ltd."), never newlines: one key per line.
ENTITY_SEPARATOR = "\n"


def schema() -> fields.Schema:
    entities = fields.KEYWORD(stored=False, scorable=False)
    entities.analyzer = RegexTokenizer(r"[^\n]+")
    return fields.Schema(
        id=fields.ID(stored=True, unique=True, sortable=True),
        title=fields.TEXT(stored=True, analyzer=StemmingAnalyzer(), field_boost=TITLE_BOOST),
        body=fields.STORED(),  # snippets and release pages; ranking and phrases use `content`
        # Title and body as one field for ranking: scoring the two fields separately and adding the scores counts a
        # word's idf twice when it is in both, and the short title's length normalisation then dominates
        # (SciFact nDCG@10 0.646 against 0.67+ for one field; README "Relevance").
        content=fields.TEXT(stored=False, analyzer=StemmingAnalyzer()),
        entities=entities,
        date=fields.DATETIME(stored=True, sortable=True),
        source=fields.ID(stored=True),
        url=fields.STORED(),
    )


def _as_datetime(date: dt.date | None) -> dt.datetime | None:
    return dt.datetime(date.year, date.month, date.day) if date else None


def _segment_name(size: int = 28) -> str:
    return "".join(secrets.choice(string.ascii_lowercase + string.digits) for _ in range(size))


@contextmanager
def _unpredictable_segment_names() -> Iterator[None]:
    """Whoosh names new segments from the global `random`; a seeded RNG (common in ML code) would give a copied
    index's new segment the name of an existing one and overwrite it (docs/architecture.md, "Library facts"). Name them from `secrets`."""
    original = whoosh.codec.base.random_name
    whoosh.codec.base.random_name = _segment_name
    try:
        yield
    finally:
        whoosh.codec.base.random_name = original


def indexed_body(body: str, limit: int = MAX_INDEXED_CHARS) -> str:
    """The part of a body that is indexed for keyword search: all of it up to `limit` characters, else its first
    `limit` characters cut at a space (the whole body is still stored, shown and embedded as before)."""
    if len(body) <= limit:
        return body
    head = body[:limit]
    cut = max(head.rfind(" "), head.rfind("\n"))
    return head[:cut] if cut > limit // 2 else head


def _document(release: Release, keys: Sequence[str], content: bool) -> dict:
    """One Whoosh document; `content` (title + body as one ranked field) only where the schema has it: an update
    of an index written before that field existed keeps its old schema."""
    doc = {
        "id": release.id,
        "title": release.title,
        "body": release.body,
        "entities": ENTITY_SEPARATOR.join(keys),
        "source": release.source,
        "url": release.url,
    }
    if content:
        doc["content"] = f"{release.title}\n{indexed_body(release.body)}"
    when = _as_datetime(release.date)
    if when is not None:
        doc["date"] = when
    return doc


def _write(ix: index.Index, releases: Iterable[Release], entity_keys: Sequence[Sequence[str]],
           delete_ids: Iterable[str], before_commit: Callable[[], None] | None) -> int:
    with _unpredictable_segment_names():
        writer = ix.writer(limitmb=256)
    count = 0
    try:
        for rid in delete_ids:
            writer.delete_by_term("id", rid)
        for release, keys in zip(releases, entity_keys, strict=True):
            writer.add_document(**_document(release, keys, "content" in ix.schema))
            count += 1
        if before_commit:
            before_commit()
    except BaseException:
        writer.cancel()
        raise
    writer.commit()
    return count


def write_keyword_index(
    directory: Path, releases: Iterable[Release], entity_keys: Sequence[Sequence[str]],
    *, before_commit: Callable[[], None] | None = None,
) -> int:
    """Write a new Whoosh index with one document per release; `entity_keys[i]` belongs to the i-th release."""
    directory.mkdir(parents=True, exist_ok=True)
    return _write(index.create_in(str(directory), schema()), releases, entity_keys, (), before_commit)


def update_keyword_index(
    base: Path, directory: Path, releases: Sequence[Release], entity_keys: Sequence[Sequence[str]],
    delete_ids: Iterable[str], *, before_commit: Callable[[], None] | None = None,
) -> int:
    """Copy the index at `base` to `directory`, delete `delete_ids`, add `releases`; `base` is never written.

    The copy is hard links: Whoosh writes each segment file once, under a fresh random name (and each TOC under a
    new generation), and never reopens one for writing; deletions go into the new TOC. So the update costs what is
    new, not a copy of every segment (README "Updates"). Deleted documents stay in their segment, marked deleted,
    until Whoosh merges it (readers skip them).
    """
    link_tree(base, directory)
    return _write(index.open_dir(str(directory)), releases, entity_keys, delete_ids, before_commit)


def stored_release(stored: dict, release_id: str) -> Release:
    """The release as the keyword index stored it (Whoosh keeps the date as a datetime)."""
    when = stored.get("date")
    date = when.date() if isinstance(when, dt.datetime) else when if isinstance(when, dt.date) else None
    return Release(release_id, stored.get("title", ""), stored.get("body", ""), date,
                   stored.get("source", ""), stored.get("url", ""))


def read_column(reader: IndexReader, field: str, *, translate: bool = True) -> list:
    """A column's value for every document number.

    Read segment by segment: Whoosh's multi-segment column reader leaves out segments without the column (e.g. an
    update whose releases are all undated) and then gives documents of later segments the wrong values.
    """
    values: list = []
    for leaf, _offset in reader.leaf_readers():
        column = leaf.column_reader(field, translate=translate)
        values.extend(column[docnum] for docnum in range(leaf.doc_count_all()))
    return values


def open_keyword_index(directory: Path) -> index.Index:
    """Open for reading without mmap: Whoosh-Reloaded copies every part of a memory-mapped segment into a BytesIO
    per reader (~430 MB per searcher on the full corpus, and the server keeps a searcher per thread); read through a
    file handle, a searcher costs a few MB and the OS page cache is shared."""
    from whoosh.filedb.filestore import FileStorage

    return FileStorage(str(directory), supports_mmap=False).open_index()


def scored_fields(ix: index.Index) -> tuple[str, ...]:
    """The fields queries are scored on (indexes written before `content` existed score title and body)."""
    return SEARCH_FIELDS if "content" in ix.schema else LEGACY_FIELDS
