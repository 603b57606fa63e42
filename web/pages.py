"""The HTML pages: search with facets, a release, an entity. Same request parsing and engine call as the API."""
from __future__ import annotations

from urllib.parse import urlencode

from flask import Blueprint, render_template, request, url_for

from indexer.entities import ENTITY_TYPES
from search.hits import MODES, SORTS, EntityFilter, SearchRequest
from search.request import RequestError, parse_request
from web.app import engine, error_response

pages = Blueprint("pages", __name__)
ENTITY_PAGE_RELEASES = 100


def search_url(req: SearchRequest, **changes) -> str:
    """The /search URL of `req` with some fields changed (offset resets unless given)."""
    fields = {
        "q": req.q, "mode": req.mode, "sort": req.sort,
        "entity": [f.param() for f in req.entities],
        "date_from": req.date_from.isoformat() if req.date_from else "",
        "date_to": req.date_to.isoformat() if req.date_to else "",
        "offset": 0,
    }
    fields.update(changes)
    defaults = {"mode": "hybrid", "sort": "relevance", "offset": 0}
    params = [(k, v) for k, v in fields.items() if k != "entity" and v not in ("", None) and defaults.get(k) != v]
    params += [("entity", e) for e in fields["entity"]]
    return url_for("pages.search") + ("?" + urlencode(params) if params else "")


def toggle_url(req: SearchRequest, type_: str, value: str) -> str:
    """Click once to filter by a facet value, click again to remove it."""
    chosen = EntityFilter(type_, value)
    current = [f.param() for f in req.entities]
    if any(f.type == type_ and f.name.casefold() == value.casefold() for f in req.entities):
        current = [f.param() for f in req.entities if not (f.type == type_ and f.name.casefold() == value.casefold())]
    else:
        current.append(chosen.param())
    return search_url(req, entity=current)


@pages.app_template_global()
def entity_url(type_: str, name: str) -> str:
    return url_for("pages.entity", type_=type_, name=name)


@pages.get("/")
@pages.get("/search")
def search():
    try:
        req = parse_request(request.args.to_dict(flat=False))
    except RequestError as exc:
        return render_template("search.html", req=SearchRequest(), result=None, error=str(exc),
                               modes=MODES, sorts=SORTS, types=ENTITY_TYPES), 400
    searched = bool(req.q or req.entities or req.date_from or req.date_to)
    result = engine().search(req) if searched else None
    pager = {}
    if result is not None:
        if req.offset > 0:
            pager["prev"] = search_url(req, offset=max(0, req.offset - req.limit))
        if req.offset + req.limit < result.total:
            pager["next"] = search_url(req, offset=req.offset + req.limit)
    return render_template("search.html", req=req, result=result, error=None, pager=pager,
                           modes=MODES, sorts=SORTS, types=ENTITY_TYPES,
                           toggle_url=lambda t, v: toggle_url(req, t, v))


@pages.get("/releases/<path:release_id>")
def release(release_id: str):
    found = engine().release(release_id)
    if found is None:
        return error_response(404, f"No release with id {release_id!r}.")
    paragraphs = [p.strip() for p in found["body"].split("\n\n") if p.strip()]
    return render_template("release.html", release=found, paragraphs=paragraphs, types=ENTITY_TYPES,
                           filter_url=lambda t, n: search_url(SearchRequest(), entity=[f"{t}:{n}"]))


@pages.get("/entities/<type_>/<path:name>")
def entity(type_: str, name: str):
    eng = engine()
    found = eng.entity(type_, name) if type_ in ENTITY_TYPES else None
    if found is None:
        return error_response(404, f"No {type_} named {name!r}.")
    releases = [eng.release(rid) for rid in found["release_ids"][:ENTITY_PAGE_RELEASES]]
    return render_template("entity.html", entity=found, releases=releases,
                           search_link=search_url(SearchRequest(), entity=[f"{type_}:{found['name']}"]))
