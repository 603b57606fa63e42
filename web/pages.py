"""The HTML pages: home, search with facets, a release, an entity. Same request parsing and engine call as the API."""
from __future__ import annotations

import datetime as dt
import html
from dataclasses import replace
from typing import Sequence
from urllib.parse import urlencode

from flask import Blueprint, render_template, request, url_for

from indexer.store.records import CATEGORY_LABELS
from indexer.store.records import ENTITY_TYPES
from search.engine import Engine
from search.facets import month_range
from search.hits import SearchResult
from search.request import (ENTITY_QUERY_PARAMETERS, FACET_SIZE, MODES, PARAMETERS, SORTS, EntityFilter,
                            RequestError, SearchRequest, parse_entity_query, parse_request)
from web.context import engine, error_response
from web.facet_view import (LONGER, VALUE_FIELDS, about_entity, disjunctive_facets, facet_lists, facet_request,
                             value_label)
from web.histogram import Histogram, month_histogram
from web.markdown import render_body
from web.overview import EXAMPLE_SEARCHES, corpus_overview
from web.parameters import accepts

pages = Blueprint("pages", __name__)
ENTITY_PAGE_RELEASES = 20  # per page of an entity's releases
ENTITY_LIST = 100
FACET_TITLES = {"org": "Organisations", "person": "People", "place": "Places", "facility": "Facilities",
                "issuer": "Issuer", "category": "Announcement type", "month": "Month", "ticker": "Ticker",
                "wire": "Wire"}
# The filter panel's order: what a release is, who issued it, whom it names, its listings, and the wire last.
FACET_ORDER = ["category", "issuer", *ENTITY_TYPES, "ticker", "wire"]
_PARAMETER_DEFAULTS = dict(SearchRequest().to_params(defaults=True))  # e.g. offset -> "0": left out of URLs
_PARAMETER_ORDER = {name: n for n, name in enumerate(PARAMETERS)}


def search_url(req: SearchRequest, **changes: str | int | Sequence[str]) -> str:
    """The /search URL of `req` with some parameters replaced, each written as in a URL (entity=["org:SITC"],
    offset=20, date_from="" to drop it). The offset resets unless given: a changed search starts on page one."""
    changes.setdefault("offset", 0)
    pairs = [(name, value) for name, value in req.to_params() if name not in changes]
    for name, value in changes.items():
        values = value if isinstance(value, (list, tuple)) else [value]
        pairs += [(name, str(v)) for v in values if str(v) not in ("", _PARAMETER_DEFAULTS.get(name))]
    pairs.sort(key=lambda pair: _PARAMETER_ORDER[pair[0]])  # stable: repeated values keep their order
    return url_for("pages.search") + ("?" + urlencode(pairs) if pairs else "")


def hidden_fields(req: SearchRequest, *set_by_form: str) -> list[tuple[str, str]]:
    """The current search as hidden form fields, so a form inside the page keeps it; the parameters the form sets
    itself are left out, and the offset (a changed search starts on page one)."""
    return [(name, value) for name, value in req.to_params() if name not in set_by_form and name != "offset"]


def _toggled(values: list[str], value: str) -> list[str]:
    kept = [v for v in values if v.casefold() != value.casefold()]
    return kept if len(kept) < len(values) else values + [value]


def toggle_url(req: SearchRequest, type_: str, value: str) -> str:
    """Click once to filter by a facet value, click again to remove it (a month sets or clears the date range)."""
    if type_ in VALUE_FIELDS:  # issuer, category, ticker, wire: a parameter of the facet's name
        return search_url(req, **{type_: _toggled(list(getattr(req, VALUE_FIELDS[type_])), value)})
    if type_ == "month":
        first, last = month_range(value)
        if (req.date_from, req.date_to) == (first, last):
            return search_url(req, date_from="", date_to="")
        return search_url(req, date_from=first.isoformat(), date_to=last.isoformat())
    return search_url(req, entity=_toggled([f.param() for f in req.entities], EntityFilter(type_, value).param()))


