"""The types that cross the search boundary: one request in, one result out (the same shape for JSON, HTML, CLI)."""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from search.request import SearchRequest

if TYPE_CHECKING:
    from search.explain import Explain



@dataclass
class Hit:
    id: str
    title: str
    date: dt.date | None
    source: str
    url: str
    score: float
    snippet: str  # HTML: escaped text, matches wrapped in <mark>
    entities: dict[str, list[str]]
    issuer: str | None = None
    category: str = "other"
    explain: "Explain | None" = None  # set when the request asks for explain
    versions: list[str] = field(default_factory=list)  # the other releases of its duplicate group (search/collapse.py)

    def to_json(self) -> dict[str, Any]:
        out = {
            "id": self.id,
            "title": self.title,
            "date": self.date.isoformat() if self.date else None,
            "source": self.source,
            "url": self.url,
            "score": round(self.score, 6),
            "snippet": self.snippet,
            "entities": self.entities,
            "issuer": self.issuer,
            "category": self.category,
        }
        if self.versions:  # only for a release that has copies: most hits have none
            out["versions"] = {"count": len(self.versions), "ids": self.versions}
        if self.explain is not None:
            out["explain"] = self.explain.to_json()
        return out


@dataclass(frozen=True)
class FacetValue:
    value: str
    count: int
    selected: bool
    entity: str | None = None  # the organisation a ticker stands for (its canonical name), where one is known

    def to_json(self) -> dict[str, Any]:
        out: dict[str, Any] = {"value": self.value, "count": self.count, "selected": self.selected}
        if self.entity is not None:  # only ticker values have one: the other facets keep their three fields
            out["entity"] = self.entity
        return out


@dataclass
class SearchResult:
    request: SearchRequest
    total: int
    hits: list[Hit]
    facets: dict[str, list[FacetValue]]
    facet_scope: dict[str, Any]
    took_ms: float = 0.0
    warnings: list[str] = field(default_factory=list)
    suggestion: str | None = None  # the query with unknown or rare words corrected ("did you mean"), or None

    def to_json(self) -> dict[str, Any]:
        r = self.request
        return {
            "query": r.q,
            "mode": r.mode,
            "sort": r.sort,
            "filters": {
                "entity": [f.param() for f in r.entities],
                "issuer": list(r.issuers),
                "category": list(r.categories),
                "wire": list(r.wires),
                "ticker": list(r.tickers),
                "date_from": r.date_from.isoformat() if r.date_from else None,
                "date_to": r.date_to.isoformat() if r.date_to else None,
            },
            "total": self.total,
            "offset": r.offset,
            "limit": r.limit,
            "hits": [h.to_json() for h in self.hits],
            "facets": {t: [v.to_json() for v in values] for t, values in self.facets.items()},
            "facet_scope": self.facet_scope,
            "warnings": self.warnings,
            "took_ms": round(self.took_ms, 2),
            "suggestion": self.suggestion,
        }
