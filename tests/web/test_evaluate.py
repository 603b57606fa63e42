"""Relevance evaluation on a tiny BEIR folder written in the test, with metrics computed by hand."""
import json
import math

import pytest
from click.testing import CliRunner

from search.evaluate import EvaluationError, format_table, load_beir, mode_parameters, score_run
from web.evaluate import evaluate

DOCS = [
    ("d1", "Apple harvest", "Orchards report a record apple harvest this autumn."),
    ("d2", "Copper mine", "The copper mine expanded output."),
    ("d3", "Shipping port", "The port handled more containers."),
    ("d4", "Solar farm", "A solar farm opened near the coast."),
    ("d5", "Wheat prices", "Wheat prices fell on strong supply."),
]
QUERIES = {
    "q1": "copper mine output",  # keyword: [d2]; relevant d2 → nDCG 1, R 1, RR 1
    "q2": "solar farm",  # keyword: [d4]; relevant d4, d1 → nDCG 1/(1 + 1/log2 3), R 0.5, RR 1
    "q3": "wheat supply port",  # keyword: [d5, d3]; relevant d3 → nDCG 1/log2 3, R 1, RR 0.5
    "q4": "zebra",  # keyword: no hits; relevant d1 → all 0
    "q9": "not judged in this split",
}
QRELS = [("q1", "d2", 1), ("q2", "d4", 1), ("q2", "d1", 1), ("q3", "d3", 1), ("q4", "d1", 1)]
INV_LOG2_3 = 1 / math.log2(3)
EXPECTED_KEYWORD = {
    "ndcg@10": (1 + 1 / (1 + INV_LOG2_3) + INV_LOG2_3 + 0) / 4,
    "recall@100": (1 + 0.5 + 1 + 0) / 4,
    "mrr@10": (1 + 1 + 0.5 + 0) / 4,
}


@pytest.fixture()
def beir_dir(tmp_path):
    root = tmp_path / "tiny"
    (root / "qrels").mkdir(parents=True)
    with open(root / "corpus.jsonl", "w", encoding="utf-8") as fh:
        for doc_id, title, text in DOCS:
            fh.write(json.dumps({"_id": doc_id, "title": title, "text": text}) + "\n")
    with open(root / "queries.jsonl", "w", encoding="utf-8") as fh:
        for qid, text in QUERIES.items():
            fh.write(json.dumps({"_id": qid, "text": text, "split": "test"}) + "\n")
    (root / "qrels" / "test.tsv").write_text(
        "query-id\tcorpus-id\tscore\n" + "".join(f"{q}\t{d}\t{s}\n" for q, d, s in QRELS), encoding="utf-8")
    return root


def test_score_run_by_hand():
    qrels = {"a": {"x": 1}, "b": {"y": 1, "z": 1}, "c": {"w": 1}}
    run = {
        "a": ["x"],
        "b": [f"n{i}" for i in range(10)] + ["y"],  # y at rank 11: counts for recall, not nDCG@10/MRR@10
        # "c" has no run at all: scores 0
    }
    scores = score_run(run, qrels)
    assert scores == pytest.approx({"ndcg@10": 1 / 3, "recall@100": (1 + 0.5 + 0) / 3, "mrr@10": 1 / 3})


def test_score_run_keeps_our_order_not_the_ids_order():
    # trec_eval breaks score ties by id; the run's own order must decide.
    assert score_run({"a": ["b", "a"]}, {"a": {"a": 1}})["mrr@10"] == pytest.approx(0.5)


