"""A date at the end of the calendar: a range reaching December 9999 or a release dated 9999-12-31
is answered like any other; no month arithmetic steps past 9999-12-31."""
from __future__ import annotations

import datetime as dt

import numpy as np
import pytest

from search.facets import FacetCounter, month_range, months_between
from search.request import SearchRequest
from web.pages import toggle_url


def test_month_arithmetic_reaches_december_9999():
    assert month_range("9999-12") == (dt.date(9999, 12, 1), dt.date(9999, 12, 31))
    assert month_range("2024-02") == (dt.date(2024, 2, 1), dt.date(2024, 2, 29))
    assert months_between("9999-11", "9999-12") == ["9999-11", "9999-12"]
    assert months_between("2023-12", "2024-02") == ["2023-12", "2024-01", "2024-02"]


def test_facets_over_a_release_dated_9999_12_31(tiny_engine):
    days = tiny_engine.days.copy()
    days[0] = dt.date(9999, 12, 31).toordinal()
    counter = FacetCounter(tiny_engine.catalog, tiny_engine.release_ids, days)
    everything = np.arange(len(days), dtype=np.int64)
    months = counter.months_of(np.array([0], dtype=np.int64))
    assert months == [("9999-12", 1)]
    assert counter.months_of(everything)[-1] == ("9999-12", 1)
    request = SearchRequest(date_from=dt.date(9999, 12, 1), date_to=dt.date(9999, 12, 31))
    assert counter.count(everything, request, tiny_engine.catalog)["month"][-1].value == "9999-12"
    assert "date_to=9999-12-31" in _toggle(request)


def _toggle(request: SearchRequest) -> str:
    from web.app import create_app

    app = create_app({"INDEX_DIR": "unused", "TESTING": True})
    with app.test_request_context():
        return toggle_url(request, "month", "9999-12") + toggle_url(SearchRequest(), "month", "9999-12")


@pytest.mark.parametrize("query", ["date_from=9999-12-01&date_to=9999-12-31", "date_to=9999-12-31",
                                   "date_from=9999-12-31", "date_from=0001-01-01&date_to=0001-01-31"])
def test_a_date_range_at_either_end_of_the_calendar_is_answered(fast_client, query):
    assert fast_client.get(f"/api/search?{query}").status_code == 200
    assert fast_client.get(f"/search?q=robots&{query}").status_code == 200


def test_a_release_dated_9999_12_31_is_indexed_undated_and_breaks_no_page(hostile_client):
    """Ingest keeps dates in 1900..2100 (README "Limits"): the release is indexed without its date, and every page
    that shows it answers; the facet arithmetic itself is checked up to 9999-12 above."""
    found = hostile_client.get("/api/search?q=calendar&mode=keyword").get_json()
    assert [h["date"] for h in found["hits"] if h["id"] == "last-day"] == [None]
    for url in ["/search?q=robotics", "/search?q=calendar&date_from=9999-12-01&date_to=9999-12-31",
                "/api/entities/org/Acme%20Robotics", "/entities/org/Acme%20Robotics", "/releases/last-day"]:
        assert hostile_client.get(url).status_code == 200, url
