"""What the home page says about the corpus before anything is typed: how many releases, from when to when, the
newest ones, who issues most, which companies are named most, and searches to start from.

One engine call: a search with no words and no filter lists every release newest first, with facets over all of
them (search/engine.py), so the figures are the same counts a search would show.
"""
from __future__ import annotations

from dataclasses import dataclass

from search.engine import Engine
from search.hits import FacetValue, Hit
from search.request import SearchRequest

RECENT = 6
TOP = 8
# Searches that show what the engine does: meaning (no shared word needed), a phrase, a filter, an entity.
EXAMPLE_SEARCHES = (
    ("agreements involving ports", {"q": "agreements involving ports"}),
    ("quarterly results", {"q": "quarterly results"}),
    ('"share buyback"', {"q": '"share buyback"'}),
    ("appointments, newest first", {"category": "appointment", "sort": "date"}),
)


@dataclass(frozen=True)
class Overview:
    releases: int
    dated: int
    first_month: str | None
    last_month: str | None
    recent: list[Hit]
    issuers: list[FacetValue]
    orgs: list[FacetValue]
    months: list[tuple[str, int]]


def corpus_overview(engine: Engine) -> Overview:
    """The home page's figures for the live index version."""
    everything = engine.search(SearchRequest(limit=RECENT, facet_size=TOP, collapse=True))
    months = [(v.value, v.count) for v in everything.facets["month"]]
    return Overview(releases=engine.size, dated=sum(count for _, count in months),
                    first_month=months[0][0] if months else None, last_month=months[-1][0] if months else None,
                    recent=everything.hits, issuers=everything.facets["issuer"][:TOP],
                    orgs=everything.facets["org"][:TOP], months=months)
