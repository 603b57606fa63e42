"""One parser behaviour for every endpoint (issue 18, item 12): repeated parameters refused, whole numbers and dates
in ASCII and one spelling, a starred word warned about like a lone `*`."""
from __future__ import annotations

from html import unescape
from urllib.parse import quote

import pytest

# (address, a parameter it takes that is a whole number, a parameter it takes once)
LISTS = [("/api/search", "limit", "mode=keyword"), ("/search", "limit", "mode=keyword"),
         ("/api/entities", "limit", "type=org"), ("/entities", "limit", "type=org")]
NUMBERS_NOT_ASCII_DIGITS = ["1_0", "+5", "\u0665", "\uff15", "\u0967", "5.0", "1e1", "0x5", "five", "\u00b2", " 5",
                            "5 ", " "]
NOT_ISO_DATES = ["20240101", "2024-W01-1", "2024W011", "2024-001", "2024-1-5", "\u0662\u0660\u0662\u0664-01-01",
                 "2024-01-01T00:00", "+2024-01-01", " 2024-01-01", "2024-01-01 ", " "]


def message(res) -> str:
    if res.mimetype == "application/json":
        return res.get_json()["error"]["message"]
    return unescape(res.get_data(as_text=True))


@pytest.mark.parametrize(("path", "number", "single"), LISTS)
def test_every_endpoint_refuses_a_repeated_parameter(fast_client, path, number, single):
    for query in [f"{number}=1&{number}=2", f"{single}&{single}"]:
        res = fast_client.get(f"{path}?{query}")
        assert res.status_code == 400 and "was given 2 times; send it once" in message(res), (path, query)


@pytest.mark.parametrize(("path", "number", "_"), LISTS)
@pytest.mark.parametrize("value", NUMBERS_NOT_ASCII_DIGITS)
def test_whole_numbers_are_ascii_digits_only(fast_client, path, number, _, value):
    res = fast_client.get(f"{path}?{number}={quote(value)}")
    assert res.status_code == 400 and f"'{number}' must be a whole number" in message(res), (path, value)


@pytest.mark.parametrize("name", ["offset", "facet_size"])
@pytest.mark.parametrize("value", NUMBERS_NOT_ASCII_DIGITS)
def test_offset_and_facet_size_are_ascii_digits_only(fast_client, name, value):
    res = fast_client.get(f"/api/search?{name}={quote(value)}")
    assert res.status_code == 400 and f"'{name}' must be a whole number" in message(res), value


def test_plain_digits_still_parse(fast_client):
    for query in ["limit=5", "limit=005", "offset=0", "facet_size=1", "limit=", "date_from=", "alpha=", "alpha=.5"]:
        assert fast_client.get(f"/api/search?{query}").status_code == 200, query
    assert fast_client.get("/api/search?limit=-1").get_json()["error"]["message"] == \
        "'limit' must be from 1 to 100 (got -1)"
    assert len(fast_client.get("/api/entities?limit=2").get_json()["entities"]) == 2


@pytest.mark.parametrize("path", ["/api/search", "/search"])
@pytest.mark.parametrize("value", NOT_ISO_DATES)
def test_dates_are_yyyy_mm_dd_only(fast_client, path, value):
    for name in ("date_from", "date_to"):
        res = fast_client.get(f"{path}?{name}={quote(value)}")
        assert res.status_code == 400 and f"'{name}' must be a date as YYYY-MM-DD" in message(res), (path, value)


@pytest.mark.parametrize("value", ["0_5", "\u0660.\u0665", "\uff10.\uff15", " 0.5", "0.5 "])
def test_alpha_is_an_ascii_number(fast_client, value):
    res = fast_client.get(f"/api/search?alpha={quote(value)}")
    assert res.status_code == 400 and "'alpha' must be a number from 0 to 1" in message(res)


@pytest.mark.parametrize("value", ["TRUE", "Yes", " 1", "1 "])
def test_flags_take_exactly_the_spellings_the_spec_lists(fast_client, value):
    res = fast_client.get(f"/api/search?explain={quote(value)}")
    assert res.status_code == 400 and "'explain' must be 1 or 0" in message(res)


@pytest.mark.parametrize("q", ["po*", "lid*", "*lidar", "acme*+robotics", '"po*"'])
def test_a_starred_word_is_warned_about_like_a_lone_star(fast_client, q):
    for mode in ("keyword", "hybrid"):
        body = fast_client.get(f"/api/search?q={q}&mode={mode}").get_json()
        assert any("wildcards are not supported" in w for w in body["warnings"]), (q, mode, body["warnings"])
    page = unescape(fast_client.get(f"/search?q={q}&mode=keyword").get_data(as_text=True))
    assert "wildcards are not supported" in page


def test_a_lone_star_keeps_its_one_warning(fast_client):
    assert fast_client.get("/api/search?q=*&mode=keyword").get_json()["warnings"] == [
        "the query has no searchable words for keyword search (only stop words?)"]
    assert fast_client.get("/api/search?q=lidar&mode=keyword").get_json()["warnings"] == []
