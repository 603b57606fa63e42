"""Relevance on a BEIR-format folder: its queries and judgments, runs through the product's own search, and scores.

Every query goes through `Engine.search` with parameters parsed by `search.request.parse_request`, exactly as an
API call. Metrics come from trec_eval (pytrec-eval-terrier). The corpus is indexed by `indexer.ingest.beir` and the two
are put together by `web.evaluate` (the `announcements evaluate` command).
"""
from __future__ import annotations

import csv
import json
from dataclasses import dataclass
from pathlib import Path
from typing import Callable, Iterator, Mapping, Sequence

import pytrec_eval

from search.engine import Engine
from search.request import MAX_LIMIT, parse_request

METRICS = ("ndcg@10", "recall@100", "mrr@10")
DEPTH = MAX_LIMIT  # hits taken per query: Recall@100 needs 100, and the API gives at most MAX_LIMIT
BASE_MODES = ("keyword", "semantic", "hybrid")
# Suffixes of a hybrid mode name ("hybrid-convex-alpha0.3") and the request parameter each one sets.
_MODE_OPTIONS: dict[str, Callable[[str], tuple[str, str] | None]] = {
    "fusion": lambda token: ("fusion", token) if token in ("rrf", "convex") else None,
    "alpha": lambda token: ("alpha", token[5:]) if token.startswith("alpha") else None,
    "exact": lambda token: ("exact", token[5:] or "1") if token.startswith("exact") else None,
}


class EvaluationError(ValueError):
    """The folder is not a usable BEIR dataset, or a mode name is not understood; the message says why."""


POINTER = "corpus.json"  # instead of corpus.jsonl: {"releases": PATH} names a file of releases to search as they are


@dataclass(frozen=True)
class BeirDataset:
    name: str
    corpus: Path
    split: str
    queries: dict[str, str]  # only the queries judged in the split
    qrels: dict[str, dict[str, int]]
    releases: bool = False  # corpus is a file of the product's releases (named by corpus.json), not BEIR documents


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


def _pointed_corpus(pointer: Path) -> Path:
    """The releases file a corpus.json names (a path relative to the folder, or absolute)."""
    try:
        target = json.loads(pointer.read_text(encoding="utf-8"))["releases"]
    except (ValueError, KeyError, TypeError):
        raise EvaluationError(f'{pointer} must be a JSON object naming the releases: {{"releases": "PATH"}}') from None
    path = pointer.parent / str(target)
    if not path.is_file():
        raise EvaluationError(f"{pointer} names {target}, which is not a file (resolved to {path.resolve()})")
    return path


def load_beir(directory: str | Path, split: str = "test") -> BeirDataset:
    """Read queries and judgments of one split; the corpus is read when it is indexed.

    The corpus is corpus.jsonl (BEIR documents) or, for a set judged over the product's own releases, corpus.json
    naming the releases file (README "Relevance"): its ids are the releases' ids.
    """
    directory = Path(directory)
    corpus, queries_path, pointer = directory / "corpus.jsonl", directory / "queries.jsonl", directory / POINTER
    releases = not corpus.is_file() and pointer.is_file()
    if releases:
        corpus = _pointed_corpus(pointer)
    for path in (corpus, queries_path):
        if not path.is_file():
            raise EvaluationError(f"{directory} is not a BEIR folder: {path.name} is missing")
    qrels = read_qrels(directory / "qrels" / f"{split}.tsv")
    texts = {str(q["_id"]): q.get("text", "") for q in _read_jsonl(queries_path)}
    missing = sorted(set(qrels) - set(texts))
    if missing:
        raise EvaluationError(f"qrels/{split}.tsv judges queries missing from queries.jsonl: {', '.join(missing[:5])}")
    return BeirDataset(directory.resolve().name, corpus, split, {q: texts[q] for q in qrels}, qrels, releases)


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


def score_modes(engine: Engine, dataset: BeirDataset, modes: Sequence[str]) -> dict:
    """{"dataset", "split", "queries", "modes": {mode: {metric: value}}} for an engine over the dataset's corpus."""
    scores = {mode: score_run(run_mode(engine, dataset.queries, mode), dataset.qrels) for mode in modes}
    return {"dataset": dataset.name, "split": dataset.split, "queries": len(dataset.queries), "modes": scores}


def check_modes(modes: Sequence[str]) -> None:
    """Reject a bad mode or parameter (EvaluationError, RequestError) before a long build."""
    for mode in modes:
        parse_request(mode_parameters(mode))


def format_table(report: Mapping) -> str:
    """One row per mode, one column per metric."""
    width = max(len("mode"), *(len(m) for m in report["modes"]))
    lines = [f"{report['dataset']} ({report['split']}, {report['queries']} queries)",
             f"{'mode':<{width}}  " + "  ".join(f"{m:>10}" for m in METRICS)]
    for mode, values in report["modes"].items():
        lines.append(f"{mode:<{width}}  " + "  ".join(f"{values[m]:>10.4f}" for m in METRICS))
    if report.get("unindexed_relevant"):
        lines.append(f"note: {report['unindexed_relevant']} judged-relevant releases are not in this index "
                     "(they count as misses)")
    return "\n".join(lines)
