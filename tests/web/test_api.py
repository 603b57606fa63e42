"""The JSON API through Flask's test client, on the seed index."""
import pytest

PORTS = "004_adb0e8ee3c5d47dd"
CIMC = "000_1afde4e98ac703ce"


def test_search_contract(client):
    res = client.get("/api/search?q=agreements+involving+ports&explain=1")
    assert res.status_code == 200
    body = res.get_json()
    assert list(body)[:8] == ["query", "mode", "sort", "filters", "total", "offset", "limit", "hits"]
    assert body["query"] == "agreements involving ports" and body["mode"] == "hybrid" and body["total"] == 2
    hit = body["hits"][0]
    assert hit["id"] == PORTS and hit["date"] == "2023-06-26"
    assert set(hit) == {"id", "title", "date", "source", "url", "score", "snippet", "entities", "issuer", "category",
                        "explain"}
    assert hit["issuer"] == "SITC" and hit["category"] == "agreement"
    assert set(body["facets"]) == {"org", "person", "place", "facility", "issuer", "category", "month", "ticker",
                                   "wire"}
    assert body["facets"]["month"] == [{"value": "2023-06", "count": 1, "selected": False}]
    assert set(hit["entities"]) == {"org", "person", "place", "facility"}
    assert {"value", "count", "selected"} == set(body["facets"]["org"][0])
    assert body["facet_scope"]["releases"] == 2
    assert isinstance(body["took_ms"], float)


def test_repeated_entity_is_or_and_selected_values_are_flagged(client):
    body = client.get("/api/search?q=agreement&entity=org:CIMC&entity=org:SITC").get_json()
    assert {h["id"] for h in body["hits"]} == {PORTS, CIMC}
    selected = {v["value"] for v in body["facets"]["org"] if v["selected"]}
    assert selected == {"CIMC", "SITC"}
    only = client.get("/api/search?q=agreement&entity=org:CIMC").get_json()
    assert [h["id"] for h in only["hits"]] == [CIMC]


@pytest.mark.parametrize(
    ("query", "message"),
    [
        ("limit=-1", "'limit' must be from 1 to 100"),
        ("limit=1000000", "'limit' must be from 1 to 100"),
        ("offset=100000000", "'offset' must be from 0 to 10000"),
        ("mode=magic", "'mode' must be one of hybrid, keyword, semantic"),
        ("date_from=yesterday", "'date_from' must be a date as YYYY-MM-DD"),
        ("date_from=2024-01-02&date_to=2024-01-01", "is after 'date_to'"),
        ("entity=SITC", "'entity' must be TYPE:NAME"),
        ("q=" + "x" * 10_000, "send at most 1000"),
        ("foo=bar", "unknown parameter 'foo'"),
        ("category=gossip", "'category' must be one of agreement, acquisition, results"),
        ("facet_size=0", "'facet_size' must be from 1 to 500"),
        ("facet_size=many", "'facet_size' must be a whole number"),
    ],
)
def test_bad_parameters_get_a_400_envelope(client, query, message):
    res = client.get("/api/search?" + query)
    assert res.status_code == 400
    assert res.get_json()["error"]["status"] == 400
    assert message in res.get_json()["error"]["message"]


def test_wildcards_and_operators_alone_do_not_fail(client):
    for query in ["q=*", "q=AND+OR+NOT", 'q="Qingdao+Port"+(logistics)']:
        res = client.get("/api/search?" + query)
        assert res.status_code == 200, query
    assert client.get('/api/search?q="Qingdao+Port"').get_json()["hits"][0]["id"] == PORTS


