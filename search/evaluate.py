"""Relevance on a BEIR-format folder, measured through the product's own build and search paths.

The corpus is converted to the product's JSONL release format, indexed with `indexer.build.build_index`, and every
query goes through `Engine.search` with parameters parsed by `search.request.parse_request`, exactly as an API call.
Metrics come from trec_eval (pytrec-eval-terrier).
"""
from __future__ import annotations

import csv
import hashlib
import json
import shutil
import tempfile
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Callable, Iterator, Mapping, Sequence

import pytrec_eval

from indexer import layout
from indexer.build import build_index, rebuild_keyword_index
from indexer.embeddings import DEFAULT_EMBEDDING_MODEL
from indexer.entities import DEFAULT_NER_MODEL, NER_WORDS
from indexer.keyword_index import SCHEMA_VERSION as KEYWORD_SCHEMA
from indexer.passages import MAX_PASSAGES, PASSAGE_OVERLAP, PASSAGE_WORDS
from search.engine import Engine
from search.request import MAX_LIMIT, parse_request

METRICS = ("ndcg@10", "recall@100", "mrr@10")
DEPTH = MAX_LIMIT  # hits taken per query: Recall@100 needs 100, and the API gives at most MAX_LIMIT
FINGERPRINT_FILE = "beir-corpus.json"  # side file in a cache dir: which corpus and settings its index was built from
BASE_MODES = ("keyword", "semantic", "hybrid")
# Suffixes of a hybrid mode name ("hybrid-convex-alpha0.3") and the request parameter each one sets.
_MODE_OPTIONS: dict[str, Callable[[str], tuple[str, str] | None]] = {
    "fusion": lambda token: ("fusion", token) if token in ("rrf", "convex") else None,
    "alpha": lambda token: ("alpha", token[5:]) if token.startswith("alpha") else None,
    "exact": lambda token: ("exact", token[5:] or "1") if token.startswith("exact") else None,
}


class EvaluationError(ValueError):
    """The folder is not a usable BEIR dataset, or a mode name is not understood; the message says why."""


@dataclass(frozen=True)
class BeirDataset:
    name: str
    corpus: Path
    queries: dict[str, str]  # only the queries judged in the split
    qrels: dict[str, dict[str, int]]


def _read_jsonl(path: Path) -> Iterator[dict]:
    with open(path, encoding="utf-8") as fh:
        for lineno, line in enumerate(fh, start=1):
            if line.strip():
                try:
                    yield json.loads(line)
                except json.JSONDecodeError as exc:
                    raise EvaluationError(f"{path}:{lineno}: invalid JSON ({exc.msg})") from None


def read_qrels(path: Path) -> dict[str, dict[str, int]]:
    """`query-id corpus-id score` rows (tab-separated, with a header) → {query: {doc: grade}}."""
    if not path.is_file():
        raise EvaluationError(f"no relevance judgments at {path}")
    qrels: dict[str, dict[str, int]] = {}
    with open(path, encoding="utf-8", newline="") as fh:
        rows = csv.reader(fh, delimiter="\t")
        header = next(rows, None)
        if header is None or [h.strip() for h in header[:3]] != ["query-id", "corpus-id", "score"]:
            raise EvaluationError(f"{path} must start with the header 'query-id<TAB>corpus-id<TAB>score'")
        for lineno, row in enumerate(rows, start=2):
            if not row:
                continue
            try:
                qrels.setdefault(row[0].strip(), {})[row[1].strip()] = int(row[2])
            except (IndexError, ValueError):
                raise EvaluationError(f"{path}:{lineno}: expected query-id, corpus-id, integer score") from None
    return qrels


