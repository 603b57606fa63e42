"""The data the match set's numbers were chosen on (search/match_set.py, search/minimum_match.py). Prints numbers.

For an index and the judged queries of a relevance split over it:
- the best similarity MiniLM gives random-letter queries (why nonsense is told by its words, not by a floor);
- the similarity of relevant and of judged non-relevant releases, and the share of relevant ones each absolute and
  relative floor keeps;
- with --modes, nDCG@10 and Recall@100 of each mode under the old rules (100 nearest, any keyword word) and the current ones, plus
  how many relevant releases each keeps in the hybrid match set.

    python bench/calibrate_match_set.py --index index-full --beir bench/data/relevance --split train --modes
    python bench/calibrate_match_set.py --index ../scifact-index --beir ../shared/data/scifact --split train
"""
from __future__ import annotations

import argparse
import json
import random
import string
import sys
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from search.engine import Engine  # noqa: E402
from search.evaluate import DEPTH, mode_parameters, read_qrels, score_run  # noqa: E402
from search.match_set import DEFAULT_FLOOR, SemanticFloor  # noqa: E402
from search.minimum_match import MIN_SHARE  # noqa: E402
from search.request import parse_request  # noqa: E402

OLD_FLOOR = SemanticFloor(absolute=-1.0, relative=2.0, cap=100)  # the 100 most similar, whatever their similarity


def nonsense_queries(count: int, seed: int = 7) -> list[str]:
    """One to three random lowercase 'words' of 4 to 12 letters."""
    rng = random.Random(seed)
    word = lambda: "".join(rng.choice(string.ascii_lowercase) for _ in range(rng.randint(4, 12)))  # noqa: E731
    return [" ".join(word() for _ in range(rng.randint(1, 3))) for _ in range(count)]


def similarity(engine: Engine, text: str) -> np.ndarray:
    return engine.semantic.release_similarities(engine.query_vectors.vector(text))


def pct(values: np.ndarray, points: list[int]) -> str:
    if not len(values):
        return "none judged"
    return " ".join(f"p{p} {v:.3f}" for p, v in zip(points, np.percentile(values, points)))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--index", required=True)
    parser.add_argument("--beir", required=True, help="a folder with queries.jsonl and qrels/<split>.tsv")
    parser.add_argument("--split", default="train")
    parser.add_argument("--nonsense", type=int, default=300)
    parser.add_argument("--modes", action="store_true", help="also score the modes under the old and new rules")
    args = parser.parse_args()
    engine = Engine.open(args.index)
    qrels = read_qrels(Path(args.beir) / "qrels" / f"{args.split}.tsv")
    with open(Path(args.beir) / "queries.jsonl", encoding="utf-8") as fh:
        queries = {str(q["_id"]): q["text"] for q in map(json.loads, fh) if str(q["_id"]) in qrels}

    bests = np.array([similarity(engine, q).max() for q in nonsense_queries(args.nonsense)])
    print(f"{args.nonsense} random-letter queries, best similarity: {pct(bests, [50, 90, 99])} max {bests.max():.3f}")
    relevant, other, gap, best = [], [], [], []
    for qid, text in queries.items():
        sims = similarity(engine, text)
        best.append(float(sims.max()))
        for doc, grade in qrels[qid].items():
            ordinal = engine.ordinal_of.get(doc)
            if ordinal is not None:
                (relevant if grade >= 1 else other).append(float(sims[ordinal]))
                if grade >= 1:
                    gap.append(best[-1] - float(sims[ordinal]))
    relevant, other, gap = np.array(relevant), np.array(other), np.array(gap)
    print(f"{len(queries)} queries ({args.split}); their best similarity: min {min(best):.3f} median "
          f"{np.median(best):.3f}")
    print(f"relevant releases ({len(relevant)}): {pct(relevant, [1, 5, 10, 50])}")
    print(f"judged non-relevant ({len(other)}): {pct(other, [10, 50, 90])}")
    for floor in (0.3, 0.35, 0.4, 0.45):
        others = f", {np.mean(other >= floor):.3f} of judged non-relevant" if len(other) else ""
        print(f"  absolute {floor}: keeps {np.mean(relevant >= floor):.3f} of relevant{others}")
    for delta in (0.2, 0.25, 0.3):
        print(f"  within {delta} of the best: keeps {np.mean(gap <= delta):.3f} of relevant")
    both = np.mean((relevant >= DEFAULT_FLOOR.absolute) & (gap <= DEFAULT_FLOOR.relative))
    print(f"  the default floor ({DEFAULT_FLOOR.absolute}, within {DEFAULT_FLOOR.relative}): keeps {both:.3f}")
    if args.modes:
        for name, floor, share in (("old rules", OLD_FLOOR, 0.0), ("match set", DEFAULT_FLOOR, MIN_SHARE)):
            engine.floor, engine.keyword.min_share = floor, share
            scores = []
            for mode in ("keyword", "semantic", "hybrid"):
                base = mode_parameters(mode)
                run = {qid: [engine.release_ids[o] for o in
                             engine.ranked(parse_request({**base, "q": [text]})).ordinals[:DEPTH].tolist()]
                       for qid, text in queries.items()}
                score = score_run(run, qrels)
                scores.append(f"{mode} {score['ndcg@10']:.4f} / {score['recall@100']:.4f}")
            kept = total = 0
            for qid, text in queries.items():
                matched = set(engine.ranked(parse_request({"q": [text], "collapse": ["0"]})).ordinals.tolist())
                for doc, grade in qrels[qid].items():
                    if grade >= 1:
                        total += 1
                        kept += engine.ordinal_of.get(doc, -1) in matched
            print(f"{name}: nDCG@10 / R@100 " + ", ".join(scores) + f"; relevant releases in the hybrid set {kept}/{total}")


if __name__ == "__main__":
    main()
