"""The wire and ticker facets (issue 13, items 2 and 4): counted over the match set, filtered by, and each ticker
linked to its company. Over LISTED_CORPUS (tests/standins.py), whose wires and tickers are known:

    l1       IBN                NASDAQ:ACME, NYSE:HBK   } one duplicate group (the same text a day apart)
    l1-copy  News Direct        NASDAQ:ACME, NYSE:HBK   }
    l2       News Direct        NASDAQ:ACME ("Nasdaq: ACME")
    l3       24-7PressRelease   TSXV:BSR               (the wire from its dateline mark: no source)
    l4       (none)             OTCQB:NWND
    l5       "<b onmouseover=alert(1)>Evil</b>" (its source as given), no ticker
"""
from __future__ import annotations

import pytest

from indexer.store.catalog import Catalog, ReleaseEntities
from indexer.store.records import EntityInfo, Mention
from search.evidence_facets import ticker_matrix, wire_column
from search.request import RequestError
from tests.search.test_match_set import clicks_agree, search

EVIL = "<b onmouseover=alert(1)>Evil</b>"


def facet(result, type_: str) -> list[tuple[str, int]]:
    return [(v.value, v.count) for v in result.facets[type_]]


def ids(result) -> list[str]:
    return sorted(h.id for h in result.hits)


# -- counts ------------------------------------------------------------------------------------------------------------

def test_every_release_counts_once_for_its_wire(listed_engine):
    result = search(listed_engine, collapse=0)
    # Most releases first, then by name; l4 has no wire and is in no count.
    assert facet(result, "wire") == [("News Direct", 2), ("24-7PressRelease", 1), (EVIL, 1), ("IBN", 1)]
    assert all(v.entity is None for v in result.facets["wire"])


def test_tickers_count_every_release_that_prints_them_and_name_their_company(listed_engine):
    result = search(listed_engine, collapse=0)
    assert [(v.value, v.count, v.entity) for v in result.facets["ticker"]] == [
        ("NASDAQ:ACME", 3, "Acme Robotics"), ("NYSE:HBK", 2, "Harbor Bank"), ("OTCQB:NWND", 1, "Northwind Energy"),
        ("TSXV:BSR", 1, "Borealis Sensors")]


def test_a_collapsed_list_counts_an_announcement_once_per_value(listed_engine):
    result = search(listed_engine)  # l1 and l1-copy are one announcement: five listed
    assert result.total == 5
    # The group counts for IBN (l1) and for News Direct (l1-copy), once each: what a click on either returns.
    assert facet(result, "wire") == [("News Direct", 2), ("24-7PressRelease", 1), (EVIL, 1), ("IBN", 1)]
    assert facet(result, "ticker") == [("NASDAQ:ACME", 2), ("NYSE:HBK", 1), ("OTCQB:NWND", 1), ("TSXV:BSR", 1)]
    assert search(listed_engine, wire="IBN").total == 1 and search(listed_engine, ticker="NASDAQ:ACME").total == 2


def test_facets_count_the_match_set_of_a_query(listed_engine):
    result = search(listed_engine, q="lidar factory", mode="keyword")
    assert ids(result) == ["l3"]
    assert facet(result, "wire") == [("24-7PressRelease", 1)] and facet(result, "ticker") == [("TSXV:BSR", 1)]


@pytest.mark.parametrize("mode", ["keyword", "semantic", "hybrid"])
@pytest.mark.parametrize("collapse", ["1", "0"])
def test_every_wire_and_ticker_count_is_what_its_click_returns(listed_engine, mode, collapse):
    checked = sum(clicks_agree(listed_engine, {"q": q, "mode": mode, "collapse": collapse, "limit": "100"})
                  for q in ("Acme Robotics", "supply agreement", "factory", "wind farm", "robots"))
    assert checked > 20
    assert clicks_agree(listed_engine, {"collapse": collapse, "limit": "100"}) > 15  # browsing: every release


# -- filters -----------------------------------------------------------------------------------------------------------

def test_a_wire_filter_returns_exactly_the_releases_it_carried(listed_engine):
    assert ids(search(listed_engine, wire="News Direct", collapse=0)) == ["l1-copy", "l2"]
    assert ids(search(listed_engine, wire="IBN", collapse=0)) == ["l1"]  # not l1-copy, the same text on another wire
    assert ids(search(listed_engine, wire="24-7pressrelease", collapse=0)) == ["l3"]  # any case
    assert ids(search(listed_engine, wire="  news   DIRECT ", collapse=0)) == ["l1-copy", "l2"]
    assert ids(search(listed_engine, wire=EVIL, collapse=0)) == ["l5"]


def test_a_wire_no_release_has_matches_nothing(listed_engine):
    for wire in ("Business Wire", "News", "wire-a"):  # a known wire that carried none, a part of a name, another corpus
        result = search(listed_engine, wire=wire)
        assert result.total == 0 and result.hits == [], wire


def test_a_ticker_filter_is_case_insensitive_and_exact(listed_engine):
    for ticker in ("NASDAQ:ACME", "nasdaq:acme", "Nasdaq: Acme"):
        result = search(listed_engine, ticker=ticker, collapse=0)
        assert ids(result) == ["l1", "l1-copy", "l2"], ticker
        assert result.request.tickers == ("NASDAQ:ACME",)
    assert ids(search(listed_engine, ticker="NYSE:HBK", collapse=0)) == ["l1", "l1-copy"]  # not l2: no HBK there
    for other in ("NYSE:ACME", "NASDAQ:ACM", "OTC:NWND"):  # the symbol on another exchange, a prefix
        assert search(listed_engine, ticker=other).total == 0, other


