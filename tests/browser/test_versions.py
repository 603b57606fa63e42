"""Copies of one announcement in headless Chromium: the results page lists t1 (or its wire copy t1-wire) once with
"1 more version", the folded list opens and links the copy's page, and "List every version in the results" shows
both, each still naming the other. Over
TINY_CORPUS plus TINY_COPIES (tests/standins.py)."""
from __future__ import annotations

import pytest

from tests.servers import server_url


@pytest.fixture(scope="module")
def base_url(copies_index, fast_embedder):
    with server_url(copies_index, fast_embedder) as url:
        yield url


def test_one_hit_per_announcement_and_its_versions_open(base_url, page):
    page.goto(base_url + "/search?q=Acme+Robotics+acquires+Borealis&mode=keyword&limit=100")
    hits = page.locator("ol.hits li.hit")
    ids = [href.rsplit("/", 1)[1] for href in page.locator("ol.hits li.hit a.title").evaluate_all(
        "links => links.map(a => a.getAttribute('href'))")]
    assert len({"t1", "t1-wire"} & set(ids)) == 1 and len(ids) == len(set(ids))
    shown = "t1" if "t1" in ids else "t1-wire"
    copy = {"t1": "t1-wire", "t1-wire": "t1"}[shown]
    versions = hits.nth(ids.index(shown)).locator("details.versions")
    assert versions.locator("summary").inner_text() == "1 more version"
    assert not versions.locator(f'a[href="/releases/{copy}"]').is_visible()  # folded until asked
    versions.locator("summary").click()
    versions.locator(f'a[href="/releases/{copy}"]').click()
    page.wait_for_selector("article.release")
    assert page.url.endswith(f"/releases/{copy}")

    page.go_back()
    page.locator("ol.hits li.hit details.versions summary").first.click()
    page.locator("ol.hits li.hit details.versions a.all-versions").first.click()
    page.wait_for_selector("ol.hits li.hit")
    assert "collapse=0" in page.url
    every = page.locator("ol.hits li.hit a.title").evaluate_all("links => links.map(a => a.getAttribute('href'))")
    assert {"/releases/t1", "/releases/t1-wire"} <= set(every)
    # Listed apart, each copy still says it has another version.
    for rid in ("t1", "t1-wire"):
        hit = page.locator("ol.hits li.hit").nth(every.index(f"/releases/{rid}"))
        assert hit.locator("details.versions summary").inner_text() == "1 more version"
