"""Issue 6's benchmark in one run: build an index (stage timings), then time 200 realistic queries per mode through the
JSON API of a warm app (facets and snippets included) in a fresh process that reads no corpus (so its RSS is a
server's), and the same queries through tantivy as the keyword reference. Prints numbers; passes or fails nothing.

    .venv/bin/pip install tantivy                                   # only for this benchmark
    .venv/bin/python bench/bench_speed.py --index /work/index-full  # whole corpus (~57 min build on 2 cores), then queries
    .venv/bin/python bench/bench_speed.py --index /work/index-full --reuse   # queries only, on the existing index
    .venv/bin/python bench/bench_speed.py --n 2000 --index /tmp/idx2000      # the first 2,000 releases
"""
from __future__ import annotations

import argparse
import gzip
import json
import random
import re
import resource
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.parse
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
from bench_index_search import TOPICS, percentile  # noqa: E402 - the same topics as the smaller benchmark
CORPUS = ROOT.parent / "shared" / "data" / "press-releases" / "press_releases.jsonl.gz"
ACTIONS = ["acquisition", "partnership", "results", "agreement", "appoints", "launch", "financing", "contract"]


def read_releases(path: Path, n: int | None) -> list[dict]:
    opener = gzip.open if path.suffix == ".gz" else open
    out = []
    with opener(path, "rt", encoding="utf-8") as fh:
        for line in fh:
            out.append(json.loads(line))
            if n is not None and len(out) >= n:
                break
    return out


