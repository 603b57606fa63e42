"""The JSON API and the search page through Flask's test client, on the tiny corpus built with the stand-in models
(tests/standins.py): request parsing and its 400 messages, the release and entity shapes, and facet clicks."""
import re
from html import unescape

import pytest

from tests.standins import EMBEDDER_NAME

HIT_KEYS = ["id", "title", "date", "source", "url", "score", "snippet", "entities", "issuer", "category"]


def test_search_json_contract(fast_client):
    res = fast_client.get("/api/search?q=lidar&mode=keyword&limit=1&explain=1")
    assert res.status_code == 200 and res.mimetype == "application/json"
    body = res.get_json()
    assert list(body) == ["query", "mode", "sort", "filters", "total", "offset", "limit", "hits", "facets",
                          "facet_scope", "warnings", "took_ms", "suggestion"]  # suggestion: issue 15, item 1
    assert body["suggestion"] is None  # "lidar" is a word of the index
    assert (body["query"], body["mode"], body["sort"], body["total"], body["offset"], body["limit"]) == \
        ("lidar", "keyword", "relevance", 2, 0, 1)
    assert body["filters"] == {"entity": [], "issuer": [], "category": [], "wire": [], "ticker": [],
                               "date_from": None, "date_to": None}
    [hit] = body["hits"]
    assert list(hit) == HIT_KEYS + ["explain"]
    assert {k: hit[k] for k in ("id", "title", "date", "source", "url", "issuer", "category")} == {
        "id": "t3", "title": "Borealis Sensors opens a lidar factory in Texas", "date": "2024-02-20",
        "source": "wire-b", "url": "https://example.com/t3", "issuer": "Borealis Sensors", "category": "product"}
    assert hit["entities"] == {"org": ["Borealis Sensors", "Acme Robotics"], "person": [], "place": ["Texas"],
                               "facility": []}
    assert hit["explain"] == {"keyword": {"rank": 1, "score": hit["score"]}, "semantic": None, "fusion": None,
                              "exact": None}
    assert list(body["facets"]) == ["org", "person", "place", "facility", "issuer", "category", "month", "ticker",
                                    "wire"]
    # t1 and t3 name lidar: their sources are the wires (one each; a wire has no "entity")
    assert body["facets"]["wire"] == [{"value": "wire-a", "count": 1, "selected": False},
                                      {"value": "wire-b", "count": 1, "selected": False}]
    assert body["facets"]["ticker"] == []  # TINY_CORPUS prints no ticker
    assert body["facets"]["org"] == [{"value": "Acme Robotics", "count": 2, "selected": False},
                                     {"value": "Borealis Sensors", "count": 2, "selected": False}]
    assert body["facet_scope"]["releases"] == 2 and body["facet_scope"]["keyword_matches"] == 2
    assert body["warnings"] == [] and isinstance(body["took_ms"], float)


def test_hits_carry_explain_only_when_asked(fast_client):
    hit = fast_client.get("/api/search?q=lidar").get_json()["hits"][0]
    assert list(hit) == HIT_KEYS


def test_filters_are_echoed_and_applied(fast_client):
    body = fast_client.get("/api/search?q=wind&mode=keyword&entity=org:Acme+Robotics").get_json()
    assert body["filters"]["entity"] == ["org:Acme Robotics"]
    assert [h["id"] for h in body["hits"]] == ["t5"]  # t4 says wind too, but does not name Acme Robotics
    assert body["facets"]["org"] == [{"value": "Acme Robotics", "count": 1, "selected": True},
                                     {"value": "Northwind Energy", "count": 1, "selected": False}]
    dated = fast_client.get("/api/search?date_from=2024-02-01&date_to=2024-02-29&category=product").get_json()
    assert [h["id"] for h in dated["hits"]] == ["t3"]
    assert dated["filters"] == {"entity": [], "issuer": [], "category": ["product"], "wire": [], "ticker": [],
                                "date_from": "2024-02-01", "date_to": "2024-02-29"}


