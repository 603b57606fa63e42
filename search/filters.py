"""A request's filters as the set of releases that pass them (sorted ordinals), from the version's own arrays:
entities from the facet matrix, dates from the release days, issuer, category and wire from their columns, tickers
from their matrix.

Several values of one facet combine with OR, different facets with AND; an entity name the catalog does not know (or
knows with another type) matches nothing on its own.
"""
from __future__ import annotations

import numpy as np

from indexer.store.catalog import Catalog
from search.facets import FacetCounter
from search.request import SearchRequest


def has_filters(request: SearchRequest) -> bool:
    return bool(request.entities or request.date_from or request.date_to or request.issuers or request.categories
                or request.tickers or request.wires)


def allowed_releases(request: SearchRequest, catalog: Catalog, facets: FacetCounter,
                     days: np.ndarray) -> np.ndarray | None:
    """Release ordinals that pass the filters, sorted; None when the request has no filter."""
    if not has_filters(request):
        return None
    allowed = np.arange(len(days), dtype=np.int64)
    by_type: dict[str, list[np.ndarray]] = {}
    for f in request.entities:
        info = catalog.lookup(f.type, f.name)
        by_type.setdefault(f.type, []).append(facets.releases_with(info.key) if info else np.zeros(0, np.int64))
    for groups in by_type.values():
        allowed = np.intersect1d(allowed, np.unique(np.concatenate(groups)), assume_unique=True)
    if request.date_from or request.date_to:
        dated = days[allowed]
        keep = dated > 0  # an undated release is outside every range
        if request.date_from:
            keep &= dated >= request.date_from.toordinal()
        if request.date_to:
            keep &= dated <= request.date_to.toordinal()
        allowed = allowed[keep]
    return facets.restrict(allowed, request, catalog)