def test_values_of_one_type_are_or_and_types_are_and(listed_engine):
    assert ids(search(listed_engine, ticker=["OTCQB:NWND", "TSXV:BSR"])) == ["l3", "l4"]
    assert ids(search(listed_engine, wire=["IBN", "24-7PressRelease"], collapse=0)) == ["l1", "l3"]
    assert ids(search(listed_engine, ticker="NASDAQ:ACME", wire="IBN", collapse=0)) == ["l1"]
    assert ids(search(listed_engine, ticker="TSXV:BSR", wire="IBN")) == []
    assert ids(search(listed_engine, ticker="NASDAQ:ACME", category="results", collapse=0)) == ["l2"]
    assert ids(search(listed_engine, q="Harbor Bank", mode="keyword", ticker="NASDAQ:ACME", collapse=0)) == \
        ["l1", "l1-copy"]


def test_a_chosen_value_stays_listed_as_selected(listed_engine):
    result = search(listed_engine, ticker="nasdaq:acme", wire="ibn", collapse=0)
    assert [(v.value, v.count, v.selected) for v in result.facets["wire"]] == [("IBN", 1, True)]
    assert [(v.value, v.selected) for v in result.facets["ticker"]] == [("NASDAQ:ACME", True), ("NYSE:HBK", False)]
    # Even where the match set has none of it (the count says so).
    result = search(listed_engine, q="lidar factory", mode="keyword", wire="IBN")
    assert [(v.value, v.count, v.selected) for v in result.facets["wire"]] == [("IBN", 0, True)]


def test_the_facet_search_finds_a_ticker_by_its_company(listed_engine):
    result = search(listed_engine, facet_q="harbor", collapse=0)
    assert facet(result, "ticker") == [("NYSE:HBK", 2)] and facet(result, "wire") == []
    assert facet(search(listed_engine, facet_q="direct"), "wire") == [("News Direct", 2)]


def test_a_bad_ticker_is_a_request_error(listed_engine):
    with pytest.raises(RequestError, match="'ticker' must be EXCHANGE:SYMBOL"):
        search(listed_engine, ticker="ACME")


# -- the data: wire column and ticker companies (hand-made catalogs) ---------------------------------------------------

def _catalog(entities: dict[str, str], releases: dict[str, list[Mention]]) -> Catalog:
    """A catalog of entities {key: type} (names: the key title-cased) and releases' mentions."""
    infos = {k: EntityInfo(k, k.title(), t, {t: 1}, 1) for k, t in entities.items()}
    return Catalog(infos, {rid: ReleaseEntities((), tuple((m, 1) for m in ms)) for rid, ms in releases.items()})


def test_a_tickers_company_is_the_one_most_releases_print_before_it():
    ticker, alias = (lambda v: Mention(v, "ticker")), (lambda name, short: Mention(name, "alias", short=short))
    catalog = _catalog({"acme corp": "org", "harbor bank": "org", "lyon": "place"}, {
        "r1": [ticker("NASDAQ:ACME"), alias("Acme Corp", "ACME")],
        "r2": [ticker("NASDAQ:ACME"), alias("ACME CORP", "ACME"), alias("Acme Corp", "ACME")],  # one vote a release
        "r3": [ticker("NASDAQ:ACME"), alias("Harbor Bank", "ACME"), alias("Harbor Bank", "HBK")],
        "r4": [ticker("NYSE:HBK"), alias("Lyon", "HBK"), alias("Nobody Known", "HBK")],  # a place; not in the catalog
        "r5": [ticker("TSX:ACME"), alias("Harbor Bank", "ACME")],  # the same symbol on another exchange: its own vote
    })
    tickers = ticker_matrix(catalog, ["r1", "r2", "r3", "r4", "r5", "missing"])
    assert tickers.values == ("NASDAQ:ACME", "NYSE:HBK", "TSX:ACME")
    assert tickers.companies == ("Acme Corp", None, "Harbor Bank")
    assert tickers.matrix.toarray().tolist() == [[1, 0, 0], [1, 0, 0], [1, 0, 0], [0, 1, 0], [0, 0, 1], [0, 0, 0]]
    assert tickers.find("nasdaq:acme") == 0 and tickers.find("NASDAQ:ACMEX") is None
    assert tickers.releases_with_any([1, 2]).tolist() == [3, 4]


def test_a_tie_between_companies_goes_to_the_first_name():
    catalog = _catalog({"zeta corp": "org", "alpha corp": "org"}, {
        "r1": [Mention("NYSE:Z", "ticker"), Mention("Zeta Corp", "alias", short="Z")],
        "r2": [Mention("NYSE:Z", "ticker"), Mention("Alpha Corp", "alias", short="Z")]})
    assert ticker_matrix(catalog, ["r1", "r2"]).companies == ("Alpha Corp",)


def test_a_releases_wire_is_its_first_and_spellings_of_one_wire_are_one():
    wire = (lambda name: Mention(name, "wire"))
    catalog = _catalog({}, {"r1": [wire("IBN"), wire("24-7PressRelease")], "r2": [wire("ACCESSWIRE")],
                            "r3": [wire("AccessWire")], "r4": [wire("AccessWire")], "r5": []})
    wires = wire_column(catalog, ["r1", "r2", "r3", "r4", "r5", "missing"])
    assert wires.names == ("AccessWire", "IBN")  # 24-7PressRelease is only ever a second wire; the common spelling
    assert wires.of_release.tolist() == [1, 0, 0, 0, -1, -1]
    assert wires.find("accesswire") == 0 and wires.find(" ibn ") == 1 and wires.find("24-7PressRelease") is None
