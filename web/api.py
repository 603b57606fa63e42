"""The JSON API: /api/search, /api/releases/<id>, /api/releases/<id>/related, /api/entities, /healthz,
/api/openapi.json."""
from __future__ import annotations

from flask import Blueprint, jsonify, request

from indexer.store.records import ENTITY_TYPES
from search.related import RELATED_PARAMETERS, parse_related_query
from search.request import ENTITY_QUERY_PARAMETERS, PARAMETERS, parse_entity_query, parse_request, refuse_unknown
from search.suggest import SUGGEST_PARAMETERS, parse_suggest_query
from web.context import engine, error_response
from web.openapi import openapi_spec
from web.parameters import accepts

api = Blueprint("api", __name__)


@api.get("/api/search")
@accepts(PARAMETERS)
def search():
    req = parse_request(request.args.to_dict(flat=False))
    return jsonify(engine().search(req).to_json())


@api.get("/api/releases/<path:release_id>")
@accepts()
def release(release_id: str):
    found = engine().release(release_id)
    if found is None:
        return error_response(404, f"no release with id {release_id!r}")
    return jsonify(found.to_json())


@api.get("/api/releases/<path:release_id>/related")
@accepts(RELATED_PARAMETERS)
def related(release_id: str):
    """Releases like this one (search/related.py). Ids may hold "/", so an id that itself ends in "/related" is
    served here as that release, as /api/releases/<id> would (every indexed id can be fetched by its URL)."""
    eng = engine()
    whole = f"{release_id}/related"
    if eng.release(whole) is not None:
        refuse_unknown(request.args, ())
        return release(whole)
    limit = parse_related_query(request.args.to_dict(flat=False))
    found = eng.related(release_id, limit)
    if found is None:
        return error_response(404, f"no release with id {release_id!r}")
    return jsonify(found.to_json())


@api.get("/api/entities")
@accepts(ENTITY_QUERY_PARAMETERS)
def entities():
    query = parse_entity_query(request.args.to_dict(flat=False))
    found = engine().entities(query.type, query.q, query.limit)
    return jsonify({"type": query.type, "q": query.q, "entities": [e.to_json() for e in found]})


@api.get("/api/suggest")
@accepts(SUGGEST_PARAMETERS)
def suggest():
    query = parse_suggest_query(request.args.to_dict(flat=False))
    return jsonify(engine().suggester.suggest(query).to_json())


@api.get("/api/entities/<type_>/<path:name>")
@accepts()
def entity(type_: str, name: str):
    if type_ not in ENTITY_TYPES:
        return error_response(404, f"no entity type {type_!r}; types: {', '.join(ENTITY_TYPES)}")
    found = engine().entity(type_, name)
    if found is None:
        return error_response(404, f"no {type_} named {name!r}")
    return jsonify(found.to_json())


@api.get("/healthz")
@accepts()
def healthz():
    eng = engine()
    return jsonify({
        "status": "ok",
        "version": eng.version_dir.name,
        "releases": eng.size,
        "embedding_model": eng.manifest.embedding_model,
        "created": eng.manifest.created,
    })


@api.get("/api/openapi.json")
@accepts()
def openapi():
    return jsonify(openapi_spec(PARAMETERS))
