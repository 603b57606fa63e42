import json

import pytest

from tests.standins import NER_NAME
from tests.web.hostile import HOSTILE_URLS
from web.app import create_app


@pytest.fixture(scope="module")
def client(seed_index, embedder):
    app = create_app({"INDEX_DIR": seed_index, "EMBEDDER": embedder, "TESTING": True})
    return app.test_client()


@pytest.fixture(scope="module")
def hostile_client(tmp_path_factory, fast_nlp, fast_embedder):
    """Releases an attacker wrote (issue 18): a url per HOSTILE_URLS entry (u0, u1, ...) and one dated 9999-12-31."""
    from indexer.ingest.build import build_index

    corpus = tmp_path_factory.mktemp("hostile") / "hostile.jsonl"
    rows = [{"id": f"u{n}", "date": "2024-05-01", "url": url, "title": f"Hostile link {n}",
             "body": f"Acme Robotics release number {n} with a link."} for n, url in enumerate(HOSTILE_URLS)]
    rows.append({"id": "last-day", "date": "9999-12-31", "url": "https://example.com/last", "title": "The last day",
                 "body": "Acme Robotics looks far ahead to the last day of the calendar."})
    corpus.write_text("".join(json.dumps(r) + "\n" for r in rows), encoding="utf-8")
    index_dir = tmp_path_factory.mktemp("hostile-index")
    build_index([corpus], index_dir, nlp=fast_nlp, embedder=fast_embedder, progress=False, ner_model=NER_NAME)
    return create_app({"INDEX_DIR": index_dir, "EMBEDDER": fast_embedder, "TESTING": True}).test_client()
