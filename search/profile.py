"""An entity's page data: canonical name, type, aliases, its releases newest first, who appears with it, per month."""
from __future__ import annotations

from typing import TYPE_CHECKING, Any

import numpy as np

if TYPE_CHECKING:
    from search.engine import Engine

COOCCURRING = 15  # entities listed as appearing with this one


def entity_profile(engine: "Engine", type_: str, name: str) -> dict[str, Any] | None:
    """Everything /entities/<type>/<name> shows, or None if the catalog has no such entity of this type."""
    info = engine.catalog.lookup(type_, name)
    if info is None:
        return None
    docnums = engine.keyword.filter_docnums([list(info.aliases)], None, None)
    ordinals = sorted((int(engine._ordinal_by_docnum[d]) for d in docnums), key=lambda o: -engine._day[o])
    rows = np.array(ordinals, dtype=np.int64)
    counter = engine.facet_counter
    column = counter.column_of(info.key)
    return {
        "name": info.name,
        "type": info.type,
        "aliases": engine.catalog.alias_names(info.key),
        "votes": info.votes,
        "releases": len(ordinals),
        "issued": int(np.count_nonzero(counter.issuer == column)),
        "release_ids": [engine.release_ids[o] for o in ordinals],
        "cooccurring": [{"name": n, "type": t, "releases": c}
                        for n, t, c in counter.cooccurring(rows, info.key, COOCCURRING)],
        "months": [{"month": m, "releases": c} for m, c in counter.months_of(rows)],
    }