def test_keyword_metrics_on_a_tiny_folder_match_hand_computation(beir_dir, tmp_path, nlp, embedder):
    cache = tmp_path / "cache"
    report = evaluate(beir_dir, modes=["keyword"], cache_dir=cache, nlp=nlp, embedder=embedder, progress=False)
    assert report["dataset"] == "tiny" and report["split"] == "test" and report["queries"] == 4
    assert report["modes"]["keyword"] == pytest.approx(EXPECTED_KEYWORD)
    version = (cache / "CURRENT").read_text()
    # Same corpus: the cached index is reused, not rebuilt.
    again = evaluate(beir_dir, modes=["keyword", "semantic", "hybrid-convex-alpha0.3"], cache_dir=cache, nlp=nlp,
                     embedder=embedder, progress=False)
    assert (cache / "CURRENT").read_text() == version
    assert again["modes"]["keyword"] == report["modes"]["keyword"]
    assert set(again["modes"]) == {"keyword", "semantic", "hybrid-convex-alpha0.3"}
    assert again["modes"]["semantic"]["ndcg@10"] > 0.5  # copper mine / solar farm are unmistakable by meaning
    # An index from an older keyword schema: only the keyword index is rewritten; vectors and catalog are copied.
    side = cache / "beir-corpus.json"
    recorded = json.loads(side.read_text())
    side.write_text(json.dumps({**recorded, "keyword_schema": 1}))
    vectors = (cache / "versions" / version.strip() / "vectors.faiss").read_bytes()
    refreshed = evaluate(beir_dir, modes=["keyword"], cache_dir=cache, nlp=nlp, embedder=embedder, progress=False)
    version = (cache / "CURRENT").read_text()
    assert version != recorded["version"] and json.loads(side.read_text())["version"] == version.strip()
    assert (cache / "versions" / version.strip() / "vectors.faiss").read_bytes() == vectors
    assert refreshed["modes"]["keyword"] == report["modes"]["keyword"]
    # A changed corpus is rebuilt: d2 no longer says copper, mine or output, so q1 loses its only keyword hit.
    corpus = beir_dir / "corpus.jsonl"
    corpus.write_text(corpus.read_text().replace("Copper mine", "Quarry").replace("copper mine expanded output",
                                                                                  "quarry grew"))
    changed = evaluate(beir_dir, modes=["keyword"], cache_dir=cache, nlp=nlp, embedder=embedder, progress=False)
    assert (cache / "CURRENT").read_text() != version
    assert changed["modes"]["keyword"]["recall@100"] == pytest.approx((0 + 0.5 + 1 + 0) / 4)


def test_cli_prints_the_table_and_writes_json(beir_dir, tmp_path, nlp, embedder):
    from web.cli import main

    out = tmp_path / "scores.json"
    result = CliRunner().invoke(main, ["evaluate", str(beir_dir), "--modes", "keyword", "--json", str(out),
                                       "--index", str(tmp_path / "cache"), "--quiet"])
    assert result.exit_code == 0, result.output
    assert "nDCG@10".lower() in result.output.lower() and "keyword" in result.output
    written = json.loads(out.read_text())
    assert written["dataset"] == "tiny" and written["split"] == "test"
    assert written["modes"]["keyword"] == pytest.approx(EXPECTED_KEYWORD)


def test_bad_folders_and_modes_are_clear_errors(beir_dir, tmp_path):
    with pytest.raises(EvaluationError, match="corpus.jsonl is missing"):
        load_beir(tmp_path)
    with pytest.raises(EvaluationError, match="no relevance judgments at .*train.tsv"):
        load_beir(beir_dir, "train")
    with pytest.raises(EvaluationError, match="unknown mode 'fuzzy'"):
        mode_parameters("fuzzy")
    with pytest.raises(EvaluationError, match="unknown option 'max'"):
        mode_parameters("hybrid-max")
    assert mode_parameters("hybrid-convex-alpha0.3-exact0") == {
        "mode": ["hybrid"], "fusion": ["convex"], "alpha": ["0.3"], "exact": ["0"]}
    from web.cli import main

    result = CliRunner().invoke(main, ["evaluate", str(beir_dir), "--modes", "hybrid-alpha2"])
    assert result.exit_code != 0 and "'alpha' must be from 0 to 1 (got 2)" in result.output


# -- a set judged over the product's own releases: corpus.json names the releases file, ids are release ids ---------

