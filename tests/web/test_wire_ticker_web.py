"""The wire and ticker facets on the JSON API, the results page, the feed and the OpenAPI description, over
LISTED_CORPUS (tests/standins.py; its wires and tickers are listed in tests/search/test_wire_ticker.py)."""
from __future__ import annotations

import json
import re
from html import unescape
from urllib.parse import quote

import pytest
from click.testing import CliRunner

from search.request import parse_request
from tests.web.test_fast_api import sidebar, summary_total
from web.app import create_app
from web.cli import main

EVIL = "<b onmouseover=alert(1)>Evil</b>"


@pytest.fixture(scope="module")
def listed_client(listed_index, fast_embedder):
    return create_app({"INDEX_DIR": listed_index, "EMBEDDER": fast_embedder, "TESTING": True}).test_client()


def hit_ids(body: dict) -> list[str]:
    return sorted(h["id"] for h in body["hits"])


# -- JSON ----------------------------------------------------------------------------------------------------------

def test_the_api_lists_wires_and_tickers_with_their_companies(listed_client):
    body = listed_client.get("/api/search?q=&collapse=0&facet_size=5").get_json()
    assert body["facets"]["ticker"] == [
        {"value": "NASDAQ:ACME", "count": 3, "selected": False, "entity": "Acme Robotics"},
        {"value": "NYSE:HBK", "count": 2, "selected": False, "entity": "Harbor Bank"},
        {"value": "OTCQB:NWND", "count": 1, "selected": False, "entity": "Northwind Energy"},
        {"value": "TSXV:BSR", "count": 1, "selected": False, "entity": "Borealis Sensors"}]
    assert body["facets"]["wire"] == [  # a wire is not an entity: no "entity" field
        {"value": "News Direct", "count": 2, "selected": False},
        {"value": "24-7PressRelease", "count": 1, "selected": False},
        {"value": EVIL, "count": 1, "selected": False},
        {"value": "IBN", "count": 1, "selected": False}]
    assert all("entity" not in v for t in ("org", "issuer", "category", "month") for v in body["facets"][t])


def test_the_api_filters_by_wire_and_ticker_and_echoes_them(listed_client):
    body = listed_client.get("/api/search?ticker=nasdaq:acme&wire=news+direct&collapse=0").get_json()
    assert hit_ids(body) == ["l1-copy", "l2"]  # l1 prints the ticker too, but IBN carried it
    assert body["filters"]["ticker"] == ["NASDAQ:ACME"] and body["filters"]["wire"] == ["news direct"]
    assert body["facets"]["wire"] == [{"value": "News Direct", "count": 2, "selected": True}]
    assert {"value": "NASDAQ:ACME", "count": 2, "selected": True, "entity": "Acme Robotics"} in \
        body["facets"]["ticker"]
    assert hit_ids(listed_client.get("/api/search?wire=IBN&collapse=0").get_json()) == ["l1"]
    assert listed_client.get("/api/search?wire=Business+Wire").get_json()["total"] == 0


@pytest.mark.parametrize(("query", "message"), [
    ("ticker=ACME", "'ticker' must be EXCHANGE:SYMBOL as the ticker facet lists it, e.g. NASDAQ:ACME (got 'ACME')"),
    ("ticker=NASDAQ:%3Cscript%3E", "'ticker' must be EXCHANGE:SYMBOL"),
    ("wire=" + "w" * 201, "at most 20 'wire' values of at most 200 characters"),
    ("wires=IBN", "unknown parameter 'wires'"),
])
def test_a_bad_value_is_a_400_that_says_what_to_send(listed_client, query, message):
    res = listed_client.get("/api/search?" + query)
    assert res.status_code == 400 and message in res.get_json()["error"]["message"]
    page = listed_client.get("/search?" + query)
    assert page.status_code == 400 and unescape(message) in unescape(page.get_data(as_text=True))


def test_the_csv_export_and_the_cli_take_the_filters(listed_client, listed_index):
    csv = listed_client.get("/api/search.csv?ticker=TSXV:BSR&wire=24-7PRESSRELEASE").get_data(as_text=True)
    assert [line.split(",")[0] for line in csv.splitlines()[1:]] == ['"l3"']
    # An empty query embeds nothing, so the CLI can open the stand-in index without its embedder.
    out = CliRunner().invoke(main, ["search", "--ticker", "nasdaq:acme", "--wire", "News Direct", "--no-collapse",
                                    "--json", "--index", str(listed_index)])
    assert out.exit_code == 0, out.output
    from_cli = json.loads(out.output)
    from_api = listed_client.get("/api/search?ticker=nasdaq:acme&wire=News+Direct&collapse=0").get_json()
    from_cli.pop("took_ms"), from_api.pop("took_ms")
    assert from_cli == from_api and hit_ids(from_cli) == ["l1-copy", "l2"]


# -- the results page ------------------------------------------------------------------------------------------------