@pages.app_template_global()
def entity_url(type_: str, name: str) -> str:
    return url_for("pages.entity", type_=type_, name=name)


@pages.app_template_filter("text")
def plain_text(value: str | None) -> str:
    """A title as its words: feeds and scraped pages write "&amp;" for "&", which escaping again would show
    literally. Decoded once here; Jinja escapes the result, so nothing becomes markup."""
    return html.unescape(value or "")


@pages.app_template_global()
def quoted(q: str) -> str:
    """The query as the summary shows it: a quoted phrase keeps its own quotes rather than gaining a second pair."""
    return q if len(q) > 1 and q.startswith('"') and q.endswith('"') else f"“{q}”"


@pages.errorhandler(RequestError)
def _bad_request(exc: RequestError):
    """A bad search shows the search form with the message, so it can be fixed; elsewhere the error page. The box
    keeps what was typed (base.html reads the raw q when the request could not be parsed)."""
    if request.endpoint != "pages.search":
        return error_response(400, str(exc))
    return render_template("search.html", req=SearchRequest(), result=None, error=str(exc),
                           modes=MODES, sorts=SORTS, types=ENTITY_TYPES), 400


def _searched(req: SearchRequest) -> bool:
    return bool(req.q or req.entities or req.date_from or req.date_to or req.issuers or req.categories
                or req.tickers or req.wires)


@pages.get("/")
@pages.get("/search")
@accepts(PARAMETERS)
def search():
    req = parse_request(request.args.to_dict(flat=False))
    eng = engine()
    if not _searched(req):
        overview = corpus_overview(eng)
        return render_template("home.html", req=req, overview=overview, examples=[
            (label, url_for("pages.search", **params)) for label, params in EXAMPLE_SEARCHES],
            histogram=month_histogram(overview.months, lambda m: toggle_url(req, "month", m)),
            category_labels=CATEGORY_LABELS)
    counted = facet_request(req, FACET_SIZE)
    result = eng.search(counted)
    facets = disjunctive_facets(eng, counted, result)
    pager = {}
    if req.offset > 0:
        pager["prev"] = search_url(req, offset=max(0, req.offset - req.limit))
    if req.offset + req.limit < result.total:
        pager["next"] = search_url(req, offset=req.offset + req.limit)
    return render_template("search.html", req=req, result=result, error=None, pager=pager,
                           modes=MODES, sorts=SORTS, types=ENTITY_TYPES,
                           category_labels=CATEGORY_LABELS, toggle_url=lambda t, v: toggle_url(req, t, v),
                           facet_label=lambda t, v: value_label(t, v, CATEGORY_LABELS), about_entity=about_entity,
                           facets=facet_lists(facets, FACET_ORDER, FACET_TITLES, counted.facet_size,
                                              lambda t: search_url(req, facet_size=LONGER) + f"#facet-{t}"),
                           histogram=_search_histogram(eng, req, result),
                           filters=_filter_chips(req),
                           facet_form_fields=hidden_fields(req, "facet_size", "facet_q"),
                           options_form_fields=hidden_fields(req, "mode", "sort", "date_from", "date_to"),
                           clear_facet_q=search_url(req, facet_q=""),
                           all_versions_url=search_url(req, collapse=0),
                           suggestion_url=search_url(req, q=result.suggestion) if result.suggestion else None)


def _search_histogram(eng: Engine, req: SearchRequest, result: SearchResult) -> Histogram | None:
    """Releases per month above the results. With a date filter the bars are counted without it (the months
    around the chosen ones stay visible, the chosen ones marked), as a range slider shows its whole track."""
    months = result.facets["month"]
    chosen: set[str] = set()
    if req.date_from or req.date_to:
        wider = replace(req, date_from=None, date_to=None, limit=1, offset=0, facet_size=1)  # months are all listed
        months = eng.search(wider).facets["month"]
        low, high = req.date_from or dt.date.min, req.date_to or dt.date.max
        chosen = {v.value for v in months if low <= month_range(v.value)[0] and month_range(v.value)[1] <= high}
    return month_histogram([(v.value, v.count) for v in months], lambda m: toggle_url(req, "month", m), chosen)


