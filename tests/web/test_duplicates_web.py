"""Duplicate grouping through HTTP (issue 15, item 4): `collapse` on /api/search and /search, the hit's `versions`
in the JSON and "N more versions" on the results page, over TINY_CORPUS plus TINY_COPIES (tests/standins.py)."""
from __future__ import annotations

import re
from html import unescape

import pytest

from web.app import create_app


@pytest.fixture(scope="module")
def client(copies_index, fast_embedder):
    return create_app({"INDEX_DIR": copies_index, "EMBEDDER": fast_embedder, "TESTING": True}).test_client()


def api(client, query: str) -> dict:
    res = client.get("/api/search?" + query)
    assert res.status_code == 200, res.get_data(as_text=True)
    return res.get_json()


def test_api_collapses_by_default_and_collapse_0_lists_every_release(client):
    collapsed = api(client, "q=Acme+Robotics&mode=keyword&limit=100")
    every = api(client, "q=Acme+Robotics&mode=keyword&limit=100&collapse=0")
    ids = [h["id"] for h in collapsed["hits"]]
    assert {"t1", "t1-wire"} <= {h["id"] for h in every["hits"]} and len({"t1", "t1-wire"} & set(ids)) == 1
    assert collapsed["total"] < every["total"]
    shown = next(h for h in collapsed["hits"] if h["id"] in ("t1", "t1-wire"))
    assert shown["versions"] == {"count": 1, "ids": [({"t1", "t1-wire"} - {shown["id"]}).pop()]}
    assert all("versions" not in h for h in collapsed["hits"] if h["id"] not in ("t1", "t1-wire", "t3", "t3-fix"))
    assert api(client, "q=Acme&collapse=yes")["total"] == api(client, "q=Acme")["total"]


def test_bad_collapse_value_is_a_400(client):
    res = client.get("/api/search?q=Acme&collapse=maybe")
    assert res.status_code == 400 and "collapse" in res.get_json()["error"]["message"]


def test_results_page_shows_more_versions_with_links(client):
    html = client.get("/search?q=Acme+Robotics&mode=keyword&limit=100").get_data(as_text=True)
    assert "1 more version</summary>" in html
    links = [unescape(h) for h in re.findall(r'<details class="versions">.*?</details>', html, re.S)]
    t1 = [d for d in links if 'href="/releases/t1-wire"' in d or 'href="/releases/t1"' in d]
    assert len(t1) == 1
    every = re.search(r'class="all-versions" href="([^"]+)"', t1[0]).group(1)
    assert "collapse=0" in unescape(every)
    page = client.get(unescape(every)).get_data(as_text=True)
    assert 'href="/releases/t1"' in page and 'href="/releases/t1-wire"' in page
