"""Benchmark: index the first N real releases, then time queries per mode. Prints numbers; passes or fails nothing.

    .venv/bin/python bench/bench_index_search.py [--n 1000] [--queries 60]
"""
from __future__ import annotations

import argparse
import gzip
import json
import random
import resource
import statistics
import time
from pathlib import Path

from indexer.ingest.build import build_index
from indexer.models.embeddings import use_one_thread_per_query
from search.engine import Engine
from search.request import MODES, SearchRequest

ROOT = Path(__file__).resolve().parent.parent
CORPUS = ROOT.parent / "shared" / "data" / "press-releases" / "press_releases.jsonl.gz"
TOPICS = [
    "agreements involving ports", "acquisition of a mining company", "quarterly revenue growth", "partnership with a bank",
    "appoints chief financial officer", "bitcoin mining expansion", "clinical trial results", "private placement financing",
    "new product launch artificial intelligence", "lithium exploration drilling results", "merger agreement shareholders",
    "record annual earnings", "supply chain logistics deal", "electric vehicle charging network", "data center expansion",
    "cybersecurity platform launch", "gold project feasibility study", "FDA approval", "real estate acquisition",
    "stock buyback program", "strategic investment in startup", "renewable energy solar farm", "telehealth services",
    "dividend announcement", "nasdaq listing", "token launch blockchain", "joint venture in China", "layoffs restructuring",
    "cannabis license", "award recognition", "hospital partnership", "oil and gas production", "shipping containers",
    "semiconductor manufacturing", "insurance company results", "esports tournament sponsorship", "franchise expansion",
    "drone delivery", "wearable health device", "quantum computing",
]


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(q * (len(ordered) - 1))))]


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--n", type=int, default=1000, help="releases to index (first N of the corpus)")
    ap.add_argument("--queries", type=int, default=60, help="queries per mode (at least 50)")
    ap.add_argument("--out", type=Path, default=ROOT / "bench" / "out")
    ap.add_argument("--index", type=Path, help="time queries on this existing index instead of building one")
    args = ap.parse_args()

    args.out.mkdir(parents=True, exist_ok=True)
    sample = args.out / f"first-{args.n}.jsonl"
    titles: list[str] = []
    with gzip.open(CORPUS, "rt", encoding="utf-8") as src, open(sample, "w", encoding="utf-8") as dst:
        for _, line in zip(range(args.n), src):
            dst.write(line)
            titles.append(json.loads(line)["title"])

    index_dir = args.index or args.out / f"index-{args.n}"
    if args.index is None:
        summary = build_index([sample], index_dir, progress=True)
        print(summary.report())
        print(f"\nIndexing {summary.releases} releases ({summary.passages} passages), 2 cores:")
        for stage, seconds in summary.seconds.items():
            rate = f"{summary.releases / seconds:8.1f} releases/s" if seconds > 0 else ""
            print(f"  {stage:12s} {seconds:8.1f} s {rate}")
        total = sum(summary.seconds.values())
        print(f"  {'total':12s} {total:8.1f} s {summary.releases / total:8.1f} releases/s")

    rng = random.Random(7)
    queries = (TOPICS + [" ".join(t.split()[:6]) for t in rng.sample(titles, k=len(titles))])[: max(50, args.queries)]
    use_one_thread_per_query()  # as `announcements serve` does
    started = time.perf_counter()
    engine = Engine.open(index_dir)
    print(f"\nOpened {engine.size} releases in {time.perf_counter() - started:.1f} s")
    for q in queries[:5]:  # warm caches and the model
        engine.search(SearchRequest(q=q))
    print(f"\nQuery latency over {len(queries)} queries (facets and snippets included, warm):")
    for mode in MODES:
        times = []
        for q in queries:
            start = time.perf_counter()
            engine.search(SearchRequest(q=q, mode=mode))
            times.append((time.perf_counter() - start) * 1000)
        print(f"  {mode:9s} p50 {statistics.median(times):7.1f} ms   p95 {percentile(times, 0.95):7.1f} ms")
    rss_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"\nPeak RSS of this process: {rss_mb:.0f} MB")


if __name__ == "__main__":
    main()
