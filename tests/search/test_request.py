import datetime as dt
from urllib.parse import parse_qs, urlencode

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from werkzeug.datastructures import MultiDict

from indexer.store.records import CATEGORIES, ENTITY_TYPES
from search.fusion import FUSIONS
from search.request import (MAX_FACET_SIZE, MAX_LIMIT, MAX_OFFSET, MAX_QUERY_CHARS, MODES, PARAMETERS, SORTS,
                            EntityFilter, EntityQuery, RequestError, SearchRequest, check_query_syntax,
                            parse_entity_query, parse_request)


def parse(**params):
    return parse_request({k: v if isinstance(v, list) else [v] for k, v in params.items()})


def test_defaults_and_full_request():
    r = parse_request({})
    assert (r.q, r.mode, r.limit, r.offset, r.sort, r.explain, r.entities) == ("", "hybrid", 10, 0, "relevance", False, ())
    r = parse(q="  ports   deals ", mode="keyword", limit="5", offset="10", entity=["org:SITC", "place: Qingdao "],
              date_from="2023-01-01", date_to="2023-12-31", sort="date", explain="1")
    assert r.q == "ports deals"
    assert r.entities == (EntityFilter("org", "SITC"), EntityFilter("place", "Qingdao"))
    assert (r.mode, r.limit, r.offset, r.sort, r.explain) == ("keyword", 5, 10, "date", True)
    assert (r.date_from, r.date_to) == (dt.date(2023, 1, 1), dt.date(2023, 12, 31))


def test_fusion_parameters_default_to_the_tuned_choice_and_parse():
    r = parse_request({})
    assert (r.fusion, r.alpha, r.exact) == (None, None, True)  # None: the engine's tuned default
    r = parse(fusion="convex", alpha="0.3", exact="0")
    assert (r.fusion, r.alpha, r.exact) == ("convex", 0.3, False)
    assert parse(alpha="0").alpha == 0.0 and parse(alpha="1").alpha == 1.0


@pytest.mark.parametrize(
    ("params", "message"),
    [
        ({"limit": "-1"}, "'limit' must be from 1 to 100 (got -1)"),
        ({"limit": "1000000"}, "'limit' must be from 1 to 100 (got 1000000)"),
        ({"limit": "ten"}, "'limit' must be a whole number"),
        ({"offset": "99999999"}, "'offset' must be from 0 to 10000"),
        ({"mode": "fuzzy"}, "'mode' must be one of hybrid, keyword, semantic (got 'fuzzy')"),
        ({"sort": "popularity"}, "'sort' must be one of relevance, date"),
        ({"date_from": "2023-13-01"}, "'date_from' must be a date as YYYY-MM-DD"),
        ({"date_from": "2024-01-01", "date_to": "2023-01-01"}, "'date_from' (2024-01-01) is after 'date_to' (2023-01-01)"),
        ({"entity": "SITC"}, "'entity' must be TYPE:NAME with TYPE one of org, person, place, facility"),
        ({"entity": "company:SITC"}, "'entity' must be TYPE:NAME"),
        ({"entity": "org:"}, "'entity' must be TYPE:NAME"),
        ({"q": "x" * (MAX_QUERY_CHARS + 1)}, f"send at most {MAX_QUERY_CHARS}"),
        ({"q": "a\x00b"}, "control characters"),
        ({"colour": "red"}, "unknown parameter 'colour'; known parameters: q, mode"),
        ({"explain": "maybe"}, "'explain' must be 1 or 0"),
        ({"mode": ["keyword", "semantic"]}, "'mode' was given 2 times"),
        ({"alpha": "1.5"}, "'alpha' must be from 0 to 1 (got 1.5)"),
        ({"alpha": "-0.1"}, "'alpha' must be from 0 to 1 (got -0.1)"),
        ({"alpha": "nan"}, "'alpha' must be from 0 to 1 (got nan)"),
        ({"alpha": "half"}, "'alpha' must be a number from 0 to 1, e.g. 0.3 (got 'half')"),
        ({"fusion": "max"}, "'fusion' must be one of rrf, convex (got 'max')"),
        ({"exact": "always"}, "'exact' must be 1 or 0"),
        ({"ticker": "ACME"}, "'ticker' must be EXCHANGE:SYMBOL as the ticker facet lists it, e.g. NASDAQ:ACME (got 'ACME')"),
        ({"ticker": "NASDAQ:"}, "'ticker' must be EXCHANGE:SYMBOL"),
        ({"ticker": "NAS DAQ:ACME"}, "'ticker' must be EXCHANGE:SYMBOL"),
        ({"ticker": "NASDAQ:<script>"}, "'ticker' must be EXCHANGE:SYMBOL"),
        ({"ticker": [f"NYSE:A{n}" for n in range(21)]}, "at most 20 'ticker' values"),
        ({"wire": "w" * 201}, "at most 20 'wire' values of at most 200 characters"),
        ({"wire": [f"wire {n}" for n in range(21)]}, "at most 20 'wire' values"),
    ],
)
def test_bad_parameters_say_what_to_send(params, message):
    with pytest.raises(RequestError) as err:
        parse(**params)
    assert message in str(err.value)


def test_every_parameter_has_help():
    assert set(PARAMETERS) == {"q", "mode", "limit", "offset", "entity", "date_from", "date_to", "sort", "explain",
                               "issuer", "category", "ticker", "wire", "facet_size", "facet_q", "fusion", "alpha",
                               "exact", "collapse"}
    assert all(PARAMETERS.values())


@settings(max_examples=300, deadline=None)
@given(st.dictionaries(st.sampled_from(sorted(PARAMETERS) + ["zzz"]), st.lists(st.text(max_size=30), max_size=3)))
def test_any_input_is_a_request_or_a_request_error(params):
    try:
        parse_request(params)
    except RequestError as exc:
        assert str(exc)


