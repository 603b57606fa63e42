"""The facet panel of the search page, by InstantSearch's conventions for a refinement list.

Every facet is a list of checkboxes: values of one facet combine with OR (search/request.py), so choosing one value
must not hide its siblings. The engine counts facets over the match set with every filter applied, which leaves only
the chosen values of an OR facet; for each facet type with a chosen value the page asks again without that type's own
filter ("disjunctive faceting"), so its siblings are listed with the releases each would add. A facet shows its first
SHOWN values; the rest of what was counted sits behind its own "Show more" (<details>, no script), and only when the
engine had more than it listed does a link ask for a longer list.
"""
from __future__ import annotations

from dataclasses import dataclass, replace
from typing import Callable

from search.engine import Engine
from search.hits import FacetValue, SearchResult
from search.request import SearchRequest

SHOWN = 8  # values visible per facet before "Show more"
# The OR facets that are request fields of their own, by facet type (the others are entity types).
VALUE_FIELDS = {"issuer": "issuers", "category": "categories", "ticker": "tickers", "wire": "wires"}
COUNTED = 50  # values counted per facet when the request leaves facet_size at its default
LONGER = 200  # what "more values" asks for, in that one facet's list


@dataclass(frozen=True)
class FacetList:
    type: str
    title: str
    shown: list[FacetValue]
    hidden: list[FacetValue]  # behind "Show more"
    more_url: str | None  # the engine listed as many values as it was asked for: there may be more


def value_label(type_: str, value: FacetValue, category_labels: dict[str, str]) -> str:
    """The text of a facet value: a category's label, a ticker with its company ("NASDAQ:ACME · Acme Corp"), else
    the value. Plain text: the template escapes it."""
    if type_ == "category":
        return category_labels[value.value]
    return f"{value.value} · {value.entity}" if value.entity else value.value


def about_entity(type_: str, value: FacetValue) -> tuple[str, str] | None:
    """(type, name) of the entity page a facet value is about: the organisation of an issuer or a ticker, an entity
    itself; None for a category, a wire or a ticker without a known company."""
    if type_ == "issuer":
        return "org", value.value
    if type_ == "ticker":
        return ("org", value.entity) if value.entity else None
    return None if type_ in VALUE_FIELDS or type_ == "month" else (type_, value.value)


def facet_request(req: SearchRequest, default_size: int) -> SearchRequest:
    """The request the page sends: the user's, with facets counted deep enough for "Show more" (an explicit
    facet_size is kept)."""
    return req if req.facet_size != default_size else replace(req, facet_size=COUNTED)


def _without(req: SearchRequest, type_: str) -> SearchRequest:
    """`req` with the filter of one facet type removed (and one hit: only its facets are read)."""
    if type_ in VALUE_FIELDS:
        return replace(req, **{VALUE_FIELDS[type_]: ()}, limit=1, offset=0)
    return replace(req, entities=tuple(f for f in req.entities if f.type != type_), limit=1, offset=0)


def disjunctive_facets(engine: Engine, req: SearchRequest, result: SearchResult) -> dict[str, list[FacetValue]]:
    """The result's facets, each facet type that has a chosen value counted without its own filter, so the other
    values of that OR facet stay listed (the chosen ones keep their selected flag)."""
    facets = dict(result.facets)
    chosen_types = {f.type for f in req.entities}
    chosen_types |= {type_ for type_, field in VALUE_FIELDS.items() if getattr(req, field)}
    for type_ in sorted(chosen_types):
        # The chosen values as the engine named them (an alias in the URL is listed under its canonical name).
        chosen = [v for v in result.facets.get(type_, []) if v.selected]
        names = {v.value for v in chosen}
        wider = engine.search(_without(req, type_)).facets[type_]
        listed = [replace(v, selected=v.value in names) for v in wider]
        facets[type_] = listed + [v for v in chosen if v.value not in {w.value for w in wider}]
    return facets


def facet_lists(facets: dict[str, list[FacetValue]], order: list[str], titles: dict[str, str], size: int,
                more_url: Callable[[str], str]) -> list[FacetList]:
    """The panel's facets in `order`, empty ones left out; chosen values first, so "Show more" never hides one."""
    lists = []
    for type_ in order:
        values = facets.get(type_) or []
        if not values:
            continue
        ordered = [v for v in values if v.selected] + [v for v in values if not v.selected]
        full = type_ != "category" and sum(not v.selected for v in values) >= size and size < LONGER
        lists.append(FacetList(type_, titles[type_], ordered[:SHOWN], ordered[SHOWN:],
                               more_url(type_) if full else None))
    return lists