RELEASE_QUERIES = {"r1": "garden volunteers", "r2": "turbine inspection", "r3": "zebra"}
# r2's grade-2 release is not in the corpus: it counts as a miss and the report says one relevant release is missing.
RELEASE_QRELS = [("r1", "t6", 2), ("r1", "t2", 0), ("r2", "t5", 1), ("r2", "elsewhere", 2), ("r3", "t1", 1)]
EXPECTED_RELEASES_KEYWORD = {
    "ndcg@10": (1 + 1 / (2 + INV_LOG2_3) + 0) / 3,  # trec_eval's gain is the grade: ideal [2, 1], found [1]
    "recall@100": (1 + 0.5 + 0) / 3,
    "mrr@10": (1 + 1 + 0) / 3,
}


@pytest.fixture()
def releases_set(tmp_path):
    from tests.standins import write_tiny_corpus

    (tmp_path / "data").mkdir()
    corpus = write_tiny_corpus(tmp_path / "data" / "tiny.jsonl")
    root = tmp_path / "set"
    (root / "qrels").mkdir(parents=True)
    (root / "corpus.json").write_text(json.dumps({"releases": "../data/tiny.jsonl"}), encoding="utf-8")
    (root / "queries.jsonl").write_text("".join(json.dumps({"_id": q, "text": t}) + "\n"
                                                for q, t in RELEASE_QUERIES.items()), encoding="utf-8")
    (root / "qrels" / "test.tsv").write_text(
        "query-id\tcorpus-id\tscore\n" + "".join(f"{q}\t{d}\t{s}\n" for q, d, s in RELEASE_QRELS), encoding="utf-8")
    return root, corpus


def test_a_set_over_releases_is_scored_on_an_index_of_them(releases_set, tmp_path, fast_nlp, fast_embedder):
    root, corpus = releases_set
    dataset = load_beir(root)
    assert dataset.releases and dataset.corpus.resolve() == corpus.resolve()
    cache = tmp_path / "index"
    report = evaluate(root, modes=["keyword", "hybrid"], cache_dir=cache, nlp=fast_nlp, embedder=fast_embedder,
                      progress=False)
    assert report["queries"] == 3 and report["unindexed_relevant"] == 1
    assert report["modes"]["keyword"] == pytest.approx(EXPECTED_RELEASES_KEYWORD)
    assert "note: 1 judged-relevant releases are not in this index" in format_table(report)
    # An index already there is used as it is, never rebuilt or written to.
    version = (cache / "CURRENT").read_text()
    files = sorted((p.name, p.stat().st_mtime_ns) for p in cache.rglob("*"))
    again = evaluate(root, modes=["keyword"], cache_dir=cache, nlp=fast_nlp, embedder=fast_embedder, progress=False)
    assert again["modes"]["keyword"] == report["modes"]["keyword"]
    assert (cache / "CURRENT").read_text() == version
    assert sorted((p.name, p.stat().st_mtime_ns) for p in cache.rglob("*")) == files


def test_a_bad_corpus_pointer_is_a_clear_error(releases_set):
    root, _ = releases_set
    (root / "corpus.json").write_text(json.dumps({"releases": "../data/missing.jsonl"}), encoding="utf-8")
    with pytest.raises(EvaluationError, match="names ../data/missing.jsonl, which is not a file"):
        load_beir(root)
    (root / "corpus.json").write_text("[1, 2]", encoding="utf-8")
    with pytest.raises(EvaluationError, match='must be a JSON object naming the releases'):
        load_beir(root)


def test_the_projects_relevance_set_reads(tmp_path):
    """bench/data/relevance: every judged query has text, both splits read, and no query is in both."""
    from pathlib import Path

    folder = Path(__file__).parents[2] / "bench" / "data" / "relevance"
    if not (folder / json.loads((folder / "corpus.json").read_text())["releases"]).is_file():
        pytest.skip("the press releases are not here")
    train, test = load_beir(folder, "train"), load_beir(folder, "test")
    assert len(train.queries) >= 25 and len(test.queries) >= 25 and not set(train.queries) & set(test.queries)
    assert all(any(g > 0 for g in docs.values()) for docs in (train.qrels | test.qrels).values())