def load_beir(directory: str | Path, split: str = "test") -> BeirDataset:
    """Read queries and judgments of one split; the corpus is read when it is indexed."""
    directory = Path(directory)
    corpus, queries_path = directory / "corpus.jsonl", directory / "queries.jsonl"
    for path in (corpus, queries_path):
        if not path.is_file():
            raise EvaluationError(f"{directory} is not a BEIR folder: {path.name} is missing")
    qrels = read_qrels(directory / "qrels" / f"{split}.tsv")
    texts = {str(q["_id"]): q.get("text", "") for q in _read_jsonl(queries_path)}
    missing = sorted(set(qrels) - set(texts))
    if missing:
        raise EvaluationError(f"qrels/{split}.tsv judges queries missing from queries.jsonl: {', '.join(missing[:5])}")
    return BeirDataset(directory.resolve().name, corpus, {q: texts[q] for q in qrels}, qrels)


def corpus_fingerprint(corpus: Path, embedding_model: str, ner_model: str) -> str:
    """What the vectors and catalog built from this corpus depend on: the corpus bytes and the build settings.

    The keyword schema is recorded separately: a change there only needs the keyword index rewritten.
    """
    digest = hashlib.sha256()
    with open(corpus, "rb") as fh:
        for block in iter(lambda: fh.read(1 << 20), b""):
            digest.update(block)
    settings = [layout.FORMAT_VERSION, embedding_model, ner_model, PASSAGE_WORDS, PASSAGE_OVERLAP, MAX_PASSAGES,
                NER_WORDS]
    digest.update(json.dumps(settings).encode())
    return digest.hexdigest()


def write_releases(corpus: Path, target: Path) -> int:
    """BEIR `{"_id","title","text"}` → the product's `{"id","title","body"}` JSONL; returns the count.

    A document without a title gets its first words as the title (the product requires one).
    """
    count = 0
    with open(target, "w", encoding="utf-8") as out:
        for doc in _read_jsonl(corpus):
            text = doc.get("text") or ""
            title = (doc.get("title") or "").strip() or " ".join(text.split()[:12]) or str(doc["_id"])
            out.write(json.dumps({"id": str(doc["_id"]), "title": title, "body": text}, ensure_ascii=False) + "\n")
            count += 1
    return count


def cached_index(dataset: BeirDataset, cache_dir: Path, *, nlp=None, embedder=None, progress: bool = True) -> Path:
    """An index of the dataset's corpus in `cache_dir`: reused when its fingerprint matches, else (re)built."""
    model = embedder.name if embedder is not None else DEFAULT_EMBEDDING_MODEL
    fingerprint = corpus_fingerprint(dataset.corpus, model, DEFAULT_NER_MODEL)
    side = cache_dir / FINGERPRINT_FILE
    reusable = False
    try:
        recorded = layout.read_json(side)
        reusable = (recorded.get("fingerprint") == fingerprint
                    and layout.current_version(cache_dir).name == recorded["version"])
    except (FileNotFoundError, layout.IndexNotFound, KeyError, ValueError):
        pass
    if reusable and recorded.get("keyword_schema") == KEYWORD_SCHEMA:
        return cache_dir
    cache_dir.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(prefix="beir-releases-") as tmp:
        releases = Path(tmp) / "releases.jsonl"
        write_releases(dataset.corpus, releases)
        if reusable:  # same corpus and models, older keyword schema: rewrite only the keyword index
            version = rebuild_keyword_index([releases], cache_dir, progress=progress)
        else:
            summary = build_index([releases], cache_dir, nlp=nlp, embedder=embedder, progress=progress)
            if summary.problems:
                raise EvaluationError(f"{len(summary.problems)} corpus documents could not be indexed, e.g. "
                                      f"{summary.problems[0].origin}: {summary.problems[0].reason}")
            version = summary.version
    layout.write_json(side, {"fingerprint": fingerprint, "keyword_schema": KEYWORD_SCHEMA, "version": version.name,
                             "corpus": str(dataset.corpus.resolve())})
    return cache_dir


def mode_parameters(mode: str) -> dict[str, list[str]]:
    """'keyword' / 'semantic' / 'hybrid[-rrf|-convex][-alphaA][-exact0|1]' → request parameters."""
    base, *options = mode.split("-")
    if base not in BASE_MODES or (options and base != "hybrid"):
        raise EvaluationError(f"unknown mode {mode!r}: use {', '.join(BASE_MODES)} or hybrid-rrf, hybrid-convex, "
                              "hybrid-alpha0.3, hybrid-convex-alpha0.5-exact0")
    params = {"mode": [base]}
    for token in options:
        found = next((p for p in (parse(token) for parse in _MODE_OPTIONS.values()) if p is not None), None)
        if found is None:
            raise EvaluationError(f"unknown option {token!r} in mode {mode!r}: use rrf, convex, alphaA or exact0/1")
        params[found[0]] = [found[1]]
    return params


