"""The OpenAPI description, built from the parameter registries and the parser's own bounds, so that the spec cannot
drift from the code: every integer with its minimum and maximum, every choice as an enum, flags as the exact
spellings the parser takes, every error status with the error envelope. tests/web/test_openapi_fuzz.py drives
schemathesis with it against a real server."""
from __future__ import annotations

from typing import Any, Mapping

from indexer.store.records import CATEGORIES, ENTITY_TYPES
from search.facets import FACET_TYPES
from search.fusion import FUSIONS
from search.related import MAX_RELATED, RELATED_PARAMETERS
from search.request import (ENTITY_QUERY_PARAMETERS, FALSE_WORDS, MAX_ENTITY_FILTERS, MAX_ENTITY_LIST,
                            MAX_FACET_SIZE, MAX_LIMIT, MAX_NAME_CHARS, MAX_OFFSET, MAX_QUERY_CHARS, MODES, SORTS,
                            TICKER_EXCHANGE, TICKER_SYMBOL, TRUE_WORDS)
from search.suggest import MAX_SUGGEST_LIMIT, SUGGEST_PARAMETERS
from web.feeds import ATOM_TYPE

JSON = "application/json"
NULLABLE_STRING = {"type": "string", "nullable": True}
STRING_LIST = {"type": "array", "items": {"type": "string"}}
_INTEGERS = {"limit": (1, MAX_LIMIT), "offset": (0, MAX_OFFSET), "facet_size": (1, MAX_FACET_SIZE)}
_CHOICES = {"mode": MODES, "sort": SORTS, "fusion": FUSIONS}
_FLAGS = ("explain", "exact", "collapse")
# The shortest type prefix ("org:") leaves this much for the name: a longer value may still be a valid facility.
_ENTITY_VALUE_CHARS = len("org:") + MAX_NAME_CHARS
_NO_CONTROL_CHARACTERS = "^[^\\u0000-\\u0008\\u000b\\u000c\\u000e-\\u001f]*$"  # tabs and newlines are spaces
_ERRORS = {"400": "a bad parameter: the message says what to send", "404": "no such release or entity",
           "413": "request body too large", "431": "request headers too large",
           "500": "internal error (details in the server log)", "503": "no index has been published yet"}


def _search_schema(name: str) -> dict[str, Any]:
    if name in _INTEGERS:
        low, high = _INTEGERS[name]
        return {"type": "integer", "minimum": low, "maximum": high}
    if name in _CHOICES:
        return {"type": "string", "enum": list(_CHOICES[name])}
    if name in _FLAGS:
        return {"type": "string", "enum": list(TRUE_WORDS + FALSE_WORDS)}
    if name == "alpha":
        return {"type": "number", "minimum": 0, "maximum": 1}
    if name in ("date_from", "date_to"):
        return {"type": "string", "format": "date"}  # RFC 3339 full-date: exactly YYYY-MM-DD, as the parser takes
    if name == "q":  # plus what a pattern cannot say: paired quotes and parentheses, MAX_QUERY_WORDS, MAX_PHRASES
        return {"type": "string", "maxLength": MAX_QUERY_CHARS, "pattern": _NO_CONTROL_CHARACTERS}
    if name == "entity":
        return {"type": "array", "maxItems": MAX_ENTITY_FILTERS, "items": {
            "type": "string", "maxLength": _ENTITY_VALUE_CHARS, "pattern": f"^({'|'.join(ENTITY_TYPES)}):.*[A-Za-z0-9]"}}
    if name in ("issuer", "wire"):
        return {"type": "array", "maxItems": MAX_ENTITY_FILTERS, "items": {"type": "string",
                                                                           "maxLength": MAX_NAME_CHARS}}
    if name == "ticker":  # the parser also takes spaces around the parts; the spec states the plain form
        return {"type": "array", "maxItems": MAX_ENTITY_FILTERS, "items": {
            "type": "string", "pattern": f"^{TICKER_EXCHANGE}:{TICKER_SYMBOL}$"}}
    if name == "category":
        return {"type": "array", "items": {"type": "string", "enum": list(CATEGORIES)}}
    if name == "facet_q":
        return {"type": "string", "maxLength": MAX_NAME_CHARS}
    raise KeyError(f"no schema for search parameter {name!r}; add one in web/openapi.py")


def _entity_list_schema(name: str) -> dict[str, Any]:
    return {"type": {"type": "string", "enum": list(ENTITY_TYPES)},
            "q": {"type": "string", "maxLength": MAX_NAME_CHARS},
            "limit": {"type": "integer", "minimum": 1, "maximum": MAX_ENTITY_LIST}}[name]


def _query(name: str, help_text: str, schema: dict[str, Any]) -> dict[str, Any]:
    # Every parameter may be sent empty, meaning its default (HTML forms send empty fields).
    param = {"name": name, "in": "query", "description": help_text, "schema": schema, "allowEmptyValue": True}
    if schema["type"] == "array":
        param.update(style="form", explode=True)
    return param


def _path(name: str, schema: dict[str, Any]) -> dict[str, Any]:
    return {"name": name, "in": "path", "required": True, "schema": schema}


