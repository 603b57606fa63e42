"""An entity's page data: canonical name, type, aliases, its releases newest first, who appears with it, per month."""
from __future__ import annotations

from typing import Sequence

import numpy as np

from indexer.store.catalog import Catalog
from indexer.store.records import EntityInfo
from search.facets import FacetCounter
from search.views import EntityProfile, EntitySummary, MonthCount

COOCCURRING = 15  # entities listed as appearing with this one


def entity_profile(info: EntityInfo, catalog: Catalog, facets: FacetCounter, release_ids: Sequence[str],
                   days: np.ndarray) -> EntityProfile:
    """Everything /entities/<type>/<name> shows. Its releases are the entity's column of the facet matrix: the same
    set that an `entity=` filter and the exact tiers use."""
    rows = facets.releases_with(info.key)
    rows = rows[np.argsort(-days[rows], kind="stable")]  # newest first; undated (day 0) last
    return EntityProfile(
        name=info.name,
        type=info.type,
        aliases=catalog.alias_names(info.key),
        votes=info.votes,
        releases=len(rows),
        issued=int(np.count_nonzero(facets.issuer == facets.column_of(info.key))),
        release_ids=[release_ids[o] for o in rows.tolist()],
        cooccurring=[EntitySummary(n, t, c) for n, t, c in facets.cooccurring(rows, info.key, COOCCURRING)],
        months=[MonthCount(m, c) for m, c in facets.months_of(rows)],
        typed_by=info.typed_by,
    )
