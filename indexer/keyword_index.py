"""The keyword index: Whoosh BM25F over title + body as one field (plus the title alone), entity keys for filters,
dates for ranges.

Whoosh stays behind this module (and search/keyword.py) so that the fork can change: every Whoosh fork installs the
package `whoosh`, and we pin Whoosh-Reloaded 2.7.5.
"""
from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Iterable, Sequence

from whoosh import fields, index
from whoosh.analysis import RegexTokenizer, StemmingAnalyzer

from indexer.releases import Release

TITLE_BOOST = 2.0
# 2: adds `content` (title + body as one field). Readers of a version-1 index fall back to title and body.
SCHEMA_VERSION = 2
# Entity keys may contain spaces and commas ("haier smart home co., ltd."), never newlines: one key per line.
ENTITY_SEPARATOR = "\n"


def schema() -> fields.Schema:
    entities = fields.KEYWORD(stored=False, scorable=False)
    entities.analyzer = RegexTokenizer(r"[^\n]+")
    return fields.Schema(
        id=fields.ID(stored=True, unique=True, sortable=True),
        title=fields.TEXT(stored=True, analyzer=StemmingAnalyzer(), field_boost=TITLE_BOOST),
        body=fields.TEXT(stored=True, analyzer=StemmingAnalyzer()),
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


def write_keyword_index(
    directory: Path, releases: Iterable[Release], entity_keys: Sequence[Sequence[str]]
) -> int:
    """Write a new Whoosh index with one document per release; `entity_keys[i]` belongs to the i-th release."""
    directory.mkdir(parents=True, exist_ok=True)
    ix = index.create_in(str(directory), schema())
    writer = ix.writer(limitmb=256)
    count = 0
    try:
        for release, keys in zip(releases, entity_keys, strict=True):
            doc = {
                "id": release.id,
                "title": release.title,
                "body": release.body,
                "content": f"{release.title}\n{release.body}",
                "entities": ENTITY_SEPARATOR.join(keys),
                "source": release.source,
                "url": release.url,
            }
            when = _as_datetime(release.date)
            if when is not None:
                doc["date"] = when
            writer.add_document(**doc)
            count += 1
    except BaseException:
        writer.cancel()
        raise
    writer.commit()
    return count


def open_keyword_index(directory: Path) -> index.Index:
    return index.open_dir(str(directory))
