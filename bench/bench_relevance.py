"""In-domain relevance: the analyst set (bench/data/relevance) scored on an existing index of the press releases.

    .venv/bin/python bench/bench_relevance.py --index ../index-full
    .venv/bin/python bench/bench_relevance.py --index ../index-full --modes hybrid-alpha0.3 --unjudged

Prints nDCG@10 / Recall@100 / MRR@10 per mode for both splits (the same numbers as `announcements evaluate
bench/data/relevance --split S --index DIR`), and with --unjudged the releases of each mode's top 10 that have no
judgment yet: a variant is pooled and graded (bench/data/relevance/RULES.md) before its score is believed, since an
unjudged release counts as not relevant.
"""
from __future__ import annotations

import argparse
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from search.engine import Engine  # noqa: E402
from search.evaluate import format_table, load_beir, run_mode, score_run  # noqa: E402

SET = Path(__file__).resolve().parent / "data" / "relevance"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--index", required=True, help="an index of the press releases (e.g. the full corpus)")
    parser.add_argument("--modes", default="keyword,semantic,hybrid")
    parser.add_argument("--splits", default="train,test")
    parser.add_argument("--unjudged", action="store_true", help="list unjudged releases in each mode's top 10")
    args = parser.parse_args()
    engine = Engine.open(args.index)
    modes = [m for m in args.modes.split(",") if m]
    for split in args.splits.split(","):
        dataset = load_beir(SET, split)
        runs = {mode: run_mode(engine, dataset.queries, mode) for mode in modes}
        report = {"dataset": dataset.name, "split": split, "queries": len(dataset.queries),
                  "modes": {mode: score_run(run, dataset.qrels) for mode, run in runs.items()},
                  "unindexed_relevant": sum(1 for docs in dataset.qrels.values() for rid, grade in docs.items()
                                            if grade > 0 and rid not in engine.ordinal_of)}
        print(format_table(report))
        if args.unjudged:
            for mode, run in runs.items():
                for qid, ids in run.items():
                    missing = [rid for rid in ids[:10] if rid not in dataset.qrels[qid]]
                    if missing:
                        print(f"  unjudged {mode} {qid} {dataset.queries[qid]!r}: {' '.join(missing)}")
        print()


if __name__ == "__main__":
    main()