def _responses(ok_schema: str, *errors: str) -> dict[str, Any]:
    out: dict[str, Any] = {"200": {"description": "OK", "content": {JSON: {"schema": {
        "$ref": f"#/components/schemas/{ok_schema}"}}}}}
    for status in (*errors, "500"):
        out[status] = {"description": _ERRORS[status], "content": {JSON: {"schema": {
            "$ref": "#/components/schemas/Error"}}}}
    return out


def _object(properties: dict[str, Any], *, optional: tuple[str, ...] = ()) -> dict[str, Any]:
    return {"type": "object", "required": [p for p in properties if p not in optional], "properties": properties}


_ENTITIES_BY_TYPE = _object({t: STRING_LIST for t in ENTITY_TYPES})
_FACET_VALUE = _object({"value": {"type": "string"}, "count": {"type": "integer", "minimum": 0},
                        "selected": {"type": "boolean"},
                        "entity": {"type": "string", "description": "a ticker's company (canonical org name)"}},
                       optional=("entity",))
SCHEMAS: dict[str, Any] = {
    "Error": _object({"error": _object({"status": {"type": "integer"}, "message": {"type": "string"}})}),
    "Hit": _object({
        "id": {"type": "string"}, "title": {"type": "string"}, "date": {**NULLABLE_STRING, "format": "date"},
        "source": NULLABLE_STRING, "url": NULLABLE_STRING, "score": {"type": "number"},
        "snippet": {"type": "string"}, "entities": _ENTITIES_BY_TYPE, "issuer": NULLABLE_STRING,
        "category": {"type": "string", "enum": list(CATEGORIES)}, "explain": {"type": "object"},
        "versions": _object({"count": {"type": "integer", "minimum": 1}, "ids": STRING_LIST}),
    }, optional=("explain", "versions")),
    "SearchResult": _object({
        "query": {"type": "string"}, "mode": {"type": "string", "enum": list(MODES)},
        "sort": {"type": "string", "enum": list(SORTS)},
        "filters": _object({"entity": STRING_LIST, "issuer": STRING_LIST, "category": STRING_LIST,
                            "wire": STRING_LIST, "ticker": STRING_LIST, "date_from": NULLABLE_STRING,
                            "date_to": NULLABLE_STRING}),
        "total": {"type": "integer", "minimum": 0}, "offset": {"type": "integer", "minimum": 0},
        "limit": {"type": "integer", "minimum": 1},
        "hits": {"type": "array", "items": {"$ref": "#/components/schemas/Hit"}},
        "facets": _object({t: {"type": "array", "items": _FACET_VALUE} for t in FACET_TYPES}),
        "facet_scope": {"type": "object"}, "warnings": STRING_LIST, "took_ms": {"type": "number"},
        "suggestion": NULLABLE_STRING,
    }),
    "Release": _object({
        "id": {"type": "string"}, "title": {"type": "string"}, "date": {**NULLABLE_STRING, "format": "date"},
        "source": NULLABLE_STRING, "url": NULLABLE_STRING, "body": {"type": "string"}, "entities": _ENTITIES_BY_TYPE,
        "issuer": NULLABLE_STRING, "category": {"type": "string", "enum": list(CATEGORIES)}, "dates": STRING_LIST,
        "money": STRING_LIST,
    }),
    "EntitySummary": _object({"name": {"type": "string"}, "type": {"type": "string", "enum": list(ENTITY_TYPES)},
                              "releases": {"type": "integer", "minimum": 0}}),
    "EntityList": _object({"type": {"type": "string", "nullable": True, "enum": [*ENTITY_TYPES, None]},
                           "q": {"type": "string"},
                           "entities": {"type": "array", "items": {"$ref": "#/components/schemas/EntitySummary"}}}),
    "Suggestions": _object({
        "q": {"type": "string"},
        "entities": {"type": "array", "maxItems": MAX_SUGGEST_LIMIT,
                     "items": {"$ref": "#/components/schemas/EntitySummary"}},
        "completions": {"type": "array", "maxItems": MAX_SUGGEST_LIMIT, "items": _object({
            "text": {"type": "string"}, "releases": {"type": "integer", "minimum": 0}})},
    }),
    "Entity": _object({
        "name": {"type": "string"}, "type": {"type": "string", "enum": list(ENTITY_TYPES)}, "aliases": STRING_LIST,
        "votes": {"type": "integer"}, "releases": {"type": "integer", "minimum": 0},
        "typed_by": {"type": "string", "description": 'what decided the type: "vote" (most mentions), '
                     '"head word WORD" (e.g. Port, Bank), "issuer" (it issued a release) or "unknown" (an '
                     'index built before it was recorded)'},
        "type_evidence": {"type": "string", "description": "why it has its type, in words"},
        "issued": {"type": "integer", "minimum": 0}, "release_ids": STRING_LIST,
        "cooccurring": {"type": "array", "items": {"$ref": "#/components/schemas/EntitySummary"}},
        "months": {"type": "array", "items": _object({"month": {"type": "string"},
                                                      "releases": {"type": "integer", "minimum": 0}})},
    }),
    "RelatedRelease": _object({
        "id": {"type": "string"}, "title": {"type": "string"}, "date": {**NULLABLE_STRING, "format": "date"},
        "issuer": NULLABLE_STRING, "score": {"type": "number"}, "similarity": {"type": "number"},
        "shared": _ENTITIES_BY_TYPE,
    }),
    "Related": _object({"id": {"type": "string"},
                        "related": {"type": "array", "maxItems": MAX_RELATED,
                                    "items": {"$ref": "#/components/schemas/RelatedRelease"}},
                        "duplicates": STRING_LIST}),
    "Health": _object({"status": {"type": "string"}, "version": {"type": "string"},
                       "releases": {"type": "integer", "minimum": 0}, "embedding_model": {"type": "string"},
                       "created": NULLABLE_STRING}),
    "OpenAPI": _object({"openapi": {"type": "string"}, "paths": {"type": "object"}}),
}


