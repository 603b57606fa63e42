"""Facet counts over the whole match set: entities (a sparse release × entity matrix), the issuer, the announcement
type, releases per month, the tickers (a release × ticker matrix) and the wire, all summed over the matching rows.

Values of one facet type combine with OR and types with AND; selected values are always listed with their counts.
"""
from __future__ import annotations

import calendar
import datetime as dt
from dataclasses import replace
from typing import Sequence

import numpy as np
from scipy import sparse

from indexer.store.catalog import Catalog
from indexer.store.records import CATEGORIES
from indexer.store.records import ENTITY_TYPES
from search.evidence_facets import ticker_matrix, wire_column
from search.hits import FacetValue
from search.request import SearchRequest

FACET_TYPES = ENTITY_TYPES + ("issuer", "category", "month", "ticker", "wire")


def month_of(day_ordinal: int) -> str:
    """"YYYY-MM" of a proleptic day number (0 = undated → "")."""
    return month_key(dt.date.fromordinal(day_ordinal)) if day_ordinal else ""


def month_key(day: dt.date) -> str:
    """"YYYY-MM", the year zero-padded (strftime("%Y") gives "1" for year 1, which fromisoformat refuses)."""
    return f"{day.year:04d}-{day.month:02d}"


def month_range(month: str) -> tuple[dt.date, dt.date]:
    """First and last day of "YYYY-MM" (by the calendar, not by date arithmetic: the day after 9999-12-31 does not
    exist, so stepping past the month would overflow for December 9999)."""
    first = dt.date.fromisoformat(month + "-01")
    return first, first.replace(day=calendar.monthrange(first.year, first.month)[1])


def months_between(first: str, last: str) -> list[str]:
    """Every "YYYY-MM" from `first` to `last`, both included (month numbers, so December 9999 ends the list)."""
    year, month = int(first[:4]), int(first[5:7])
    end = (int(last[:4]), int(last[5:7]))
    out = []
    while (year, month) <= end:
        out.append(f"{year:04d}-{month:02d}")
        year, month = (year + 1, 1) if month == 12 else (year, month + 1)
    return out


class ValueNames:
    """The names of one facet's values, casefolded for `facet_q` (`searched`: other text to search, by value), and
    each one's place in name order: ties on count sort by name without a Python key function per query."""

    def __init__(self, names: Sequence[str], searched: Sequence[str] | None = None) -> None:
        self.names = list(names)
        self.folded = [text.casefold() for text in (self.names if searched is None else searched)]
        self.rank = np.empty(len(self.names), dtype=np.int64)
        by_name = np.array([n.casefold() for n in self.names], dtype=object)
        self.rank[np.argsort(by_name, kind="stable")] = np.arange(len(self.names))


