"""The OpenAPI description, built from the parameter registry so that docs cannot drift from the code."""
from __future__ import annotations

from typing import Any, Mapping

from indexer.store.records import ENTITY_TYPES
from search.fusion import FUSIONS
from search.request import ENTITY_QUERY_PARAMETERS, MAX_ENTITY_LIST, MODES, SORTS

_ENTITY_SCHEMAS = {"type": {"type": "string", "enum": list(ENTITY_TYPES)}, "q": {"type": "string"},
                   "limit": {"type": "integer", "minimum": 1, "maximum": MAX_ENTITY_LIST}}
_ERROR = {"description": "bad parameter", "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Error"}}}}


def _param(name: str, help_text: str) -> dict[str, Any]:
    schema: dict[str, Any] = {"type": "string"}
    if name in ("limit", "offset", "facet_size"):
        schema = {"type": "integer"}
    elif name == "mode":
        schema = {"type": "string", "enum": list(MODES), "default": "hybrid"}
    elif name == "sort":
        schema = {"type": "string", "enum": list(SORTS), "default": "relevance"}
    elif name == "fusion":
        schema = {"type": "string", "enum": list(FUSIONS)}
    elif name == "alpha":
        schema = {"type": "number", "minimum": 0, "maximum": 1}
    elif name in ("date_from", "date_to"):
        schema = {"type": "string", "format": "date"}
    elif name in ("entity", "issuer", "category"):
        return {"name": name, "in": "query", "description": help_text, "style": "form", "explode": True,
                "schema": {"type": "array", "items": {"type": "string"}}}
    return {"name": name, "in": "query", "description": help_text, "schema": schema}


def openapi_spec(parameters: Mapping[str, str]) -> dict[str, Any]:
    ok = {"description": "OK", "content": {"application/json": {"schema": {"type": "object"}}}}
    return {
        "openapi": "3.0.3",
        "info": {"title": "Announcements Search", "version": "1"},
        "paths": {
            "/api/search": {"get": {"summary": "Hybrid search with entity facets",
                                    "parameters": [_param(n, h) for n, h in parameters.items()],
                                    "responses": {"200": ok, "400": _ERROR}}},
            "/api/releases/{id}": {"get": {"summary": "One release with its body and entities",
                                           "parameters": [{"name": "id", "in": "path", "required": True,
                                                           "schema": {"type": "string"}}],
                                           "responses": {"200": ok, "404": _ERROR}}},
            "/api/entities": {"get": {"summary": "Entities by type and name",
                                      "parameters": [
                                          {"name": n, "in": "query", "description": h, "schema": _ENTITY_SCHEMAS[n]}
                                          for n, h in ENTITY_QUERY_PARAMETERS.items()],
                                      "responses": {"200": ok, "400": _ERROR}}},
            "/api/entities/{type}/{name}": {"get": {"summary": "One entity and its releases, newest first",
                                                    "parameters": [
                                                        {"name": "type", "in": "path", "required": True,
                                                         "schema": {"type": "string", "enum": list(ENTITY_TYPES)}},
                                                        {"name": "name", "in": "path", "required": True,
                                                         "schema": {"type": "string"}}],
                                                    "responses": {"200": ok, "404": _ERROR}}},
            "/healthz": {"get": {"summary": "Liveness and the served index version", "responses": {"200": ok}}},
        },
        "components": {"schemas": {"Error": {"type": "object", "properties": {"error": {"type": "object", "properties": {
            "status": {"type": "integer"}, "message": {"type": "string"}}}}}}},
    }
