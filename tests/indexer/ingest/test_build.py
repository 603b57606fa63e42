"""Building index versions with the real pipeline: summaries, skipped files, publishing."""
import shutil
from pathlib import Path

import pytest

from indexer.store import layout
from indexer.ingest.build import BuildError, build_index
from search.engine import Engine
from search.request import SearchRequest
from web.app import create_app

SEEDS = Path(__file__).resolve().parents[3] / "seeds"


@pytest.fixture(scope="module")
def messy_index(tmp_path_factory, nlp, embedder):
    src = tmp_path_factory.mktemp("messy")
    shutil.copytree(SEEDS, src / "seeds")
    (src / "empty.txt").write_text("")
    (src / "binary.txt").write_bytes(b"\x00\x01\x02hello")
    (src / "latin1.txt").write_bytes("Caf\xe9 news".encode("latin-1"))
    (src / "broken.jsonl").write_text('{"id": "j1", "title": "Port deal", "body": "A port deal."}\n{not json\n')
    (src / "xss.txt").write_text("Evil <script>alert(1)</script> release\n\nJune 1, 2024\n\n"
                                 "The <script>alert(1)</script> body mentions Qingdao Port.\n")
    index_dir = tmp_path_factory.mktemp("messy-index")
    summary = build_index([src], index_dir, nlp=nlp, embedder=embedder, progress=False)
    return index_dir, summary


def test_bad_files_are_reported_and_skipped_and_nothing_valid_is_lost(messy_index):
    index_dir, summary = messy_index
    assert summary.releases == 4  # two seeds, the valid JSONL line, the xss release
    origins = sorted(p.origin.rsplit("/", 1)[-1] for p in summary.problems)
    assert origins == ["binary.txt", "broken.jsonl:2", "empty.txt", "latin1.txt"]
    report = summary.report()
    assert "skipped 4" in report and "broken.jsonl:2" in report and "Indexed 4 releases" in report
    assert set(summary.seconds) == {"parse", "load models", "ner", "names", "embed", "keyword index", "impacts",
                                    "write", "publish"}
    manifest = layout.read_json(summary.version / layout.MANIFEST)
    assert manifest["releases"] == 4 and manifest["skipped"] == 4 and manifest["dimensions"] == 384


def test_release_text_is_escaped_in_html(messy_index, embedder):
    index_dir, _ = messy_index
    client = create_app({"INDEX_DIR": index_dir, "EMBEDDER": embedder}).test_client()
    html = client.get("/search?q=evil+release").get_data(as_text=True)
    assert "<script>alert(1)</script>" not in html
    assert "Evil &lt;script&gt;alert(1)&lt;/script&gt; release" in html
    page = client.get("/releases/xss").get_data(as_text=True)
    assert "<script>" not in page and "The &lt;script&gt;alert(1)&lt;/script&gt; body" in page


def test_rebuild_publishes_a_new_version_and_a_failed_build_keeps_the_old(tmp_path, nlp, embedder):
    first = build_index([SEEDS], tmp_path, nlp=nlp, embedder=embedder, progress=False)
    assert layout.current_version(tmp_path) == first.version
    with pytest.raises(BuildError, match="nothing to index"):
        build_index([tmp_path / "missing"], tmp_path, nlp=nlp, embedder=embedder, progress=False)
    assert layout.current_version(tmp_path) == first.version
    second = build_index([SEEDS / "004_adb0e8ee3c5d47dd.txt"], tmp_path, nlp=nlp, embedder=embedder, progress=False)
    assert layout.current_version(tmp_path) == second.version != first.version
    assert Engine.open(tmp_path, embedder=embedder).search(SearchRequest()).total == 1
    assert not list((tmp_path / layout.VERSIONS).glob(layout.BUILD_PREFIX + "*"))


def test_query_with_another_model_is_a_clear_error(seed_index, embedder):
    from dataclasses import replace

    from search.engine import IndexMismatch

    with pytest.raises(IndexMismatch, match="built with embedding model 'all-MiniLM-L6-v2'"):
        Engine.open(seed_index, embedder=replace(embedder, name="other-model"))


def test_missing_index_says_how_to_build(tmp_path):
    with pytest.raises(layout.IndexNotFound, match="announcements index"):
        layout.current_version(tmp_path)


def test_a_build_ships_its_bm25f_impacts_and_the_server_does_not_recompute_them(messy_index):
    index_dir, _ = messy_index
    version = layout.current_version(index_dir)
    impacts = version / layout.IMPACTS
    assert impacts.is_file()
    written = impacts.stat().st_mtime_ns
    engine = Engine.open(index_dir)
    assert engine.search(SearchRequest(q="port deal", mode="keyword")).total >= 1
    assert impacts.stat().st_mtime_ns == written


class _FailingEmbedder:
    """Stands in for the real embedder (tested everywhere else) to make the embedding stage fail mid-build."""
    name, dim, precision = "all-MiniLM-L6-v2", 384, "fp32"

    def encode(self, texts):
        raise RuntimeError("embedding failed")


def test_a_failed_embedding_stops_the_keyword_thread_and_leaves_nothing(tmp_path, nlp, embedder):
    index_dir = tmp_path / "index"
    build_index([SEEDS], index_dir, nlp=nlp, embedder=embedder, progress=False)
    live = layout.current_version(index_dir)
    with pytest.raises(RuntimeError, match="embedding failed"):
        build_index([SEEDS], index_dir, nlp=nlp, embedder=_FailingEmbedder(), progress=False)
    assert layout.current_version(index_dir) == live  # the old version still serves
    assert sorted(p.name for p in (index_dir / "versions").iterdir()) == [live.name]  # no half-written build