def _normal(text: str) -> str:
    return " ".join(text.split())


NAMES = st.text(st.characters(exclude_categories=("Cc", "Cs")), min_size=1, max_size=30).map(_normal).filter(bool)


TICKERS = st.from_regex(r"[A-Z]{1,20}:[A-Z0-9][A-Z0-9.-]{0,19}", fullmatch=True)


@st.composite
def valid_requests(draw) -> SearchRequest:
    """Any request parse_request can return: normalised text, no duplicate filters, dates in order."""
    q = draw(st.text(st.characters(exclude_categories=("Cc", "Cs")), max_size=60).map(_normal))
    try:
        check_query_syntax(q)
    except RequestError:
        q = q.replace('"', "").replace("(", "").replace(")", "")
        q = _normal(q)
    dates = sorted(draw(st.lists(st.dates(), min_size=2, max_size=2)))
    date_from, date_to = draw(st.sampled_from([(None, None), (dates[0], None), (None, dates[1]), tuple(dates)]))
    return SearchRequest(
        q=q,
        mode=draw(st.sampled_from(MODES)),
        limit=draw(st.integers(1, MAX_LIMIT)),
        offset=draw(st.integers(0, MAX_OFFSET)),
        entities=tuple(draw(st.lists(st.builds(EntityFilter, st.sampled_from(ENTITY_TYPES), NAMES),
                                     max_size=4, unique=True))),
        date_from=date_from,
        date_to=date_to,
        sort=draw(st.sampled_from(SORTS)),
        explain=draw(st.booleans()),
        issuers=tuple(draw(st.lists(NAMES, max_size=3, unique=True))),
        categories=tuple(draw(st.lists(st.sampled_from(CATEGORIES), max_size=3, unique=True))),
        tickers=tuple(draw(st.lists(TICKERS, max_size=3, unique=True))),
        wires=tuple(draw(st.lists(NAMES, max_size=3, unique=True))),
        facet_size=draw(st.integers(1, MAX_FACET_SIZE)),
        facet_q=draw(st.one_of(st.just(""), NAMES)),
        fusion=draw(st.one_of(st.none(), st.sampled_from(FUSIONS))),
        alpha=draw(st.one_of(st.none(), st.floats(0.0, 1.0))),
        exact=draw(st.booleans()),
    )


@settings(max_examples=300, deadline=None)
@given(valid_requests(), st.booleans())
def test_to_params_is_the_inverse_of_parse_request(req, defaults):
    pairs = req.to_params(defaults=defaults)
    assert parse_request(MultiDict(pairs).to_dict(flat=False)) == req
    assert parse_request(parse_qs(urlencode(pairs), keep_blank_values=True)) == req  # and through a URL
    assert [name for name, _ in pairs] == sorted((name for name, _ in pairs), key=list(PARAMETERS).index)


def test_tickers_are_read_in_capitals_and_wires_as_given():
    r = parse(ticker=["nasdaq:acme", " NASDAQ : ACME ", "tsxv:bsr.u"], wire=["  news   direct ", "IBN"])
    assert r.tickers == ("NASDAQ:ACME", "TSXV:BSR.U")  # one value however it is cased and spaced
    assert r.wires == ("news direct", "IBN")  # whitespace collapsed; matched case-insensitively by the engine
    assert r.to_params() == [("ticker", "NASDAQ:ACME"), ("ticker", "TSXV:BSR.U"), ("wire", "news direct"),
                             ("wire", "IBN")]
    assert parse(ticker="", wire=" ").tickers == () == parse(wire=" ").wires  # empty: no filter


def test_to_params_leaves_out_defaults_and_repeats_lists():
    assert SearchRequest().to_params() == []
    req = parse(q="ports", entity=["org:SITC", "place:Qingdao"], category="agreement", limit="10", exact="0",
                alpha="0.3", date_to="2023-06-30")
    assert req.to_params() == [("q", "ports"), ("entity", "org:SITC"), ("entity", "place:Qingdao"),
                               ("date_to", "2023-06-30"), ("category", "agreement"), ("alpha", "0.3"), ("exact", "0")]
    assert dict(SearchRequest().to_params(defaults=True)) == {
        "q": "", "mode": "hybrid", "limit": "10", "offset": "0", "sort": "relevance", "explain": "0",
        "facet_size": "15", "facet_q": "", "exact": "1", "collapse": "1"}


def entity_query(**params):
    return parse_entity_query({k: v if isinstance(v, list) else [v] for k, v in params.items()}, default_limit=100)


def test_entity_query_defaults_and_normalises():
    assert parse_entity_query({}) == EntityQuery(None, "", 50)
    assert entity_query(type="", q="  qing   dao ", limit="") == EntityQuery(None, "qing dao", 100)
    assert entity_query(type="org", q="port", limit="200") == EntityQuery("org", "port", 200)


@pytest.mark.parametrize(("params", "message"), [
    ({"type": "ship"}, "'type' must be one of org, person, place, facility (got 'ship')"),
    ({"type": ["org", "person"]}, "'type' was given 2 times; send it once"),
    ({"limit": "0"}, "'limit' must be from 1 to 200 (got 0)"),
    ({"limit": "all"}, "'limit' must be a whole number from 1 to 200"),
    ({"q": "x" * 201}, "'q' is at most 200 characters"),
    ({"page": "2"}, "unknown parameter 'page'; known parameters: type, q, limit"),
])
def test_bad_entity_queries_say_what_to_send(params, message):
    with pytest.raises(RequestError) as err:
        entity_query(**params)
    assert message in str(err.value)
