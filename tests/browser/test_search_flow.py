"""A user in headless Chromium (Debian's package, driven by Playwright) against waitress on a free loopback port.

Needs /usr/bin/chromium (`make test` installs it) and never downloads a browser: `playwright install` is not used.
"""
from __future__ import annotations

from pathlib import Path

import pytest

from tests.servers import server_url

ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts"


@pytest.fixture(scope="module")
def base_url(seed_index, embedder):
    """The two seed releases, indexed with the real models."""
    with server_url(seed_index, embedder) as url:
        yield url


def test_search_filter_by_an_org_and_open_its_entity_page(base_url, page):
    ARTIFACTS.mkdir(exist_ok=True)
    page.goto(base_url + "/")
    page.fill("header input[name=q]", "agreements involving ports")
    page.press("header input[name=q]", "Enter")
    page.wait_for_selector("ol.hits li.hit")
    titles = page.locator("ol.hits li.hit a.title").all_inner_texts()
    assert len(titles) == 2 and titles[0].startswith("The strategic agreement is signed by SITC")
    page.screenshot(path=str(ARTIFACTS / "search.png"), full_page=True)

    page.click('#facet-org a[data-value="Qingdao Port"]')
    page.wait_for_selector("p.active-filters")
    assert page.locator("h1.summary").inner_text().startswith("1 release for")
    titles = page.locator("ol.hits li.hit a.title").all_inner_texts()
    assert len(titles) == 1 and "Qingdao Port" in titles[0]
    assert page.locator('#facet-org li.selected a[aria-checked="true"] .name').inner_text() == "Qingdao Port"
    assert page.locator("p.active-filters").inner_text() == "Filtered by: org: Qingdao Port ✕"
    # Orgs combine with OR: the other orgs stay listed, unchecked, with the releases each would add.
    assert page.locator('#facet-org a[data-value="CIMC"]').get_attribute("aria-checked") == "false"
    page.screenshot(path=str(ARTIFACTS / "filtered.png"), full_page=True)

    page.click('#facet-org li.selected a.entity-link')
    page.wait_for_selector("article.entity")
    assert page.locator("article.entity h1").inner_text() == "Qingdao Port org"
    assert page.locator(".release-count").inner_text() == "1"
    assert page.locator("figure.histogram .bars li").count() == 1
    cooccurring = page.locator(".cooccurring li a .name").all_inner_texts()
    assert {"SITC", "Hisense", "Shandong Port Group"} <= set(cooccurring) and "Qingdao Port" not in cooccurring
    page.screenshot(path=str(ARTIFACTS / "entity.png"), full_page=True)


def test_a_release_page_lists_related_releases_and_they_open(base_url, page):
    """Issue 15, item 3: the release page's "Related" list; the two seed releases (both Qingdao port agreements) are
    each other's related release, and a click opens it."""
    page.goto(base_url + "/search?q=agreements+involving+ports")
    page.click("ol.hits li.hit a.title >> nth=0")
    page.wait_for_selector("article.release section.related")
    first = page.locator("article.release h1").inner_text()
    related = page.locator("section.related li.hit a.title").all_inner_texts()
    assert len(related) == 1 and related[0] != first
    page.screenshot(path=str(ARTIFACTS / "related.png"), full_page=True)
    page.click("section.related li.hit a.title")
    page.wait_for_selector("article.release section.related")
    assert page.locator("article.release h1").inner_text() == related[0]
    assert page.locator("section.related li.hit a.title").all_inner_texts() == [first]