def realistic_queries(releases: list[dict], catalog_path: Path, count: int) -> list[str]:
    """What our users type: topics, company/place/person names, a name with an action, the opening of a headline,
    and a quoted name. Deterministic for a given index."""
    rng = random.Random(6)
    entities = json.loads(catalog_path.read_text(encoding="utf-8"))["entities"]
    names = sorted(e["name"] for e in entities.values() if e["type"] in ("org", "place", "person", "facility")
                   and e.get("releases", 0) >= 5)
    names = rng.sample(names, k=min(len(names), count))
    picked = rng.sample(releases, k=min(len(releases), count))
    # Quotes and brackets cut from a headline would be unbalanced (a 400 with advice, not a search).
    titles = [" ".join(re.sub(r'["()]', " ", r["title"]).split()[: rng.randint(4, 7)]) for r in picked]
    queries = list(TOPICS)
    per_kind = max(1, (count - len(queries)) // 4)
    queries += names[:per_kind]
    queries += [f"{name} {rng.choice(ACTIONS)}" for name in names[per_kind: 2 * per_kind]]
    queries += titles[:per_kind]
    queries += [f'"{name}"' for name in names[2 * per_kind:]]
    return (queries + titles[per_kind:])[:count]


def build(args: argparse.Namespace) -> None:
    from indexer.ingest.build import build_index
    from indexer.ingest.pipeline import BACKGROUND_STAGES

    sample = args.corpus
    if args.n is not None:
        sample = Path(tempfile.gettempdir()) / f"bench-speed-first-{args.n}.jsonl"
        sample.write_text("".join(json.dumps(r) + "\n" for r in read_releases(args.corpus, args.n)), encoding="utf-8")
    started = time.perf_counter()
    summary = build_index([sample], args.index, progress=True)
    wall = time.perf_counter() - started
    print(summary.report())
    print(f"\nIndexing {summary.releases} releases ({summary.passages} passages, {summary.entities} entities), "
          "2 cores:")
    for stage, seconds in summary.seconds.items():
        note = " (in a thread, alongside embed)" if stage in BACKGROUND_STAGES else ""
        print(f"  {stage:14s} {seconds:8.1f} s {summary.releases / max(seconds, 1e-9):9.1f} releases/s{note}")
    print(f"  {'wall':14s} {wall:8.1f} s {summary.releases / wall:9.1f} releases/s")
    peak = max(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss, resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss)
    print(f"  peak RSS {peak / 1024:.0f} MB")


def rss_mb() -> float:
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return float("nan")


def serve_queries(index: Path, queries: list[str], results_path: Path) -> None:
    """Runs in a fresh process that reads no corpus (so its RSS is a server's): open the app as `announcements
    serve` does, warm it, time every query; the times go to `results_path` for the tantivy ratio."""
    from indexer.models.embeddings import use_one_thread_per_query
    from web.app import create_app

    use_one_thread_per_query()  # as `announcements serve` does
    started = time.perf_counter()
    app = create_app({"INDEX_DIR": str(index)})
    client = app.test_client()
    assert client.get("/api/search?q=warm").status_code == 200
    print(f"\nOpened the index and answered a first query in {time.perf_counter() - started:.1f} s; "
          f"RSS {rss_mb():.0f} MB")
    for q in queries[:20]:  # warm: the model, caches, the first touch of every column
        client.get("/api/search?" + urllib.parse.urlencode({"q": q}))
    print(f"\nQuery latency over {len(queries)} realistic queries, GET /api/search (10 hits, facets, snippets), "
          "warm, one client:")
    results = {}
    for mode in ("hybrid", "keyword", "semantic"):
        times = []
        for q in queries:
            url = "/api/search?" + urllib.parse.urlencode({"q": q, "mode": mode})
            start = time.perf_counter()
            response = client.get(url)
            times.append((time.perf_counter() - start) * 1000)
            assert response.status_code == 200, (url, response.get_json())
        results[mode] = times
        print(f"  {mode:9s} p50 {statistics.median(times):7.1f} ms   p95 {percentile(times, 0.95):7.1f} ms   "
              f"max {max(times):7.1f} ms")
    print(f"\nServer RSS after the queries: {rss_mb():.0f} MB "
          f"(peak {resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024:.0f} MB)")
    results_path.write_text(json.dumps(results), encoding="utf-8")


def tantivy_reference(releases: list[dict], queries: list[str], results: dict[str, list[float]]) -> None:
    try:
        import tantivy
    except ImportError:
        print("\ntantivy is not installed (`.venv/bin/pip install tantivy`): no reference numbers")
        return
    builder = tantivy.SchemaBuilder()
    builder.add_text_field("title", stored=True, tokenizer_name="en_stem")
    builder.add_text_field("body", stored=False, tokenizer_name="en_stem")
    schema = builder.build()
    with tempfile.TemporaryDirectory() as tmp:
        ix = tantivy.Index(schema, path=tmp)
        writer = ix.writer()
        started = time.perf_counter()
        for r in releases:
            writer.add_document(tantivy.Document(title=r.get("title", ""), body=r.get("body", "")))
        writer.commit()
        writer.wait_merging_threads()
        ix.reload()
        print(f"\ntantivy (reference only): indexed {len(releases)} releases in {time.perf_counter() - started:.1f} s")
        searcher = ix.searcher()
        times = []
        for q in queries:
            words = " ".join(re.findall(r"\w+", q)) or "empty"
            start = time.perf_counter()
            parsed = ix.parse_query(words, ["title", "body"])
            searcher.search(parsed, 10)
            searcher.search(parsed, 1, count=True).count  # noqa: B018 - what a facet count would need
            times.append((time.perf_counter() - start) * 1000)
        p50 = statistics.median(times)
        print(f"  tantivy   p50 {p50:7.2f} ms   p95 {percentile(times, 0.95):7.2f} ms (top 10 + count, no facets, "
              "no snippets)")
        for mode in ("keyword", "hybrid"):
            print(f"  {mode} p50 / tantivy p50 = {statistics.median(results[mode]) / p50:.0f}x")


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--corpus", type=Path, default=CORPUS)
    ap.add_argument("--n", type=int, help="only the first N releases of the corpus")
    ap.add_argument("--index", type=Path, required=True, help="where the index is (built unless --reuse)")
    ap.add_argument("--reuse", action="store_true", help="time queries on the existing index, build nothing")
    ap.add_argument("--queries", type=int, default=200)
    ap.add_argument("--serve-only", action="store_true", help=argparse.SUPPRESS)
    ap.add_argument("--queries-file", type=Path, help=argparse.SUPPRESS)
    ap.add_argument("--results-file", type=Path, help=argparse.SUPPRESS)
    args = ap.parse_args()
    if args.serve_only:
        serve_queries(args.index, json.loads(args.queries_file.read_text(encoding="utf-8")), args.results_file)
        return
    if not args.reuse:
        build(args)
    from indexer.store import layout

    releases = read_releases(args.corpus, args.n)
    queries = realistic_queries(releases, layout.current_version(args.index) / layout.CATALOG, args.queries)
    with tempfile.TemporaryDirectory() as tmp:
        queries_file, results_file = Path(tmp, "queries.json"), Path(tmp, "results.json")
        queries_file.write_text(json.dumps(queries), encoding="utf-8")
        subprocess.run([sys.executable, __file__, "--serve-only", "--index", str(args.index),
                        "--queries-file", str(queries_file), "--results-file", str(results_file)], check=True)
        results = json.loads(results_file.read_text(encoding="utf-8"))
    tantivy_reference(releases, queries, results)


if __name__ == "__main__":
    main()