@pytest.mark.parametrize(("query", "message"), [
    ("limit=0", "'limit' must be from 1 to 100 (got 0)"),
    ("limit=ten", "'limit' must be a whole number: hits per page, 1 to 100 (got 'ten')"),
    ("offset=-1", "'offset' must be from 0 to 10000 (got -1)"),
    ("mode=fuzzy", "'mode' must be one of hybrid, keyword, semantic (got 'fuzzy')"),
    ("mode=keyword&mode=semantic", "'mode' was given 2 times; send it once"),
    ("sort=oldest", "'sort' must be one of relevance, date (got 'oldest')"),
    ("date_to=26/06/2023", "'date_to' must be a date as YYYY-MM-DD, e.g. 2023-06-26 (got '26/06/2023')"),
    ("date_from=2024-03-01&date_to=2024-02-01", "'date_from' (2024-03-01) is after 'date_to' (2024-02-01); swap them"),
    ("entity=Acme", "'entity' must be TYPE:NAME with TYPE one of org, person, place, facility, e.g. org:SITC"),
    ("entity=company:Acme", "'entity' must be TYPE:NAME"),
    ("category=rumour", "'category' must be one of agreement, acquisition, results"),
    ("fusion=max", "'fusion' must be one of rrf, convex (got 'max')"),
    ("alpha=2", "'alpha' must be from 0 to 1 (got 2)"),
    ("alpha=half", "'alpha' must be a number from 0 to 1, e.g. 0.3 (got 'half')"),
    ("explain=maybe", "'explain' must be 1 or 0 (got 'maybe')"),
    ("facet_size=501", "'facet_size' must be from 1 to 500 (got 501)"),
    ('q="lidar', "'q' has an unclosed double quote"),
    ("q=(lidar", "'q' has a '(' without a matching ')'"),
    ("q=" + "x" * 1001, "'q' is 1001 characters; send at most 1000"),
    ("q=lidar%01", "'q' contains control characters; send plain text"),
    ("colour=red", "unknown parameter 'colour'; known parameters: q, mode, limit"),
    ("q=%FF", "the query string is not UTF-8"),
])
def test_bad_search_parameters_are_a_400_that_says_what_to_send(fast_client, query, message):
    res = fast_client.get("/api/search?" + query)
    assert res.status_code == 400
    body = res.get_json()
    assert list(body) == ["error"] and body["error"]["status"] == 400
    assert message in body["error"]["message"]


def test_good_parameters_in_every_spelling_parse(fast_client):
    for query in ["explain=true", "explain=0", "limit=5", "alpha=0.25&fusion=rrf", "exact=off", "sort=date",
                  "entity=ORG:acme++robotics", "q=", "limit="]:
        assert fast_client.get("/api/search?" + query).status_code == 200, query


def test_release_json(fast_client):
    res = fast_client.get("/api/releases/t1")
    assert res.status_code == 200
    body = res.get_json()
    assert list(body) == ["id", "title", "date", "source", "url", "body", "entities", "issuer", "category", "dates",
                          "money"]
    assert {k: body[k] for k in ("id", "title", "date", "source", "url", "issuer", "category")} == {
        "id": "t1", "title": "Acme Robotics acquires Borealis Sensors", "date": "2024-01-15", "source": "wire-a",
        "url": "https://example.com/t1", "issuer": "Acme Robotics", "category": "acquisition"}
    assert body["body"].startswith("LYON, January 15, 2024 - Acme Robotics today announced")
    assert body["entities"] == {"org": ["Acme Robotics", "Borealis Sensors"], "person": ["Jane Okafor"],
                                "place": ["Lyon"], "facility": []}
    undated = fast_client.get("/api/releases/t5").get_json()
    assert undated["date"] is None and undated["issuer"] == "Northwind Energy"
    missing = fast_client.get("/api/releases/t9")
    assert missing.status_code == 404
    assert missing.get_json() == {"error": {"status": 404, "message": "no release with id 't9'"}}


def test_entity_list_json(fast_client):
    orgs = fast_client.get("/api/entities?type=org").get_json()
    assert orgs == {"type": "org", "q": "", "entities": [
        {"name": "Acme Robotics", "type": "org", "releases": 4},
        {"name": "Borealis Sensors", "type": "org", "releases": 2},
        {"name": "Northwind Energy", "type": "org", "releases": 2},
        {"name": "Harbor Bank", "type": "org", "releases": 1}]}
    found = fast_client.get("/api/entities?q=os").get_json()["entities"]
    assert [(e["name"], e["type"]) for e in found] == [("Oslo", "place"), ("Oslo Harbour Terminal", "facility")]
    assert fast_client.get("/api/entities?type=org&limit=1").get_json()["entities"][0]["name"] == "Acme Robotics"
    for query, message in [("type=planet", "'type' must be one of org, person, place, facility (got 'planet')"),
                           ("limit=0", "'limit' must be from 1 to 200 (got 0)"),
                           ("limit=all", "'limit' must be a whole number from 1 to 200"),
                           ("page=2", "unknown parameter 'page'; known parameters: type, q, limit")]:
        res = fast_client.get("/api/entities?" + query)
        assert res.status_code == 400 and message in res.get_json()["error"]["message"], query