class FacetCounter:
    def __init__(self, catalog: Catalog, release_ids: Sequence[str], days: np.ndarray) -> None:
        """Rows follow `release_ids` (release ordinals); `days[i]` is release i's date as a day number (0 = none)."""
        self.keys = list(catalog.entities)
        self.names = [catalog.entities[k].name for k in self.keys]
        column = {k: i for i, k in enumerate(self.keys)}
        self.types = np.array([ENTITY_TYPES.index(catalog.entities[k].type) for k in self.keys], dtype=np.int8)
        rows, cols = [], []
        self.issuer = np.full(len(release_ids), -1, dtype=np.int64)  # entity column of each release's issuer
        self.category = np.zeros(len(release_ids), dtype=np.int64)  # index into CATEGORIES
        for row, rid in enumerate(release_ids):
            record = catalog.releases.get(rid)
            for key in record.keys if record else ():
                rows.append(row)
                cols.append(column[key])
            if record is not None:
                self.issuer[row] = column.get(record.issuer, -1) if record.issuer else -1
                self.category[row] = CATEGORIES.index(record.category)
        self.matrix = sparse.csr_matrix(
            (np.ones(len(rows), dtype=np.int32), (rows, cols)), shape=(len(release_ids), len(self.keys))
        )
        self._column = column
        self._by_entity: sparse.csc_matrix | None = None
        self._entity_names = ValueNames(self.names)
        self.wires = wire_column(catalog, release_ids)
        self._wire_names = ValueNames(self.wires.names)
        self.tickers = ticker_matrix(catalog, release_ids)
        self._ticker_company = dict(zip(self.tickers.values, self.tickers.companies))
        # "acme" in the facet search finds NASDAQ:ACME by its company too.
        self._ticker_names = ValueNames(self.tickers.values, [f"{v} {c or ''}" for v, c in
                                                              zip(self.tickers.values, self.tickers.companies)])
        months = sorted({month_of(int(d)) for d in days if d})
        self.months = months
        month_index = {m: i for i, m in enumerate(months)}
        self.month = np.array([month_index[month_of(int(d))] if d else -1 for d in days], dtype=np.int64)

    def releases_with(self, key: str) -> np.ndarray:
        """The releases (sorted ordinals) among whose entities the catalog entity `key` is: the matrix column."""
        if self._by_entity is None:  # column access; made on first use (~3 MB on the full corpus)
            by_entity = self.matrix.tocsc()
            by_entity.sort_indices()
            self._by_entity = by_entity
        col = self._column.get(key)
        if col is None:
            return np.zeros(0, dtype=np.int64)
        start, end = self._by_entity.indptr[col], self._by_entity.indptr[col + 1]
        return self._by_entity.indices[start:end].astype(np.int64)

    def column_of(self, key: str) -> int:
        """The matrix column of a canonical entity key."""
        return self._column[key]

    def restrict(self, ordinals: np.ndarray, request: SearchRequest, catalog: Catalog) -> np.ndarray:
        """The ordinals whose issuer is one of `request.issuers`, type one of `request.categories`, wire one of
        `request.wires` and that print one of `request.tickers` (each given: OR within a type, AND across)."""
        if request.issuers:
            wanted = [self._column[info.key] for info in map(lambda n: catalog.lookup("org", n), request.issuers)
                      if info is not None]
            ordinals = ordinals[np.isin(self.issuer[ordinals], wanted)]
        if request.categories:
            wanted = [CATEGORIES.index(c) for c in request.categories]
            ordinals = ordinals[np.isin(self.category[ordinals], wanted)]
        if request.wires:
            ordinals = ordinals[np.isin(self.wires.of_release[ordinals], sorted(self._chosen_wires(request)))]
        if request.tickers:
            listed = self.tickers.releases_with_any(sorted(self._chosen_tickers(request)))
            ordinals = ordinals[np.isin(ordinals, listed)]
        return ordinals

    def _chosen_wires(self, request: SearchRequest) -> set[int]:
        return {i for i in map(self.wires.find, request.wires) if i is not None}

    def _chosen_tickers(self, request: SearchRequest) -> set[int]:
        return {i for i in map(self.tickers.find, request.tickers) if i is not None}

    def count(self, ordinals: np.ndarray, request: SearchRequest, catalog: Catalog,
              groups: np.ndarray | None = None) -> dict[str, list[FacetValue]]:
        """Top `request.facet_size` values per facet type over the given releases; selected values always listed.

        `groups` (one duplicate-group id per ordinal, for a list collapsed to one release per group): a value counts
        each group once if any of its releases here has it, because that is what a click returns: the filter keeps
        the group's releases that have the value and the collapse then shows one of them."""
        members = _group_members(ordinals, groups)
        counts = _column_counts(self.matrix, ordinals, members)
        chosen: dict[str, set[int]] = {t: set() for t in ENTITY_TYPES}
        for f in request.entities:
            info = catalog.lookup(f.type, f.name)
            if info is not None:
                chosen[f.type].add(self._column[info.key])
        needle = request.facet_q.casefold()
        facets: dict[str, list[FacetValue]] = {}
        # One pass over the ~100,000 columns for the named ones, then split by type (not one pass per type).
        named = np.flatnonzero(counts)
        named_types = self.types[named]
        for t_index, type_ in enumerate(ENTITY_TYPES):
            facets[type_] = _top(self._entity_names, named[named_types == t_index], counts, chosen[type_],
                                 request.facet_size, needle)
        issuers = _per_group(self.issuer[ordinals], groups)
        issuers = issuers[issuers >= 0]
        issuer_counts = np.bincount(issuers, minlength=len(self.keys))
        selected_issuers = {self._column[i.key] for i in (catalog.lookup("org", n) for n in request.issuers) if i}
        facets["issuer"] = _top(self._entity_names, np.unique(issuers), issuer_counts, selected_issuers,
                                request.facet_size, needle)
        category_counts = np.bincount(_per_group(self.category[ordinals], groups), minlength=len(CATEGORIES))
        facets["category"] = [FacetValue(c, int(category_counts[i]), c in request.categories)
                              for i, c in enumerate(CATEGORIES) if category_counts[i] or c in request.categories]
        facets["month"] = self._months(_per_group(self.month[ordinals], groups), request)
        facets["ticker"] = self._ticker_facet(ordinals, members, request, needle)
        facets["wire"] = self._wire_facet(ordinals, groups, request, needle)
        return facets

    def _ticker_facet(self, ordinals: np.ndarray, members: sparse.csr_matrix | None, request: SearchRequest,
                      needle: str) -> list[FacetValue]:
        """The tickers the releases print, each with its company (FacetValue.entity)."""
        counts = _column_counts(self.tickers.matrix, ordinals, members)
        values = _top(self._ticker_names, np.flatnonzero(counts), counts, self._chosen_tickers(request),
                      request.facet_size, needle)
        return [replace(v, entity=self._ticker_company[v.value]) for v in values]

    def _wire_facet(self, ordinals: np.ndarray, groups: np.ndarray | None, request: SearchRequest,
                    needle: str) -> list[FacetValue]:
        """The wires that carried the releases (one per release, counted like the issuer)."""
        wires = _per_group(self.wires.of_release[ordinals], groups)
        wires = wires[wires >= 0]
        counts = np.bincount(wires, minlength=len(self.wires.names))
        return _top(self._wire_names, np.unique(wires), counts, self._chosen_wires(request), request.facet_size,
                    needle)

    def _months(self, months: np.ndarray, request: SearchRequest) -> list[FacetValue]:
        """Releases per month of the match set (`months`: each one's month index, -1 undated), oldest first: a
        histogram, so every month with a release is listed."""
        counts = np.bincount(months[months >= 0], minlength=len(self.months))
        # The selected month, if the date filter is exactly one month (computed once, not per month listed).
        chosen = None
        if request.date_from is not None and request.date_from.day == 1:
            month = month_key(request.date_from)
            chosen = month if month_range(month)[1] == request.date_to else None
        return [FacetValue(month, int(counts[i]), month == chosen) for i, month in enumerate(self.months)
                if counts[i] or month == chosen]

    def cooccurring(self, ordinals: np.ndarray, exclude: str, limit: int) -> list[tuple[str, str, int]]:
        """(name, type, releases) of the entities named most often in these releases, `exclude` left out."""
        counts = np.asarray(self.matrix[ordinals].sum(axis=0)).ravel() if len(ordinals) else np.zeros(0)
        skip = self._column.get(exclude, -1)
        cols = [c for c in np.argsort(-counts, kind="stable")[: limit + 1].tolist() if c != skip and counts[c] > 0]
        return [(self.names[c], ENTITY_TYPES[self.types[c]], int(counts[c])) for c in cols[:limit]]

    def months_of(self, ordinals: np.ndarray) -> list[tuple[str, int]]:
        """(YYYY-MM, releases) for every month from the first to the last of these releases, gaps as 0."""
        months = self.month[ordinals]
        months = months[months >= 0]
        if not len(months):
            return []
        counts = np.bincount(months, minlength=len(self.months))
        index = {m: i for i, m in enumerate(self.months)}
        return [(key, int(counts[index[key]]) if key in index else 0)
                for key in months_between(self.months[months.min()], self.months[months.max()])]


