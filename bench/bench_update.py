"""Benchmark: add releases to an existing index incrementally. Prints numbers; passes or fails nothing.

    .venv/bin/python bench/bench_update.py --base 1000 --add 100            # builds the base index once (cached)
    .venv/bin/python bench/bench_update.py --base 10000 --add 100           # the same at 10,000 (hours of NER+embed)
    .venv/bin/python bench/bench_update.py --base-index DIR --add 100 --skip 1000   # reuse a built base index

The base index is releases 1..N of the corpus; the added ones are the next --add releases. Each run works on a copy
of the base, so it can be repeated.
"""
from __future__ import annotations

import argparse
import gzip
import shutil
import time
from pathlib import Path

from indexer.store import layout
from indexer.store.manifest import Manifest
from indexer.ingest.build import build_index
from indexer.models.embeddings import load_embedder
from indexer.ingest.entities import load_nlp
from indexer.ingest.update import update_index

ROOT = Path(__file__).resolve().parent.parent
CORPUS = ROOT.parent / "shared" / "data" / "press-releases" / "press_releases.jsonl.gz"


def slice_corpus(path: Path, start: int, count: int) -> Path:
    with gzip.open(CORPUS, "rt", encoding="utf-8") as src, open(path, "w", encoding="utf-8") as dst:
        for n, line in enumerate(src):
            if n >= start + count:
                break
            if n >= start:
                dst.write(line)
    return path


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--base", type=int, default=1000, help="releases in the base index (first N of the corpus)")
    ap.add_argument("--base-index", type=Path, help="an existing base index (then --skip says how many it holds)")
    ap.add_argument("--skip", type=int, help="corpus releases to skip before the added ones (default: --base)")
    ap.add_argument("--add", type=int, default=100, help="releases to add")
    ap.add_argument("--out", type=Path, default=ROOT / "bench" / "out")
    args = ap.parse_args()
    args.out.mkdir(parents=True, exist_ok=True)

    nlp, embedder = load_nlp(), load_embedder()
    base = args.base_index or args.out / f"update-base-{args.base}"
    if not (base / layout.CURRENT).exists():
        started = time.perf_counter()
        summary = build_index([slice_corpus(args.out / f"first-{args.base}.jsonl", 0, args.base)], base,
                              nlp=nlp, embedder=embedder)
        print(f"base index built in {time.perf_counter() - started:.0f} s: {summary.report()}\n")
    skip = args.skip if args.skip is not None else args.base
    added = slice_corpus(args.out / f"add-{args.add}-after-{skip}.jsonl", skip, args.add)

    work = args.out / "update-work"
    shutil.rmtree(work, ignore_errors=True)
    shutil.copytree(base, work)
    version = layout.current_version(work)
    started = time.perf_counter()
    shutil.copytree(version / layout.KEYWORD_DIR, args.out / "keyword-copy", dirs_exist_ok=True)
    whoosh_copy = time.perf_counter() - started
    shutil.rmtree(args.out / "keyword-copy")
    meta = Manifest.load(version)

    started = time.perf_counter()
    summary = update_index([added], work, nlp=nlp, embedder=embedder, progress=False)
    total = time.perf_counter() - started
    print(summary.report())
    new = summary.changes["added"] + summary.changes["replaced"]
    s = summary.seconds
    reuse = s.get("copy", 0) + whoosh_copy
    print(f"\nAdding {new} releases to an index of {meta.releases} ({meta.passages} passages), 2 cores:")
    print(f"  total {total:.1f} s = {total / max(new, 1):.2f} s per added release")
    print(f"  reusing the old version: {reuse:.1f} s (read vectors/map/catalog {s.get('copy', 0):.1f} s, "
          f"copy Whoosh dir {whoosh_copy:.1f} s, "
          f"{sum(f.stat().st_size for f in (version / layout.KEYWORD_DIR).iterdir()) / 2**20:.0f} MB)")
    print(f"  processing the new releases: NER {s.get('ner', 0):.1f} s, embedding {s.get('embed', 0):.1f} s, "
          f"writing (incl. Whoosh copy, adds, commit, FAISS, catalog) {s.get('write', 0):.1f} s, "
          f"publish {s.get('publish', 0):.1f} s")
    shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
