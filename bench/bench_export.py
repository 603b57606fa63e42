"""Export throughput (issue 15, item 5): rows per second of /api/search.csv and /api/search.jsonl through the Flask
app on an existing index, ranking included, best of three warm runs. Prints numbers; passes or fails nothing.

    .venv/bin/python bench/bench_export.py --index /work/idx2000
"""
from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
from indexer.models.embeddings import load_embedder  # noqa: E402
from web.app import create_app  # noqa: E402

REQUESTS = ["/api/search.csv", "/api/search.jsonl", "/api/search.csv?q=acquisition&mode=keyword",
            "/api/search.csv?q=port+agreement"]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--index", required=True, help="an index directory")
    parser.add_argument("--runs", type=int, default=3, help="runs per request; the best is reported")
    args = parser.parse_args()
    client = create_app({"INDEX_DIR": args.index, "EMBEDDER": load_embedder(), "TESTING": True}).test_client()
    client.get("/api/search?q=warm+up")  # opens the index and the query encoder
    for path in REQUESTS:
        best, body = float("inf"), b""
        for _ in range(args.runs):
            started = time.perf_counter()
            body = client.get(path).get_data()
            best = min(best, time.perf_counter() - started)
        lines = body.decode("utf-8").splitlines()
        rows = len(lines) - 1 if ".csv" in path else len(lines)  # CSV: the header; a quoted newline would count
        print(f"{path}: {rows} rows in {best * 1000:.0f} ms = {rows / best:,.0f} rows/s, {len(body) / 1e6:.2f} MB")


if __name__ == "__main__":
    main()