def _top(names: ValueNames, cols: np.ndarray, counts: np.ndarray, chosen: set[int], size: int,
         needle: str) -> list[FacetValue]:
    """The `size` values (`cols`) with the highest counts, then the chosen ones not among them."""
    if needle:
        cols = cols[[needle in names.folded[c] for c in cols.tolist()]]
    if len(cols) > size > 0:  # only values that can make the top `size` (all ties with the last one kept) are sorted
        cut = np.partition(counts[cols], len(cols) - size)[len(cols) - size]
        cols = cols[counts[cols] >= cut]
    # Most releases first, then name, for a stable order; selected values stay listed after the top ones.
    top = cols[np.lexsort((names.rank[cols], -counts[cols]))[:size]].tolist()
    extra = sorted(c for c in chosen if c not in top)
    return [FacetValue(names.names[c], int(counts[c]), c in chosen) for c in top + extra]


def _group_members(ordinals: np.ndarray, groups: np.ndarray | None) -> sparse.csr_matrix | None:
    """A group x position 0/1 matrix of a collapsed list's duplicate groups (None: count every release)."""
    if groups is None or not len(ordinals):
        return None
    groups = np.unique(np.asarray(groups), return_inverse=True)[1].ravel()
    return sparse.csr_matrix((np.ones(len(ordinals), dtype=np.int32), (groups, np.arange(len(ordinals)))),
                             shape=(int(groups.max()) + 1, len(ordinals)))


def _column_counts(matrix: sparse.csr_matrix, ordinals: np.ndarray,
                   members: sparse.csr_matrix | None) -> np.ndarray:
    """How many of the releases (with `members`: of the duplicate groups) have each column of a 0/1 matrix."""
    if not len(ordinals):
        return np.zeros(matrix.shape[1])
    rows = matrix[ordinals]
    if members is not None:
        rows = members @ rows  # group x column: how many of the group's releases have the value
        rows.data[:] = 1
    return np.asarray(rows.sum(axis=0)).ravel()


def _per_group(values: np.ndarray, groups: np.ndarray | None) -> np.ndarray:
    """The values with each (group, value) pair once: a group counts once for each value its releases have."""
    if groups is None or not len(values):
        return values
    pairs = np.unique(np.stack([np.asarray(groups, dtype=np.int64), values.astype(np.int64)]), axis=1)
    return pairs[1]
