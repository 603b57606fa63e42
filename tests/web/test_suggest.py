"""/api/suggest and the search box's type-ahead (issue 15, item 2), on the tiny corpus (fast tier)."""
from bs4 import BeautifulSoup
import pytest

from search.suggest import MAX_SUGGEST_LIMIT


def _suggest(client, **params) -> dict:
    res = client.get("/api/suggest", query_string=params)
    assert res.status_code == 200 and res.mimetype == "application/json", res.get_data(as_text=True)
    return res.get_json()


def test_entities_by_prefix_with_type_and_releases(fast_client):
    body = _suggest(fast_client, q="acme r")
    assert list(body) == ["q", "entities", "completions"] and body["q"] == "acme r"
    assert body["entities"] == [{"name": "Acme Robotics", "type": "org", "releases": 4}]
    texts = [c["text"] for c in body["completions"]]
    assert texts[0] == "acme robotics" and "acme robots" in texts  # the last word completed, the rest kept
    releases = [c["releases"] for c in body["completions"]]
    assert releases == sorted(releases, reverse=True)  # most releases first


def test_a_word_of_a_name_matches_and_most_releases_come_first(fast_client):
    assert [e["name"] for e in _suggest(fast_client, q="terminal")["entities"]] == ["Oslo Harbour Terminal"]
    entities = _suggest(fast_client, q="harb")["entities"]
    assert {e["name"] for e in entities} == {"Harbor Bank", "Oslo Harbour Terminal"}
    everything = _suggest(fast_client, q="a", limit=MAX_SUGGEST_LIMIT)["entities"]
    counts = [e["releases"] for e in everything]
    assert everything[0]["name"] == "Acme Robotics" and counts == sorted(counts, reverse=True)


def test_case_of_what_was_typed_is_kept(fast_client):
    assert [c["text"] for c in _suggest(fast_client, q="Harb")["completions"]] == ["Harbor", "Harbour"]


def test_limit_bounds_each_list(fast_client):
    body = _suggest(fast_client, q="a", limit=1)
    assert len(body["entities"]) == 1 and len(body["completions"]) == 1


@pytest.mark.parametrize("q", ["", "   "])
def test_empty_q_suggests_nothing(fast_client, q):
    assert _suggest(fast_client, q=q)["entities"] == [] and _suggest(fast_client, q=q)["completions"] == []
    assert fast_client.get("/api/suggest").get_json() == {"q": "", "entities": [], "completions": []}


def test_what_is_never_suggested(fast_client):
    assert "the" not in [c["text"] for c in _suggest(fast_client, q="th")["completions"]]  # a stop word
    assert _suggest(fast_client, q="acme ")["completions"] == []  # a finished word: nothing to complete
    assert _suggest(fast_client, q="lidar")["completions"] == []  # a whole word is not its own completion
    assert _suggest(fast_client, q="zzzq") == {"q": "zzzq", "entities": [], "completions": []}
    assert _suggest(fast_client, q="2024")["completions"] == []  # numbers are not completed


@pytest.mark.parametrize(("query", "message"), [
    ("q=acme&type=org", "unknown parameter 'type'"),
    ("q=acme&limit=0", "'limit' must be from 1 to 20"),
    ("q=acme&limit=21", "'limit' must be from 1 to 20"),
    ("q=acme&limit=x", "'limit' must be a whole number"),
    ("q=acme&limit=1&limit=2", "'limit' was given 2 times"),
    ("q=" + "a" * 201, "'q' is at most 200 characters"),
])
def test_bad_requests_are_400s_that_say_why(fast_client, query, message):
    res = fast_client.get("/api/suggest?" + query)
    assert res.status_code == 400 and res.mimetype == "application/json"
    assert message in res.get_json()["error"]["message"]


def test_the_search_box_offers_the_suggestions_without_needing_them(fast_client):
    for url in ["/", "/search?q=robots", "/releases/t1"]:
        html = BeautifulSoup(fast_client.get(url).get_data(as_text=True), "html.parser")
        box = html.select_one("form.searchbox input[name=q]")
        assert box["list"] == "suggestions" and box["data-suggest"] == "/api/suggest"
        assert html.select_one("datalist#suggestions") is not None
        form = box.find_parent("form")  # without JavaScript the form still searches
        assert form["action"] == "/search" and form["method"] == "get"
    script = fast_client.get("/static/suggest.js")
    assert script.status_code == 200 and script.mimetype in ("text/javascript", "application/javascript")
    assert "data-suggest" in script.get_data(as_text=True)  # the endpoint's URL comes from the page


def test_the_spec_describes_it_exactly(fast_client):
    spec = fast_client.get("/api/openapi.json").get_json()
    operation = spec["paths"]["/api/suggest"]["get"]
    params = {p["name"]: p["schema"] for p in operation["parameters"]}
    assert params["limit"] == {"type": "integer", "minimum": 1, "maximum": MAX_SUGGEST_LIMIT}
    assert params["q"] == {"type": "string", "maxLength": 200}
    assert operation["responses"]["200"]["content"]["application/json"]["schema"] == {
        "$ref": "#/components/schemas/Suggestions"}
    assert set(operation["responses"]) == {"200", "400", "500", "503"}
