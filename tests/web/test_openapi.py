"""/api/openapi.json is exact (issue 18, item 13): bounds, enums and flag spellings are the parser's, every error
status is declared with the error envelope, the spec lists itself, and no redirect reflects the Host header."""
from __future__ import annotations

import pytest

from search.request import (MAX_FACET_SIZE, MAX_LIMIT, MAX_OFFSET, PARAMETERS, RequestError, parse_entity_query,
                            parse_request)


@pytest.fixture(scope="module")
def spec(fast_client):
    return fast_client.get("/api/openapi.json").get_json()


def search_params(spec) -> dict:
    return {p["name"]: p for p in spec["paths"]["/api/search"]["get"]["parameters"]}


def test_every_api_route_is_in_the_spec_and_nothing_else(fast_client, spec):
    routes = {r.rule.replace("<path:", "{").replace("<", "{").replace(">", "}").replace("{type_}", "{type}")
              .replace("{release_id}", "{id}")
              for r in fast_client.application.url_map.iter_rules()
              if r.rule.startswith(("/api/", "/feeds/")) or r.rule in ("/healthz", "/search.atom")}
    assert set(spec["paths"]) == routes
    assert "/api/openapi.json" in spec["paths"]


def test_integers_have_the_parsers_bounds(spec):
    params = search_params(spec)
    bounds = {n: (params[n]["schema"]["minimum"], params[n]["schema"]["maximum"])
              for n in ("limit", "offset", "facet_size")}
    assert bounds == {"limit": (1, MAX_LIMIT), "offset": (0, MAX_OFFSET), "facet_size": (1, MAX_FACET_SIZE)}
    for name, (low, high) in bounds.items():
        assert getattr(parse_request({name: [str(high)]}), name) == high
        for bad in (low - 1, high + 1):
            with pytest.raises(RequestError):
                parse_request({name: [str(bad)]})
    [limit] = [p for p in spec["paths"]["/api/entities"]["get"]["parameters"] if p["name"] == "limit"]
    assert parse_entity_query({"limit": [str(limit["schema"]["maximum"])]}).limit == limit["schema"]["maximum"]
    with pytest.raises(RequestError):
        parse_entity_query({"limit": [str(limit["schema"]["maximum"] + 1)]})


def test_every_search_parameter_is_declared_with_a_schema(spec):
    params = search_params(spec)
    assert list(params) == list(PARAMETERS)
    for name in ("mode", "sort", "fusion"):
        for value in params[name]["schema"]["enum"]:
            parse_request({name: [value]})
    assert params["category"]["schema"]["items"]["enum"]
    assert all(p["allowEmptyValue"] for p in params.values())


@pytest.mark.parametrize("flag", ["explain", "exact"])
def test_flags_are_the_spellings_the_parser_takes(spec, flag):
    values = search_params(spec)[flag]["schema"]["enum"]
    assert {"0", "1"} <= set(values)
    for value in values:
        parse_request({flag: [value]})
    for value in ("TRUE", "2", "y", " 1"):
        with pytest.raises(RequestError):
            parse_request({flag: [value]})


def test_errors_are_declared_with_the_envelope(spec):
    for path, item in spec["paths"].items():
        responses = item["get"]["responses"]
        assert {"200", "400", "500", "503"} <= set(responses), path
        for status, response in responses.items():
            if status == "200":
                continue
            if path.startswith("/api/") or path == "/healthz":
                assert response["content"]["application/json"]["schema"] == {"$ref": "#/components/schemas/Error"}
            else:  # a feed: its errors are the readable HTML error page
                assert response["content"] == {"text/html": {"schema": {"type": "string"}}}, path
    assert "404" in spec["paths"]["/api/releases/{id}"]["get"]["responses"]
    assert spec["paths"]["/api/entities/{type}/{name}"]["get"]["parameters"][0]["schema"]["enum"] == \
        ["org", "person", "place", "facility"]


@pytest.mark.parametrize("path", ["/api//search", "/api/releases//t1", "/releases/t1//x", "//search", "/search//",
                                  "/entities//org"])
def test_no_location_header_is_built_from_the_host_header(fast_client, path):
    res = fast_client.get(path, headers={"Host": "evil.example"})
    assert "evil.example" not in res.headers.get("Location", ""), (path, res.headers.get("Location"))
    assert not res.headers.get("Location", "/").startswith("//")