def test_the_panel_lists_tickers_with_their_company_after_the_entities_and_the_wire_last(listed_client):
    html = listed_client.get("/search?q=Acme+Robotics&mode=keyword&collapse=0").get_data(as_text=True)
    order = re.findall(r'<section class="facet facet-(\w+)"', html)
    assert order[-2:] == ["ticker", "wire"] and order.index("org") < order.index("ticker")
    ticker = re.search(r'id="facet-ticker".*?</section>', html, re.S).group(0)
    assert '<span class="name">NASDAQ:ACME · Acme Robotics</span><span class="count">3</span>' in ticker
    assert 'title="NASDAQ:ACME · Acme Robotics: 3 releases"' in ticker
    assert re.search(r'<h2 id="facet-wire-title">Wire</h2>', html) and "Ticker</h2>" in ticker


def test_a_click_on_a_wire_or_ticker_returns_the_count_it_showed(listed_client):
    shown = sidebar(listed_client.get("/search?q=robots&mode=keyword").get_data(as_text=True))
    checked = {(t, v): c for (t, v), (_, c) in shown.items() if t in ("wire", "ticker")}
    assert checked == {("ticker", "NASDAQ:ACME"): 2, ("ticker", "NYSE:HBK"): 1, ("wire", "IBN"): 1,
                       ("wire", "News Direct"): 2}
    for (type_, value), (href, count) in shown.items():
        assert summary_total(listed_client.get(href).get_data(as_text=True)) == count, (type_, value, href)


def test_a_chosen_ticker_is_a_chip_and_links_to_its_company(listed_client):
    html = listed_client.get("/search?ticker=nyse:hbk").get_data(as_text=True)
    assert summary_total(html) == 1
    assert re.search(r'<a class="chip" href="/search" title="remove this filter">ticker: NYSE:HBK ✕</a>', html)
    assert '<a class="entity-link" href="/entities/org/Harbor%20Bank">about' in html
    # Clicking the chosen value again removes it (any case in the URL: the request holds it in capitals).
    chosen = re.search(r'<a href="([^"]+)" data-value="NYSE:HBK"', html).group(1)
    assert unescape(chosen) == "/search"


def test_a_chosen_wire_is_a_chip_without_an_entity_page(listed_client):
    html = listed_client.get("/search?wire=ibn").get_data(as_text=True)
    assert summary_total(html) == 1 and "wire: ibn ✕" in html
    wire = re.search(r'id="facet-wire".*?</section>', html, re.S).group(0)
    assert 'class="selected"' in wire and "entity-link" not in wire  # a wire has no entity page
    assert re.search(r'<a href="/search" data-value="IBN"', wire)


def test_hostile_wire_and_ticker_text_is_escaped(listed_client):
    typed = listed_client.get("/search?wire=%3Cscript%3Ealert(1)%3C/script%3E").get_data(as_text=True)
    assert "<script>alert(1)" not in typed and "wire: &lt;script&gt;alert(1)&lt;/script&gt; ✕" in typed
    bad = listed_client.get("/search?ticker=%3Cscript%3Ealert(1)%3C/script%3E:X").get_data(as_text=True)
    assert "<script>alert(1)" not in bad and "&lt;script&gt;alert(1)&lt;/script&gt;" in bad
    # A wire name from an indexed file (l5's source) is text in the panel, the chip and the link's value.
    html = listed_client.get("/search?wire=" + quote(EVIL)).get_data(as_text=True)
    assert EVIL not in html and "onmouseover=alert(1)&gt;Evil" in html and summary_total(html) == 1


def test_the_feed_title_names_the_filters(listed_client):
    feed = listed_client.get("/search.atom?ticker=nasdaq:acme&wire=IBN").get_data(as_text=True)
    assert "<title>Announcements: ticker:NASDAQ:ACME wire:IBN</title>" in feed


# -- OpenAPI -----------------------------------------------------------------------------------------------------------

def test_the_spec_declares_the_parameters_the_filters_and_the_facets(listed_client):
    spec = listed_client.get("/api/openapi.json").get_json()
    params = {p["name"]: p for p in spec["paths"]["/api/search"]["get"]["parameters"]}
    pattern = params["ticker"]["schema"]["items"]["pattern"]
    for good in ("NASDAQ:ACME", "tsxv:bsr.u", "NYSEAMERICAN:A-B"):
        assert re.fullmatch(pattern.strip("^$"), good) and parse_request({"ticker": [good]}).tickers
    assert params["wire"]["schema"]["maxItems"] == 20
    result = spec["components"]["schemas"]["SearchResult"]["properties"]
    assert {"wire", "ticker"} <= set(result["filters"]["required"])
    assert result["facets"]["required"] == ["org", "person", "place", "facility", "issuer", "category", "month",
                                            "ticker", "wire"]
    value = result["facets"]["properties"]["ticker"]["items"]
    assert value["required"] == ["value", "count", "selected"] and "entity" in value["properties"]
