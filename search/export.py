"""A whole result list taken away: the rows of an export, built batch by batch from the ranked run.

`Engine.ranked` gives the request's result list in its final order (no page, no facets, no snippets); the rows are
read from the stored fields and the catalog a batch at a time, so a web response can stream them while memory holds
one batch.
`limit`, `offset`, `explain`, `facet_size` and `facet_q` do not apply: an export is every release of the result list.
"""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Iterator

from search.request import SearchRequest
from search.runs import Run

if TYPE_CHECKING:  # the engine is only called
    from search.engine import Engine

EXPORT_BATCH = 500  # releases read per batch (a batch of rows is one chunk of the streamed response)
# The parameters of a search that do not change what an export holds (they page, explain or shape facets).
NOT_EXPORTED = ("limit", "offset", "explain", "facet_size", "facet_q")
COLUMNS = ("id", "date", "title", "issuer", "source", "url", "score", "category")  # then one column per entity type


@dataclass(frozen=True)
class ExportRow:
    id: str
    date: dt.date | None
    title: str
    issuer: str | None
    source: str
    url: str
    score: float
    category: str
    entities: dict[str, list[str]]  # entity type -> display names

    def to_json(self) -> dict[str, Any]:
        return {"id": self.id, "date": self.date.isoformat() if self.date else None, "title": self.title,
                "issuer": self.issuer, "source": self.source, "url": self.url, "score": round(self.score, 6),
                "category": self.category, "entities": self.entities}


def export_batches(engine: "Engine", run: Run, batch: int = EXPORT_BATCH) -> Iterator[list[ExportRow]]:
    """The rows of a ranked run (`engine.ranked(request)`: the whole result list, best or newest first), as lists
    of at most `batch` rows; each batch reads only its own releases."""
    catalog, builder, ids = engine.catalog, engine.hit_builder, engine.release_ids
    for start in range(0, len(run), batch):
        rows = []
        for ordinal, score in zip(run.ordinals[start:start + batch].tolist(), run.scores[start:start + batch].tolist()):
            rid, release = ids[ordinal], builder.release(ordinal)
            rows.append(ExportRow(rid, release.date, release.title, catalog.issuer_name(rid), release.source,
                                  release.url, score, catalog.releases[rid].category, catalog.names_by_type(rid)))
        yield rows


def export_params(request: SearchRequest) -> list[tuple[str, str]]:
    """The query parameters of an export of this search (those that change its rows)."""
    return [(name, value) for name, value in request.to_params() if name not in NOT_EXPORTED]

