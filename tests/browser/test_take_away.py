"""Taking a search away in headless Chromium (issue 15, items 5-6): the results page's "CSV" link downloads the whole
filtered result list, not the page; its "Feed" link and the entity page's serve Atom that lists the same releases.

Needs /usr/bin/chromium (`make test` installs it); never downloads a browser.
"""
from __future__ import annotations

import csv
import io
from pathlib import Path

import feedparser




def test_download_the_whole_filtered_list_and_follow_the_feeds(base_url, page):
    page.goto(base_url + "/search?q=Acme+Robotics&mode=keyword&limit=1")  # one hit per page, four in the list
    assert page.locator("ol.hits li.hit").count() == 1
    assert page.locator("p.take-away").inner_text() == "Download all 4: CSV · JSONL · Feed"
    with page.expect_download() as download_info:
        page.click("p.take-away a.export-csv")
    download = download_info.value
    assert download.suggested_filename == "announcements.csv"
    rows = list(csv.DictReader(io.StringIO(Path(download.path()).read_text(encoding="utf-8"))))
    search = page.request.get(base_url + "/api/search?q=Acme+Robotics&mode=keyword&limit=100").json()
    assert [r["id"] for r in rows] == [h["id"] for h in search["hits"]]  # every release in order, not the page
    assert {r["id"] for r in rows} == {"t1", "t2", "t3", "t5"}

    feed_href = page.get_attribute("head link[rel=alternate][type='application/atom+xml']", "href")
    assert feed_href == page.get_attribute("p.take-away a.feed", "href")
    feed = feedparser.parse(page.request.get(base_url + feed_href).body())
    assert not feed.bozo and [e.link.rsplit("/", 1)[1] for e in feed.entries] == ["t3", "t2", "t1", "t5"]

    page.goto(base_url + "/entities/org/Northwind%20Energy")
    href = page.get_attribute("p.entity-summary a.feed", "href")
    feed = feedparser.parse(page.request.get(base_url + href).body())
    assert not feed.bozo and [e.link.rsplit("/", 1)[1] for e in feed.entries] == ["t4", "t5"]
