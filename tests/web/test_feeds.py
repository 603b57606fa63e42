"""Atom feeds (issue 15, item 6) through HTTP, read back by a real feed parser (feedparser): a search's feed and an
entity's, newest first, valid Atom with what a reader needs, the filtered-out releases absent, and the HTML pages
announcing them."""
from __future__ import annotations

import json
import re
from html import unescape

import feedparser
import pytest

from tests.standins import NER_NAME
from web.app import create_app

ATOM = "application/atom+xml"


def _feed(client, path: str):
    res = client.get(path)
    assert res.status_code == 200, res.get_data(as_text=True)[:300]
    assert res.mimetype == ATOM
    feed = feedparser.parse(res.get_data())
    assert not feed.bozo, feed.get("bozo_exception")  # well-formed XML
    assert feed.version == "atom10"
    return feed


def _alternate(links) -> str:
    [link] = [link.href for link in links if link.rel == "alternate"]
    return link


def test_search_feed_is_atom_newest_first_with_everything_a_reader_needs(fast_client):
    feed = _feed(fast_client, "/search.atom?q=Acme+Robotics&mode=keyword")
    search = fast_client.get("/api/search?q=Acme+Robotics&mode=keyword&sort=date&limit=100").get_json()
    assert [e.id for e in feed.entries] == [f"tag:announcements-search,2026:release/{h['id']}" for h in search["hits"]]
    assert [h["id"] for h in search["hits"]] == ["t3", "t2", "t1", "t5"]  # t5 is undated: last
    assert feed.feed.title == "Announcements: “Acme Robotics”"
    assert feed.feed.id.startswith("tag:announcements-search,2026:search?") and "q=Acme+Robotics" in feed.feed.id
    assert _alternate(feed.feed.links) == "http://localhost/search?q=Acme+Robotics&mode=keyword&sort=date"
    [self_link] = [link.href for link in feed.feed.links if link.rel == "self"]
    assert self_link == "http://localhost/search.atom?q=Acme+Robotics&mode=keyword"
    created = fast_client.get("/healthz").get_json()["created"]
    assert feed.feed.updated == created  # the index version's creation: a feed changes only with a new version
    first = feed.entries[0]
    assert first.title == "Borealis Sensors opens a lidar factory in Texas"
    assert _alternate(first.links) == "http://localhost/releases/t3"
    assert first.updated == "2024-02-20T00:00:00+00:00" and first.published == first.updated
    assert first.author == "Borealis Sensors"
    assert "Acme Robotics" in unescape(first.summary) and first.summary_detail.type == "text/html"
    for entry in feed.entries:
        assert entry.id and entry.title and entry.link and entry.updated and entry.summary
    undated = feed.entries[-1]
    assert "published" not in undated and undated.updated == created  # an undated release: the version's creation


def test_filtered_out_releases_are_not_in_the_feed(fast_client):
    feed = _feed(fast_client, "/search.atom?q=wind&mode=keyword&entity=org:Acme+Robotics")
    assert [e.link for e in feed.entries] == ["http://localhost/releases/t5"]  # t4 says wind, names no Acme Robotics
    feed = _feed(fast_client, "/search.atom?category=product")
    assert {e.link.rsplit("/", 1)[1] for e in feed.entries} == {"t3"}
    assert _feed(fast_client, "/search.atom?q=zeppelin&mode=keyword").entries == []


def test_paging_and_sort_do_not_change_a_feed(fast_client):
    plain = _feed(fast_client, "/search.atom")  # an empty search: every release, newest first
    assert [e.link.rsplit("/", 1)[1] for e in plain.entries] == ["t6", "t4", "t3", "t2", "t1", "t5"]
    paged = _feed(fast_client, "/search.atom?sort=relevance&limit=1&offset=3&explain=1")
    assert [e.id for e in paged.entries] == [e.id for e in plain.entries]


def test_entity_feed_lists_its_releases_newest_first(fast_client):
    feed = _feed(fast_client, "/feeds/entities/org/Northwind%20Energy")
    assert [e.link.rsplit("/", 1)[1] for e in feed.entries] == ["t4", "t5"]
    assert feed.feed.title == "Announcements naming Northwind Energy (org)"
    assert _alternate(feed.feed.links) == "http://localhost/entities/org/Northwind%20Energy"
    assert feed.feed.id == "tag:announcements-search,2026:entity/org/Northwind%20Energy"
    assert feed.entries[0].summary.startswith("OSLO, March 5, 2024 - Harbor Bank will lend")
    profile = fast_client.get("/api/entities/org/Northwind%20Energy").get_json()
    assert [e.link.rsplit("/", 1)[1] for e in feed.entries] == profile["release_ids"]