def test_entity_profile_json(fast_client):
    body = fast_client.get("/api/entities/org/acme%20robotics").get_json()  # any case finds the entity
    assert (body["name"], body["type"], body["aliases"]) == ("Acme Robotics", "org", ["Acme Robotics"])
    assert (body["releases"], body["issued"]) == (4, 2)
    assert body["release_ids"] == ["t3", "t2", "t1", "t5"]  # newest first, undated last
    assert body["months"] == [{"month": "2024-01", "releases": 1}, {"month": "2024-02", "releases": 2}]
    assert body["cooccurring"][0] == {"name": "Borealis Sensors", "type": "org", "releases": 2}
    assert {"name": "Jane Okafor", "type": "person", "releases": 1} in body["cooccurring"]
    assert all(c["name"] != "Acme Robotics" for c in body["cooccurring"])
    assert body["typed_by"] == "vote"
    votes = body["votes"]
    assert body["type_evidence"] == f"Typed org: {votes['org']} of {sum(votes.values())} mentions read as org"
    bank = fast_client.get("/api/entities/org/Harbor%20Bank").get_json()
    assert bank["typed_by"] == "head word Bank" and bank["type_evidence"].startswith("Typed org by its head word Bank; ")
    jane = fast_client.get("/api/entities/person/Jane%20Okafor").get_json()
    assert jane["release_ids"] == ["t4", "t1"] and jane["issued"] == 0
    for url, message in [("/api/entities/person/Acme%20Robotics", "no person named 'Acme Robotics'"),
                         ("/api/entities/planet/Oslo", "no entity type 'planet'; types: org, person, place, facility")]:
        res = fast_client.get(url)
        assert res.status_code == 404 and res.get_json()["error"]["message"] == message


def test_healthz_names_the_index(fast_client):
    health = fast_client.get("/healthz").get_json()
    assert (health["status"], health["releases"], health["embedding_model"]) == ("ok", 6, EMBEDDER_NAME)


def sidebar(html):
    """{(facet type, value): (href, count shown)} of the search page's facet lists and month histogram."""
    shown = {}
    for type_, section in re.findall(r'<section class="facet facet-(\w+)".*?>(.*?)</section>', html, re.S):
        for href, value, count in re.findall(
                r'<a href="([^"]+)" data-value="([^"]+)">.*?</a>\s*<span class="count">(\d+)</span>', section, re.S):
            shown[type_, unescape(value)] = (unescape(href), int(count))
        for href, value, count in re.findall(r'href="([^"]+)" data-value="([^"]+)" title="[^"]*: (\d+)', section):
            shown[type_, unescape(value)] = (unescape(href), int(count))
    return shown


def summary_total(html):
    return int(re.search(r'<h1 class="summary">([\d,]+) releases?', html).group(1).replace(",", ""))


# hybrid: the four releases naming Acme (t1, t2, t3, t5; the semantic side once padded the list to all six); the
# histogram shows every month from the first to the last, the empty ones too (a click on one returns the 0 it showed).
@pytest.mark.parametrize(("url", "clicks"), [("/search?q=Acme", 20),
                                             ("/search?q=robots&mode=keyword", 20)])  # t1, t2, t3, t5
def test_a_facet_click_on_the_page_returns_the_count_it_showed(fast_client, url, clicks):
    shown = sidebar(fast_client.get(url).get_data(as_text=True))
    assert len(shown) == clicks and {t for t, _ in shown} >= {"issuer", "category", "org", "person", "place", "month",
                                                              "wire"}
    for (type_, value), (href, count) in shown.items():
        clicked = fast_client.get(href)
        assert clicked.status_code == 200, href
        assert summary_total(clicked.get_data(as_text=True)) == count, (type_, value, href)


def test_the_page_lists_hits_in_the_engines_order(fast_client):
    html = fast_client.get("/search?q=lidar&mode=keyword").get_data(as_text=True)
    assert re.findall(r'class="title" href="/releases/([^"]+)"', html) == ["t3", "t1"]
    assert summary_total(html) == 2
    bad = fast_client.get("/search?q=lidar&limit=0")
    assert bad.status_code == 400 and "&#39;limit&#39; must be from 1 to 100" in bad.get_data(as_text=True)
