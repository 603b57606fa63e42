"""Related releases (issue 15, item 3) through HTTP on the fast tier: /api/releases/<id>/related and the release
page's "Related" list, over TINY_CORPUS plus copies whose answers are known:
- t1-wire: t1 sent again on another wire the next day (same text): left out of t1's list (near-identical, days apart);
- t3-fix: "Correction: ..." of t3 with a rewritten body: left out by its title;
- t2-q3: t2's text reused for another quarter months later: listed (same template, a different announcement);
- notes/related: an id ending in "/related", still served as a release at its own URL."""
from __future__ import annotations

import json
import re
from html import unescape

import pytest

from tests.standins import NER_NAME, TINY_CORPUS
from web.app import create_app

T1, T2, T3 = TINY_CORPUS[0], TINY_CORPUS[1], TINY_CORPUS[2]
COPIES = (
    {**T1, "id": "t1-wire", "date": "2024-01-16", "source": "wire-b", "url": "https://example.com/t1-wire"},
    {**T3, "id": "t3-fix", "date": "2024-02-22", "title": "Correction: " + T3["title"],
     "body": "Borealis Sensors corrects yesterday's headcount: the Texas plant will employ 250 people, not 200."},
    {**T2, "id": "t2-q3", "date": "2024-10-10", "title": "Acme Robotics reports record quarterly revenue"},
    {"id": "notes/related", "date": "2024-04-01", "source": "wire-c", "url": "https://example.com/notes",
     "title": "Harbor Bank notes", "body": "Harbor Bank publishes notes on offshore wind lending near Oslo."},
)
# t3 scores above t5 with less similar text: it shares two entities with t1 (t5 one); t4 only shares Jane Okafor.
T1_RELATED = ["t2", "t2-q3", "t3", "t5", "t3-fix", "t4"]
RELATED_KEYS = ["id", "title", "date", "issuer", "score", "similarity", "shared"]


@pytest.fixture(scope="module")
def client(tmp_path_factory, fast_nlp, fast_embedder):
    from indexer.ingest.build import build_index

    corpus = tmp_path_factory.mktemp("related") / "related.jsonl"
    corpus.write_text("".join(json.dumps(r) + "\n" for r in TINY_CORPUS + COPIES), encoding="utf-8")
    index_dir = tmp_path_factory.mktemp("related-index")
    build_index([corpus], index_dir, nlp=fast_nlp, embedder=fast_embedder, progress=False, ner_model=NER_NAME)
    return create_app({"INDEX_DIR": index_dir, "EMBEDDER": fast_embedder, "TESTING": True}).test_client()


def related(client, rid: str, query: str = "") -> dict:
    res = client.get(f"/api/releases/{rid}/related{query}")
    assert res.status_code == 200 and res.mimetype == "application/json", res.get_data(as_text=True)
    return res.get_json()


def test_related_lists_the_closest_releases_without_itself_or_its_copies(client):
    body = related(client, "t1")
    assert list(body) == ["id", "related", "duplicates"] and body["id"] == "t1"
    ids = [r["id"] for r in body["related"]]
    assert ids == T1_RELATED
    assert "t1" not in ids and "t1-wire" not in ids
    assert body["duplicates"] == ["t1-wire"]
    first = body["related"][0]
    assert list(first) == RELATED_KEYS
    assert (first["title"], first["date"], first["issuer"]) == \
        ("Acme Robotics reports record quarterly results", "2024-02-10", "Acme Robotics")
    assert first["shared"] == {"org": ["Acme Robotics"], "person": [], "place": [], "facility": []}
    assert body["related"][2]["shared"] == {"org": ["Acme Robotics", "Borealis Sensors"], "person": [], "place": [],
                                            "facility": []}
    scores = [r["score"] for r in body["related"]]
    assert scores == sorted(scores, reverse=True) and all(s > 0 for s in scores)
    for r in body["related"]:  # similarity + 0.05 per shared entity, at most 0.2
        bonus = min(0.05 * sum(map(len, r["shared"].values())), 0.2)
        assert r["score"] == pytest.approx(r["similarity"] + bonus, abs=1e-5)


def test_the_copy_on_another_wire_lists_the_same_releases(client):
    body = related(client, "t1-wire")
    assert body["duplicates"] == ["t1"]
    assert [r["id"] for r in body["related"]] == T1_RELATED


def test_a_correction_is_left_out_by_its_title(client):
    body = related(client, "t3")
    assert [r["id"] for r in body["related"]] == ["t1", "t1-wire", "t2", "t2-q3", "t5"]  # t4, t6: nothing shared
    assert body["duplicates"] == ["t3-fix"]
    fix = related(client, "t3-fix")
    assert fix["duplicates"] == ["t3"] and "t3" not in [r["id"] for r in fix["related"]]


def test_the_same_template_months_apart_is_listed(client):
    body = related(client, "t2")
    assert body["related"][0]["id"] == "t2-q3" and body["related"][0]["similarity"] >= 0.97
    assert body["duplicates"] == []


def test_limit(client):
    assert [r["id"] for r in related(client, "t1", "?limit=2")["related"]] == ["t2", "t2-q3"]
    assert [r["id"] for r in related(client, "t1", "?limit=50")["related"]] == T1_RELATED
    assert [r["id"] for r in related(client, "t1", "?limit=")["related"]] == T1_RELATED  # empty: the default
    for bad, message in [("0", "'limit' must be from 1 to 50 (got 0)"), ("51", "'limit' must be from 1 to 50 (got 51)"),
                         ("x", "'limit' must be a whole number from 1 to 50 (got 'x')")]:
        res = client.get(f"/api/releases/t1/related?limit={bad}")
        assert res.status_code == 400 and res.get_json()["error"]["message"] == message
    res = client.get("/api/releases/t1/related?q=robots")
    assert res.status_code == 400 and "unknown parameter 'q'" in res.get_json()["error"]["message"]


def test_an_unknown_id_is_a_404(client):
    res = client.get("/api/releases/nope/related")
    assert res.status_code == 404
    assert res.get_json() == {"error": {"status": 404, "message": "no release with id 'nope'"}}


def test_an_id_ending_in_related_is_still_its_release(client):
    res = client.get("/api/releases/notes/related")
    assert res.status_code == 200 and res.get_json()["id"] == "notes/related"
    assert client.get("/api/releases/notes/related?limit=2").status_code == 400  # the release takes no parameters
    assert related(client, "notes/related")["id"] == "notes/related"


def test_the_release_page_shows_the_related_list(client):
    html = client.get("/releases/t1").get_data(as_text=True)
    section = html[html.index('<section class="related"'):]
    section = section[:section.index("</section>")]
    listed = re.findall(r'<li class="hit" data-id="([^"]+)"><a class="title" href="([^"]+)">([^<]+)</a>', section)
    assert [(rid, unescape(href)) for rid, href, _ in listed] == \
        [(rid, f"/releases/{rid}") for rid in T1_RELATED]
    assert unescape(listed[0][2]) == "Acme Robotics reports record quarterly results"
    assert "shares Acme Robotics, Borealis Sensors" in section
    assert '1 other version of this announcement left out' in section and 'href="/releases/t1-wire"' in section
    assert "version" not in client.get("/releases/t6").get_data(as_text=True)  # no copies, no line about them
