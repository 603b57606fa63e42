"""Export (issue 15, item 5): /api/search.csv and /api/search.jsonl stream the whole result list through HTTP, with
the search's parameters and 400s; CSV cells are safe in a spreadsheet; the results page links to both."""
from __future__ import annotations

import csv
import io
import json
import re
from html import unescape

import pytest

from search.export import export_batches
from search.request import SearchRequest
from tests.standins import NER_NAME
from web.app import create_app

ENTITY_COLUMNS = ["org", "person", "place", "facility"]
HEADER = ["id", "date", "title", "issuer", "source", "url", "score", "category", *ENTITY_COLUMNS]


def _csv(res) -> list[dict[str, str]]:
    return list(csv.DictReader(io.StringIO(res.get_data(as_text=True))))


def _jsonl(res) -> list[dict]:
    return [json.loads(line) for line in res.get_data(as_text=True).splitlines()]


def test_csv_holds_the_search_result_list_with_entities_per_type(fast_client):
    res = fast_client.get("/api/search.csv?q=lidar&mode=keyword")
    assert res.status_code == 200 and res.mimetype == "text/csv" and res.mimetype_params == {"charset": "utf-8"}
    assert res.is_streamed
    assert res.headers["Content-Disposition"] == 'attachment; filename="announcements.csv"'
    text = res.get_data(as_text=True)
    assert text.splitlines()[0].split(",") == [f'"{h}"' for h in HEADER] and "\r\n" in text
    rows = _csv(res)
    search = fast_client.get("/api/search?q=lidar&mode=keyword&limit=100").get_json()
    assert [r["id"] for r in rows] == [h["id"] for h in search["hits"]] == ["t3", "t1"]
    t3 = rows[0]
    assert {k: t3[k] for k in ("date", "title", "issuer", "source", "url", "category")} == {
        "date": "2024-02-20", "title": "Borealis Sensors opens a lidar factory in Texas", "issuer": "Borealis Sensors",
        "source": "wire-b", "url": "https://example.com/t3", "category": "product"}
    assert float(t3["score"]) == pytest.approx(search["hits"][0]["score"], abs=1e-6)
    assert (t3["org"], t3["person"], t3["place"], t3["facility"]) == \
        ("Borealis Sensors; Acme Robotics", "", "Texas", "")


def test_jsonl_streams_every_release_and_paging_does_not_cut_it(fast_client):
    res = fast_client.get("/api/search.jsonl?limit=1&offset=3")  # an empty query: every release, newest first
    assert res.status_code == 200 and res.mimetype == "application/x-ndjson" and res.is_streamed
    rows = _jsonl(res)
    assert [r["id"] for r in rows] == ["t6", "t4", "t3", "t2", "t1", "t5"]  # t5 is undated: last
    assert list(rows[0]) == ["id", "date", "title", "issuer", "source", "url", "score", "category", "entities"]
    hits = fast_client.get("/api/search?limit=100").get_json()["hits"]
    assert rows == [{k: h[k] for k in rows[0]} for h in hits]  # the search's hits, without snippets
    t4 = next(r for r in rows if r["id"] == "t4")
    assert t4["entities"]["facility"] == ["Oslo Harbour Terminal"] and t4["entities"]["person"] == ["Jane Okafor"]
    assert rows[-1]["date"] is None


def test_filters_apply_and_filtered_out_releases_are_absent(fast_client):
    rows = _jsonl(fast_client.get("/api/search.jsonl?q=wind&mode=keyword&entity=org:Acme+Robotics"))
    assert [r["id"] for r in rows] == ["t5"]  # t4 says wind but does not name Acme Robotics
    rows = _csv(fast_client.get("/api/search.csv?category=product&date_from=2024-02-01&date_to=2024-02-29"))
    assert [r["id"] for r in rows] == ["t3"]


def test_no_match_is_a_header_alone(fast_client):
    assert fast_client.get("/api/search.csv?q=zeppelin&mode=keyword").get_data(as_text=True).splitlines() == \
        [",".join(f'"{h}"' for h in HEADER)]
    assert fast_client.get("/api/search.jsonl?q=zeppelin&mode=keyword").get_data() == b""