def _filter_chips(req: SearchRequest) -> list[tuple[str, str]]:
    """(label, URL that removes it) for every active filter."""
    chips = [(f"{f.type}: {f.name}", toggle_url(req, f.type, f.name)) for f in req.entities]
    chips += [(f"issuer: {i}", toggle_url(req, "issuer", i)) for i in req.issuers]
    chips += [(f"type: {CATEGORY_LABELS[c]}", toggle_url(req, "category", c)) for c in req.categories]
    chips += [(f"ticker: {t}", toggle_url(req, "ticker", t)) for t in req.tickers]
    chips += [(f"wire: {w}", toggle_url(req, "wire", w)) for w in req.wires]
    if req.date_from or req.date_to:
        chips.append((f"date: {req.date_from or '…'} – {req.date_to or '…'}", search_url(req, date_from="", date_to="")))
    return chips


@pages.get("/releases/<path:release_id>")
@accepts()
def release(release_id: str):
    eng = engine()
    found = eng.release(release_id)
    if found is None:
        return error_response(404, f"No release with id {release_id!r}.")
    return render_template("release.html", release=found, body=render_body(found.body), types=ENTITY_TYPES,
                           filter_url=lambda t, n: search_url(SearchRequest(), entity=[f"{t}:{n}"]),
                           category_labels=CATEGORY_LABELS, related=eng.related(release_id))


@pages.get("/entities")
@accepts(ENTITY_QUERY_PARAMETERS)
def entity_list():
    """Search entity names (the HTML face of /api/entities: the same parameters and messages, a longer list)."""
    query = parse_entity_query(request.args.to_dict(flat=False), default_limit=ENTITY_LIST)
    found = engine().entities(query.type, query.q, query.limit)
    return render_template("entities.html", found=found, type_=query.type, q=query.q, types=ENTITY_TYPES)


def _page_number(raw: str | None, pages_: int) -> int:
    if raw is None:
        return 1
    if not raw.isdigit() or not 1 <= int(raw) <= max(1, pages_):
        raise RequestError(f"page must be a whole number from 1 to {max(1, pages_)}, not {raw!r}")
    return int(raw)


@pages.get("/entities/<type_>/<path:name>")
@accepts("page")
def entity(type_: str, name: str):
    eng = engine()
    found = eng.entity(type_, name) if type_ in ENTITY_TYPES else None
    if found is None:
        return error_response(404, f"No {type_} named {name!r}.")
    count = len(found.release_ids)
    last = max(1, -(-count // ENTITY_PAGE_RELEASES))
    page = _page_number(request.args.get("page"), last)
    start = (page - 1) * ENTITY_PAGE_RELEASES
    releases = [eng.release(rid) for rid in found.release_ids[start:start + ENTITY_PAGE_RELEASES]]
    filter_ = f"{found.type}:{found.name}"

    def month_url(month: str) -> str:
        first, last_day = month_range(month)
        return search_url(SearchRequest(), entity=[filter_], date_from=first.isoformat(), date_to=last_day.isoformat())

    chart = month_histogram([(m.month, m.releases) for m in found.months], month_url)
    here = url_for("pages.entity", type_=found.type, name=found.name)
    pager = {"page": page, "pages": last, "first": start + 1, "last": start + len(releases),
             "prev": (here + (f"?page={page - 1}" if page > 2 else "")) if page > 1 else None,
             "next": f"{here}?page={page + 1}" if page < last else None}
    search_link = search_url(SearchRequest(), entity=[filter_])
    issued_link = search_url(SearchRequest(), issuer=[found.name]) if found.issued else None
    return render_template("entity.html", entity=found, releases=releases, chart=chart, pager=pager,
                           search_link=search_link, issued_link=issued_link, category_labels=CATEGORY_LABELS)