def run_mode(engine: Engine, queries: Mapping[str, str], mode: str) -> dict[str, list[str]]:
    """The DEPTH best release ids per query, through the product's request parsing and search."""
    base = mode_parameters(mode)
    run: dict[str, list[str]] = {}
    for qid, text in queries.items():
        request = parse_request({**base, "q": [text], "limit": [str(DEPTH)]})
        run[qid] = [hit.id for hit in engine.search(request).hits]
    return run


def score_run(run: Mapping[str, Sequence[str]], qrels: Mapping[str, Mapping[str, int]]) -> dict[str, float]:
    """nDCG@10, Recall@100 and MRR@10 averaged over every judged query (a query with no hits scores 0)."""
    if not qrels:
        raise EvaluationError("no judged queries")
    # trec_eval orders by score and breaks ties by document id, so scores encode our rank exactly.
    as_scores = {q: {doc: float(len(ids) - r) for r, doc in enumerate(ids)} for q, ids in run.items() if ids}
    top10 = {q: {doc: s for doc, s in docs.items() if s > len(docs) - 10} for q, docs in as_scores.items()}
    full = pytrec_eval.RelevanceEvaluator(dict(qrels), {"ndcg_cut.10", "recall.100"}).evaluate(as_scores)
    mrr = pytrec_eval.RelevanceEvaluator(dict(qrels), {"recip_rank"}).evaluate(top10)
    totals = dict.fromkeys(METRICS, 0.0)
    for q in qrels:
        totals["ndcg@10"] += full.get(q, {}).get("ndcg_cut_10", 0.0)
        totals["recall@100"] += full.get(q, {}).get("recall_100", 0.0)
        totals["mrr@10"] += mrr.get(q, {}).get("recip_rank", 0.0)
    return {m: totals[m] / len(qrels) for m in METRICS}


@contextmanager
def _index_dir(cache_dir: str | Path | None) -> Iterator[Path]:
    if cache_dir is not None:
        yield Path(cache_dir)
        return
    tmp = Path(tempfile.mkdtemp(prefix="beir-index-"))
    try:
        yield tmp
    finally:
        shutil.rmtree(tmp, ignore_errors=True)


def evaluate(directory: str | Path, *, split: str = "test", modes: Sequence[str] = BASE_MODES,
             cache_dir: str | Path | None = None, nlp=None, embedder=None, progress: bool = True) -> dict:
    """{"dataset", "split", "queries", "modes": {mode: {metric: value}}} for one BEIR folder."""
    for mode in modes:
        parse_request(mode_parameters(mode))  # reject a bad mode or parameter before the (long) build
    dataset = load_beir(directory, split)
    with _index_dir(cache_dir) as index_dir:
        cached_index(dataset, index_dir, nlp=nlp, embedder=embedder, progress=progress)
        engine = Engine.open(index_dir, embedder=embedder)
        scores = {mode: score_run(run_mode(engine, dataset.queries, mode), dataset.qrels) for mode in modes}
    return {"dataset": dataset.name, "split": split, "queries": len(dataset.queries), "modes": scores}


def format_table(report: Mapping) -> str:
    """One row per mode, one column per metric."""
    width = max(len("mode"), *(len(m) for m in report["modes"]))
    lines = [f"{report['dataset']} ({report['split']}, {report['queries']} queries)",
             f"{'mode':<{width}}  " + "  ".join(f"{m:>10}" for m in METRICS)]
    for mode, values in report["modes"].items():
        lines.append(f"{mode:<{width}}  " + "  ".join(f"{values[m]:>10.4f}" for m in METRICS))
    return "\n".join(lines)
