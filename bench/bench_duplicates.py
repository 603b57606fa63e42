"""Duplicate grouping against the hand-checked pairs of bench/data/duplicates (README there): runs the indexer's rule
(indexer.ingest.duplicates: describe + group) over a corpus and prints its cost, its groups, and precision / recall on
the labelled pairs, per stratum and weighted to the population each stratum was drawn from.

    .venv/bin/python bench/bench_duplicates.py [CORPUS]   # default ../shared/data/press-releases/press_releases.jsonl.gz
"""
from __future__ import annotations

import csv
import json
import math
import resource
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from indexer.ingest.duplicates import describe, group  # noqa: E402
from indexer.ingest.releases import read_releases  # noqa: E402
from indexer.store.records import Release  # noqa: E402

DATA = ROOT / "bench" / "data" / "duplicates"
DEFAULT_CORPUS = ROOT.parent / "shared" / "data" / "press-releases" / "press_releases.jsonl.gz"


def wilson(hits: int, n: int, z: float = 1.96) -> tuple[float, float]:
    """95% Wilson interval of a proportion (small samples)."""
    if n == 0:
        return 0.0, 1.0
    p = hits / n
    centre = (p + z * z / (2 * n)) / (1 + z * z / n)
    half = z * math.sqrt(p * (1 - p) / n + z * z / (4 * n * n)) / (1 + z * z / n)
    return max(0.0, centre - half), min(1.0, centre + half)


def main() -> None:
    corpus = Path(sys.argv[1]) if len(sys.argv) > 1 else DEFAULT_CORPUS
    releases = [r for r in read_releases([corpus]) if isinstance(r, Release)]
    start = time.perf_counter()
    data = describe(releases)
    hashed = time.perf_counter() - start
    start = time.perf_counter()
    groups = group(data)
    grouped = time.perf_counter() - start
    sizes: dict[int, int] = {}
    for g in groups.tolist():
        sizes[g] = sizes.get(g, 0) + 1
    multi = [s for s in sizes.values() if s > 1]
    joined_pairs = sum(s * (s - 1) // 2 for s in multi)
    rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"{len(releases)} releases: MinHash {hashed:.1f} s ({len(releases) / hashed:.0f} releases/s), "
          f"grouping {grouped:.1f} s, peak RSS {rss:.0f} MB (2-core machine)")
    print(f"{len(multi)} groups of copies holding {sum(multi)} releases ({joined_pairs} joined pairs); "
          f"largest groups {sorted(multi)[-5:]}")

    ordinal = {rid: i for i, rid in enumerate(data.ids)}
    strata = json.loads((DATA / "strata.json").read_text())
    counts: dict[str, dict[tuple[bool, bool], int]] = {}
    missing = 0
    with open(DATA / "pairs.tsv", encoding="utf-8", newline="") as fh:
        for row in csv.DictReader(fh, delimiter="\t"):
            if row["id_a"] not in ordinal or row["id_b"] not in ordinal:
                missing += 1
                continue
            joined = bool(groups[ordinal[row["id_a"]]] == groups[ordinal[row["id_b"]]])
            cell = counts.setdefault(row["stratum"], {})
            key = (joined, row["label"] == "same")
            cell[key] = cell.get(key, 0) + 1
    if missing:
        print(f"{missing} labelled pairs are not in this corpus (the labels are for the full corpus)")
    print("stratum   pairs  joined&same joined&different  missed-copies  (label 'same' not joined)")
    for name, cell in counts.items():
        print(f"{name:8} {sum(cell.values()):6} {cell.get((True, True), 0):12} {cell.get((True, False), 0):16} "
              f"{cell.get((False, True), 0):14}")
    tp = sum(c.get((True, True), 0) for c in counts.values())
    fp = sum(c.get((True, False), 0) for c in counts.values())
    fn = sum(c.get((False, True), 0) for c in counts.values())
    lo, hi = wilson(tp, tp + fp)
    print(f"on the labelled pairs: precision {tp / max(1, tp + fp):.3f} (95% {lo:.2f}-{hi:.2f}), "
          f"recall {tp / max(1, tp + fn):.3f} ({tp} of {tp + fn} copies joined)")
    # Weighted to the populations: the 'joined' stratum is one random pair from each of 50 random groups, so its
    # precision stands for the joined pairs; each unjoined stratum's share of copies scales to its population.
    joined_cell = counts.get("joined", {})
    precision = joined_cell.get((True, True), 0) / max(1, sum(joined_cell.values()))
    true_joined = precision * joined_pairs
    missed = 0.0
    for name in ("near", "far"):
        cell = counts.get(name, {})
        n = sum(cell.values())
        share = cell.get((False, True), 0) / max(1, n)
        lo, hi = wilson(cell.get((False, True), 0), n)
        total = strata[f"{name}_total"]
        missed += share * total
        print(f"  {name}: {share:.3f} of {total} unjoined candidate pairs are copies (95% {lo:.3f}-{hi:.3f}) "
              f"-> ~{share * total:.0f} missed pairs")
    print(f"weighted: precision {precision:.3f}, recall ~{true_joined / max(1.0, true_joined + missed):.2f} "
          f"(~{true_joined:.0f} true joined pairs, ~{missed:.0f} missed; the 'far' share rests on few pairs)")


if __name__ == "__main__":
    main()