@pytest.mark.parametrize(("path", "status"), [
    ("/feeds/entities/org/Nobody%20Inc", 404), ("/feeds/entities/planet/Mars", 404),
    ("/feeds/entities/org/Northwind%20Energy?x=1", 400), ("/search.atom?limit=0", 400),
    ("/search.atom?mode=fuzzy", 400), ("/search.atom?format=rss", 400),
])
def test_bad_feed_requests_are_errors(fast_client, path, status):
    assert fast_client.get(path).status_code == status


def test_pages_announce_their_feeds(fast_client):
    html = fast_client.get("/search?q=wind&mode=keyword&entity=org:Acme+Robotics&offset=0&sort=relevance").get_data(
        as_text=True)
    [head_link] = re.findall(r'<link rel="alternate" type="application/atom\+xml"[^>]* href="([^"]+)"', html)
    [visible] = re.findall(r'<a class="feed" href="([^"]+)"[^>]*>Feed</a>', html)
    assert unescape(head_link) == unescape(visible) == "/search.atom?q=wind&mode=keyword&entity=org%3AAcme+Robotics"
    assert [e.link.rsplit("/", 1)[1] for e in _feed(fast_client, unescape(visible)).entries] == ["t5"]
    html = fast_client.get("/entities/org/Northwind%20Energy").get_data(as_text=True)
    [head_link] = re.findall(r'<link rel="alternate" type="application/atom\+xml"[^>]* href="([^"]+)"', html)
    [visible] = re.findall(r'<a class="feed" href="([^"]+)"[^>]*>Feed</a>', html)
    assert head_link == visible == "/feeds/entities/org/Northwind%20Energy"
    assert "application/atom+xml" not in fast_client.get("/").get_data(as_text=True)  # no search, no feed


@pytest.fixture(scope="module")
def messy_client(tmp_path_factory, fast_nlp, fast_embedder):
    """Releases whose titles hold characters XML cannot (a control character), markup and an unsafe link."""
    from indexer.ingest.build import build_index

    corpus = tmp_path_factory.mktemp("messy") / "messy.jsonl"
    rows = [{"id": "m1", "date": "2024-05-01", "title": "Acme Robotics \u0007bell <b>bold</b> & co",
             "url": "javascript:alert(1)", "body": "Acme Robotics says <script>alert(1)</script> & more."},
            {"id": "m/2 x", "date": "2024-05-02", "title": "Acme Robotics second", "url": "https://example.com/2",
             "body": "Acme Robotics again."}]
    corpus.write_text("".join(json.dumps(r) + "\n" for r in rows), encoding="utf-8")
    index_dir = tmp_path_factory.mktemp("messy-index")
    build_index([corpus], index_dir, nlp=fast_nlp, embedder=fast_embedder, progress=False, ner_model=NER_NAME)
    return create_app({"INDEX_DIR": index_dir, "EMBEDDER": fast_embedder, "TESTING": True}).test_client()


def test_untrusted_text_stays_text_in_a_feed(messy_client):
    for path in ("/search.atom?q=Acme", "/feeds/entities/org/Acme%20Robotics"):
        feed = _feed(messy_client, path)
        by_id = {e.id.rsplit("/", 1)[1]: e for e in feed.entries}
        assert set(by_id) == {"m1", "m%2F2%20x"}
        m1 = by_id["m1"]
        assert "\u0007" not in m1.title and "<b>bold</b>" in m1.title  # a title is text: the markup is shown as typed
        assert "<script>" not in m1.summary  # the summary is escaped HTML: the script is text, not a tag
        assert b"&amp;lt;script&amp;gt;" in messy_client.get(path).get_data()  # escaped as HTML, then as XML
        assert [(link.rel, link.href) for link in m1.links] == [("alternate", "http://localhost/releases/m1")]
        assert by_id["m%2F2%20x"].link == "http://localhost/releases/m/2%20x"