@pytest.mark.parametrize("path", ["/api/search.csv", "/api/search.jsonl"])
@pytest.mark.parametrize(("query", "message"), [
    ("limit=0", "'limit' must be from 1 to 100 (got 0)"),
    ("mode=fuzzy", "'mode' must be one of hybrid, keyword, semantic (got 'fuzzy')"),
    ("format=xml", "unknown parameter 'format'"),
])
def test_bad_parameters_are_the_search_api_400s(fast_client, path, query, message):
    res = fast_client.get(f"{path}?{query}")
    assert res.status_code == 400 and res.mimetype == "application/json"
    assert res.get_json()["error"]["message"].startswith(message)


def test_rows_are_built_in_batches_of_the_ranked_run(tiny_engine):
    request = SearchRequest()
    run = tiny_engine.ranked(request)
    assert len(run) == tiny_engine.search(request).total == 6
    batches = list(export_batches(tiny_engine, run, batch=4))
    assert [len(b) for b in batches] == [4, 2]
    assert [r.id for b in batches for r in b] == [h.id for h in tiny_engine.search(SearchRequest(limit=6)).hits]


FORMULAS = ["=HYPERLINK(\"http://evil.example\",\"x\")", "+1+2", "-2+3", "@SUM(A1:A2)", "\tTabbed", "＝ full width"]


@pytest.fixture(scope="module")
def formula_client(tmp_path_factory, fast_nlp, fast_embedder):
    """Releases whose title, source and url start as a spreadsheet formula would."""
    from indexer.ingest.build import build_index

    corpus = tmp_path_factory.mktemp("formulas") / "formulas.jsonl"
    rows = [{"id": f"f{n}", "date": "2024-05-01", "title": title, "source": "=cmd|' /C calc'!A0",
             "url": "@https://example.com", "body": f"Acme Robotics release {n}."} for n, title in enumerate(FORMULAS)]
    corpus.write_text("".join(json.dumps(r) + "\n" for r in rows), encoding="utf-8")
    index_dir = tmp_path_factory.mktemp("formula-index")
    build_index([corpus], index_dir, nlp=fast_nlp, embedder=fast_embedder, progress=False, ner_model=NER_NAME)
    return create_app({"INDEX_DIR": index_dir, "EMBEDDER": fast_embedder, "TESTING": True}).test_client()


def test_csv_cells_never_start_a_formula(formula_client):
    rows = _csv(formula_client.get("/api/search.csv"))
    assert len(rows) == len(FORMULAS)
    for row in rows:
        for name in HEADER + ENTITY_COLUMNS:
            assert not row[name].startswith(("=", "+", "-", "@", "\t", "\r", "＝")), (name, row[name])
    # The tab is stripped at ingest with the title's other surrounding space; the rest keep their first character.
    assert sorted(r["title"] for r in rows) == sorted(["'=HYPERLINK(\"http://evil.example\",\"x\")", "'+1+2", "'-2+3",
                                                       "'@SUM(A1:A2)", "Tabbed", "'＝ full width"])
    assert {r["source"] for r in rows} == {"'=cmd|' /C calc'!A0"} and {r["url"] for r in rows} == {"'@https://example.com"}
    jsonl = _jsonl(formula_client.get("/api/search.jsonl"))  # JSON is not a spreadsheet: the text as it is
    assert {r["source"] for r in jsonl} == {"=cmd|' /C calc'!A0"}


def test_results_page_links_to_the_export_of_its_search(fast_client):
    html = fast_client.get("/search?q=wind&mode=keyword&entity=org:Acme+Robotics&offset=0&limit=5").get_data(
        as_text=True)
    links = {m.group(1): unescape(m.group(2)) for m in re.finditer(r'class="export-(\w+)" href="([^"]+)"', html)}
    assert links == {"csv": "/api/search.csv?q=wind&mode=keyword&entity=org%3AAcme+Robotics",
                     "jsonl": "/api/search.jsonl?q=wind&mode=keyword&entity=org%3AAcme+Robotics"}
    assert [r["id"] for r in _csv(fast_client.get(links["csv"]))] == ["t5"]