def test_release_entities_healthz_openapi(client):
    rel = client.get(f"/api/releases/{PORTS}").get_json()
    assert rel["id"] == PORTS and rel["body"].startswith("On June 19") and "SITC" in rel["entities"]["org"]
    missing = client.get("/api/releases/does-not-exist")
    assert missing.status_code == 404 and "does-not-exist" in missing.get_json()["error"]["message"]
    ents = client.get("/api/entities?type=org&q=qin").get_json()["entities"]
    assert "Qingdao Port" in [e["name"] for e in ents]
    assert client.get("/api/entities?type=company").status_code == 400
    one = client.get("/api/entities/org/SITC").get_json()
    assert one["release_ids"] == [PORTS]
    assert client.get("/api/entities/person/SITC").status_code == 404
    health = client.get("/healthz").get_json()
    assert health["status"] == "ok" and health["releases"] == 2 and health["embedding_model"] == "all-MiniLM-L6-v2"
    spec = client.get("/api/openapi.json").get_json()
    names = [p["name"] for p in spec["paths"]["/api/search"]["get"]["parameters"]]
    assert names == ["q", "mode", "limit", "offset", "entity", "date_from", "date_to", "sort", "explain",
                     "issuer", "category", "ticker", "wire", "facet_size", "facet_q", "fusion", "alpha", "exact",
                     "collapse"]
    params = {p["name"]: p for p in spec["paths"]["/api/search"]["get"]["parameters"]}
    assert params["alpha"]["schema"] == {"type": "number", "minimum": 0, "maximum": 1}
    assert params["fusion"]["schema"]["enum"] == ["rrf", "convex"]


def test_unknown_api_path_is_a_json_404(client):
    res = client.get("/api/nothing")
    assert res.status_code == 404 and res.get_json()["error"]["status"] == 404


def test_no_index_is_a_503_that_says_how_to_build(tmp_path, embedder):
    from web.app import create_app

    client = create_app({"INDEX_DIR": tmp_path / "none", "EMBEDDER": embedder}).test_client()
    res = client.get("/api/search?q=x")
    assert res.status_code == 503 and "announcements index" in res.get_json()["error"]["message"]


def test_issuer_and_category_filters_and_facets(client):
    body = client.get("/api/search?q=agreement&issuer=sitc").get_json()
    assert [h["id"] for h in body["hits"]] == [PORTS]
    assert body["facets"]["issuer"] == [{"value": "SITC", "count": 1, "selected": True}]
    either = client.get("/api/search?q=agreement&issuer=SITC&issuer=CIMC").get_json()
    assert {h["id"] for h in either["hits"]} == {PORTS, CIMC}
    assert {v["value"]: v["count"] for v in either["facets"]["issuer"]} == {"SITC": 1, "CIMC": 1}
    assert client.get("/api/search?q=agreement&issuer=Hisense").get_json()["total"] == 0  # named, not the issuer
    assert client.get("/api/search?q=agreement&category=results").get_json()["total"] == 0
    agreements = client.get("/api/search?q=agreement&category=agreement&entity=org:CIMC").get_json()
    assert [h["id"] for h in agreements["hits"]] == [CIMC]
    assert agreements["facets"]["category"] == [{"value": "agreement", "count": 1, "selected": True}]


def test_facet_size_and_facet_q_narrow_the_lists(client):
    body = client.get("/api/search?q=agreement&facet_size=2").get_json()
    assert [v["value"] for v in body["facets"]["org"]] == ["CIMC", "CIMC Wetrans"]  # 1 release each: by name
    found = client.get("/api/search?q=agreement&facet_q=port").get_json()["facets"]
    assert [v["value"] for v in found["org"]] == ["Qingdao Port", "Shandong Port Group", "SPG Qingdao Port Group"]
    assert [v["value"] for v in found["facility"]] == ["Mohan Port"]  # not China-Laos Railway
    assert found["person"] == []  # no person's name has "port"


def test_entity_profile_json(client):
    body = client.get("/api/entities/org/CIMC%20Wetrans%20Logistics%20Technology%20(Group)%20Co.,%20Ltd.").get_json()
    assert body["name"] == "CIMC Wetrans" and body["type"] == "org"
    assert body["aliases"] == ["CIMC Wetrans", "CIMC Wetrans Logistics Technology (Group) Co., Ltd."]
    assert body["release_ids"] == [CIMC] and body["releases"] == 1 and body["issued"] == 0
    assert body["months"] == []  # the CIMC release is undated
    cimc = client.get("/api/entities/org/CIMC").get_json()
    assert cimc["issued"] == 1
    assert {"name": "Gao Xiang", "type": "person", "releases": 1} in cimc["cooccurring"]
    assert all(c["name"] != "CIMC" for c in cimc["cooccurring"])
    sitc = client.get("/api/entities/org/SITC").get_json()
    assert sitc["months"] == [{"month": "2023-06", "releases": 1}]
    assert client.get("/api/entities/person/Hisense").status_code == 404
