"""The wire and ticker facets' data, read from the evidence mentions extraction keeps in the catalog: the wire that
carried each release (indexer/ingest/wires.py) and the "EXCHANGE:SYMBOL" tickers it prints (indexer/ingest/patterns.py).

A release has at most one wire: the first `wire` mention, which is the carrier its `source` names when it has one
(extraction lists that one first), so a wire's count is exactly what filtering by it returns. A release may print any
number of tickers. Each ticker is linked to a company by a vote over the releases that print it: the `alias` mention
extraction records for the name printed before the ticker ("Acme Corp (NASDAQ: ACME)": alias Acme Corp -> ACME), as
the catalog's canonical organisation.
"""
from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from typing import Iterable, Sequence

import numpy as np
from scipy import sparse

from indexer.store.catalog import Catalog, ReleaseEntities
from indexer.store.records import entity_key

_NO_MENTIONS = ReleaseEntities(())


@dataclass(frozen=True)
class WireColumn:
    """Each release's wire as an index into `names` (-1: none)."""

    names: tuple[str, ...]  # one per wire, spelled as most releases spell it
    of_release: np.ndarray  # by release ordinal
    index: dict[str, int]  # entity key of a name -> its index in `names`

    def find(self, name: str) -> int | None:
        """The wire a name stands for, whatever its case and spacing."""
        return self.index.get(entity_key(name))


def wire_column(catalog: Catalog, release_ids: Sequence[str]) -> WireColumn:
    """The wire of every release. Names that differ only in case or spacing ("ACCESSWIRE", "AccessWire") are one
    wire: a filter matches names case-insensitively, so a count must count them together."""
    firsts = [_first_wire(catalog.releases.get(rid) or _NO_MENTIONS) for rid in release_ids]
    spellings: dict[str, Counter[str]] = {}
    for name in firsts:
        if name:
            spellings.setdefault(entity_key(name), Counter())[name] += 1
    keys = sorted(spellings, key=lambda k: (_most_common(spellings[k]).casefold(), k))
    index = {key: n for n, key in enumerate(keys)}
    of_release = np.array([index[entity_key(name)] if name else -1 for name in firsts], dtype=np.int64)
    return WireColumn(tuple(_most_common(spellings[k]) for k in keys), of_release, index)


def _first_wire(record: ReleaseEntities) -> str | None:
    return next((m.name for m, _ in record.mentions if m.label == "wire" and m.name.strip()), None)


def _most_common(spellings: Counter[str]) -> str:
    """The most frequent spelling; of equally frequent ones the first in code-point order (deterministic)."""
    return min(spellings, key=lambda s: (-spellings[s], s))


@dataclass(frozen=True)
class TickerMatrix:
    """Which tickers each release prints (a release x ticker 0/1 matrix) and the company of each ticker."""

    values: tuple[str, ...]  # "EXCHANGE:SYMBOL", sorted
    companies: tuple[str | None, ...]  # the canonical organisation of each ticker, None when no release names one
    matrix: sparse.csr_matrix
    column: dict[str, int]  # a value in capitals -> its column

    def find(self, value: str) -> int | None:
        """The column of a ticker, case-insensitively ("nasdaq:acme" is NASDAQ:ACME)."""
        return self.column.get(value.upper())

    def releases_with_any(self, columns: Iterable[int]) -> np.ndarray:
        """The releases (sorted ordinals) that print at least one of these tickers."""
        columns = list(columns)
        if not columns:
            return np.zeros(0, dtype=np.int64)
        hits = np.asarray(self.matrix[:, columns].sum(axis=1)).ravel()
        return np.flatnonzero(hits).astype(np.int64)


def ticker_matrix(catalog: Catalog, release_ids: Sequence[str]) -> TickerMatrix:
    """The tickers of every release, and each one's company by a vote over the releases that print it."""
    per_release = [_tickers_and_companies(catalog, catalog.releases.get(rid) or _NO_MENTIONS) for rid in release_ids]
    values = tuple(sorted({value for found in per_release for value in found}))
    column = {v: n for n, v in enumerate(values)}
    votes: dict[str, Counter[str]] = {}
    rows, cols = [], []
    for row, found in enumerate(per_release):
        for value, companies in found.items():
            rows.append(row)
            cols.append(column[value])
            votes.setdefault(value, Counter()).update(companies)  # one vote per release and company
    matrix = sparse.csr_matrix((np.ones(len(rows), dtype=np.int32), (rows, cols)),
                               shape=(len(release_ids), len(values)))
    companies = tuple(_winner(catalog, votes.get(v, Counter())) for v in values)
    return TickerMatrix(values, companies, matrix, {v.upper(): n for n, v in enumerate(values)})


def _tickers_and_companies(catalog: Catalog, record: ReleaseEntities) -> dict[str, set[str]]:
    """{ticker: canonical keys of the organisations printed before its symbol} for one release."""
    named: dict[str, set[str]] = {}
    for m, _ in record.mentions:
        if m.label == "alias":
            key = catalog.alias_of.get(entity_key(m.name))
            if key is not None and catalog.entities[key].type == "org":
                named.setdefault(m.short, set()).add(key)
    return {m.name: named.get(m.name.partition(":")[2], set()) for m, _ in record.mentions if m.label == "ticker"}


def _winner(catalog: Catalog, votes: Counter[str]) -> str | None:
    """The canonical name with the most votes; a tie goes to the name first in alphabetical order."""
    if not votes:
        return None
    best = min(votes, key=lambda k: (-votes[k], catalog.entities[k].name.casefold(), k))
    return catalog.entities[best].name