def openapi_spec(parameters: Mapping[str, str]) -> dict[str, Any]:
    """The spec of every /api endpoint and /healthz (`parameters`: the search registry, name -> help text)."""
    def get(summary: str, params: list[dict[str, Any]], ok: str, *errors: str) -> dict[str, Any]:
        # Every endpoint answers 400 for an unknown parameter and 503 before the first index is published.
        return {"get": {"summary": summary, "parameters": params,
                        "responses": _responses(ok, *sorted({"400", "503", *errors}))}}

    def export(summary: str, media_type: str) -> dict[str, Any]:
        # The search's parameters and errors; the 200 is a stream of text in its own media type (web/export.py).
        operation = get(summary, search, "SearchResult")
        operation["get"]["responses"]["200"] = {"description": "every release of the result list, streamed",
                                                "content": {media_type: {"schema": {"type": "string"}}}}
        return operation

    def feed(summary: str, params: list[dict[str, Any]], *errors: str) -> dict[str, Any]:
        # Atom for feed readers (web/feeds.py); outside /api an error is the readable HTML error page.
        operation = get(summary, params, "SearchResult", *errors)
        responses = operation["get"]["responses"]
        responses["200"] = {"description": "an Atom 1.0 feed, newest first",
                            "content": {ATOM_TYPE: {"schema": {"type": "string"}}}}
        for status in responses.keys() - {"200"}:
            responses[status]["content"] = {"text/html": {"schema": {"type": "string"}}}
        return operation

    search = [_query(n, h, _search_schema(n)) for n, h in parameters.items()]
    entity_list = [_query(n, h, _entity_list_schema(n)) for n, h in ENTITY_QUERY_PARAMETERS.items()]
    suggest = [_query("q", SUGGEST_PARAMETERS["q"], {"type": "string", "maxLength": MAX_NAME_CHARS}),
               _query("limit", SUGGEST_PARAMETERS["limit"], {"type": "integer", "minimum": 1,
                                                             "maximum": MAX_SUGGEST_LIMIT})]
    return {
        "openapi": "3.0.3",
        "info": {"title": "Announcements Search", "version": "1"},
        "paths": {
            "/api/search": get("Hybrid search with entity facets", search, "SearchResult"),
            "/api/search.csv": export("The whole result list of a search as CSV, one row per release (limit and "
                                      "offset are accepted and do not page it)", "text/csv"),
            "/api/search.jsonl": export("The whole result list of a search as JSON lines, one object per release "
                                        "(limit and offset are accepted and do not page it)", "application/x-ndjson"),
            "/api/releases/{id}": get("One release with its body and entities",
                                      [_path("id", {"type": "string", "minLength": 1})], "Release", "404"),
            "/api/releases/{id}/related": get(
                "Releases like this one (passage vectors and shared entities), copies of it left out",
                [_path("id", {"type": "string", "minLength": 1}),
                 _query("limit", RELATED_PARAMETERS["limit"], {"type": "integer", "minimum": 1, "maximum": MAX_RELATED})],
                "Related", "404"),
            "/api/entities": get("Entities by type and name", entity_list, "EntityList"),
            "/api/suggest": get("Type-ahead: entity names by prefix (most releases first) and completions of the last "
                                "word", suggest, "Suggestions"),
            "/api/entities/{type}/{name}": get(
                "One entity and its releases, newest first",
                [_path("type", {"type": "string", "enum": list(ENTITY_TYPES)}),
                 _path("name", {"type": "string", "minLength": 1})], "Entity", "404"),
            "/search.atom": feed("A search as an Atom feed: its newest releases (sort and paging are set by the feed)",
                                 search),
            "/feeds/entities/{type}/{name}": feed(
                "An entity's newest releases as an Atom feed",
                [_path("type", {"type": "string", "enum": list(ENTITY_TYPES)}),
                 _path("name", {"type": "string", "minLength": 1})], "404"),
            "/healthz": get("Liveness and the served index version", [], "Health"),
            "/api/openapi.json": get("This description", [], "OpenAPI"),
        },
        "components": {"schemas": SCHEMAS},
    }
