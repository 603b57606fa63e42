"""Facet counts over the whole match set: a sparse release × entity matrix summed over the matching rows."""
from __future__ import annotations

from typing import Sequence

import numpy as np
from scipy import sparse

from indexer.catalog import Catalog
from indexer.entities import ENTITY_TYPES
from search.hits import EntityFilter, FacetValue

FACET_SIZE = 15


class FacetCounter:
    def __init__(self, catalog: Catalog, release_ids: Sequence[str]) -> None:
        """Rows follow `release_ids` (release ordinals); columns are the catalog's entities."""
        self.keys = list(catalog.entities)
        self.names = [catalog.entities[k].name for k in self.keys]
        column = {k: i for i, k in enumerate(self.keys)}
        self.types = np.array([ENTITY_TYPES.index(catalog.entities[k].type) for k in self.keys], dtype=np.int8)
        rows, cols = [], []
        for row, rid in enumerate(release_ids):
            record = catalog.releases.get(rid)
            for key in record.keys if record else ():
                rows.append(row)
                cols.append(column[key])
        self.matrix = sparse.csr_matrix(
            (np.ones(len(rows), dtype=np.int32), (rows, cols)), shape=(len(release_ids), len(self.keys))
        )
        self._column = column

    def count(self, ordinals: np.ndarray, selected: Sequence[EntityFilter], catalog: Catalog,
              size: int = FACET_SIZE) -> dict[str, list[FacetValue]]:
        """Top `size` values per type over the given releases; selected values are always listed."""
        counts = np.asarray(self.matrix[ordinals].sum(axis=0)).ravel() if len(ordinals) else np.zeros(len(self.keys))
        chosen = {t: set() for t in ENTITY_TYPES}
        for f in selected:
            info = catalog.lookup(f.type, f.name)
            if info is not None:
                chosen[f.type].add(self._column[info.key])
        facets: dict[str, list[FacetValue]] = {}
        for t_index, type_ in enumerate(ENTITY_TYPES):
            cols = np.flatnonzero((self.types == t_index) & (counts > 0))
            # Most releases first, then name, for a stable order.
            top = sorted(cols.tolist(), key=lambda c: (-counts[c], self.names[c].casefold()))[:size]
            extra = [c for c in chosen[type_] if c not in top]
            facets[type_] = [
                FacetValue(self.names[c], int(counts[c]), c in chosen[type_]) for c in top + extra
            ]
        return facets
