"""Did-you-mean: /api/search's `suggestion`, the results page's link and the CLI line (issue 15, item 1).

Fast tier: the tiny corpus (TINY_CORPUS) and the two seed releases, indexed with the stand-ins.
"""
from urllib.parse import parse_qs, urlsplit

import pytest
from bs4 import BeautifulSoup
from click.testing import CliRunner

from web.app import create_app
from web.cli import main


@pytest.fixture(scope="module")
def seed_client(fast_seed_index, fast_embedder):
    return create_app({"INDEX_DIR": fast_seed_index, "EMBEDDER": fast_embedder, "TESTING": True}).test_client()


def _suggestion(client, q: str, **params) -> str | None:
    res = client.get("/api/search", query_string={"q": q, **params})
    assert res.status_code == 200
    body = res.get_json()
    assert "suggestion" in body  # the key is always there: null when there is nothing to suggest
    return body["suggestion"]


@pytest.mark.parametrize(("typed", "meant"), [
    ("lidr sensors", "lidar sensors"),
    ("warehose robots", "warehouse robots"),
    ("Acme Robotcs", "Acme Robotics"),  # an entity name's word, in the case typed
    ("turbnie inspection", "turbine inspection"),
    ("acqired", "acquired"),
])
def test_a_typo_gets_the_corpus_word(fast_client, typed, meant):
    assert _suggestion(fast_client, typed) == meant
    assert _suggestion(fast_client, typed, mode="keyword") == meant  # whatever the mode


@pytest.mark.parametrize("q", [
    "lidar sensors",  # known words
    "acquired",
    "garden",  # in one release only, and no frequent word is near it: a rare word that is a word stays
    '"lidr sensors"',  # a quoted phrase is searched as typed
    "lidar 2000",  # numbers are never corrected
    "wind AND turbines",  # operators are not words to correct
    "the of",  # stop words
    "zzzzqqqq",  # unknown, but nothing in the vocabulary is near it
])
def test_no_suggestion(fast_client, q):
    assert _suggestion(fast_client, q) is None


def test_empty_query_has_no_suggestion(fast_client):
    res = fast_client.get("/api/search?entity=org:Acme%20Robotics")
    assert res.status_code == 200 and res.get_json()["suggestion"] is None


def test_entity_names_are_candidates(seed_client):
    assert _suggestion(seed_client, "Qingdoa") == "Qingdao"
    assert _suggestion(seed_client, "Qingdoa Port") == "Qingdao Port"


def test_the_page_links_the_corrected_search(fast_client):
    res = fast_client.get("/search?q=lidr+sensors&mode=keyword&sort=date")
    assert res.status_code == 200
    html = BeautifulSoup(res.get_data(as_text=True), "html.parser")
    note = html.select_one("p.did-you-mean")
    assert note is not None and note.get_text(" ", strip=True) == "Did you mean lidar sensors ?"
    link = note.find("a")
    params = parse_qs(urlsplit(link["href"]).query)
    assert params["q"] == ["lidar sensors"] and params["mode"] == ["keyword"] and params["sort"] == ["date"]
    followed = fast_client.get(link["href"])
    assert followed.status_code == 200
    corrected = BeautifulSoup(followed.get_data(as_text=True), "html.parser")
    assert corrected.select_one("p.did-you-mean") is None
    assert corrected.select("li.hit")


def test_a_correct_query_shows_no_note(fast_client):
    res = fast_client.get("/search?q=lidar+sensors")
    assert "Did you mean" not in res.get_data(as_text=True)


def test_the_cli_table_prints_it(tiny_index):
    out = CliRunner().invoke(main, ["search", "lidr", "sensors", "--mode", "keyword", "--index", str(tiny_index)])
    assert out.exit_code == 0, out.output
    assert "Did you mean: lidar sensors" in out.output
    out = CliRunner().invoke(main, ["search", "lidar", "--mode", "keyword", "--index", str(tiny_index)])
    assert out.exit_code == 0 and "Did you mean" not in out.output
