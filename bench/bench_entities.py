"""Entity facet quality against the hand-labelled gold set (bench/data/entities-gold/: labels.jsonl, RULES.md).

    .venv/bin/python bench/bench_entities.py [--context 1000] [--show-errors] [--show-junk]

Runs today's extraction (the real spaCy model and the name propagation, called as the index build calls them) over the 160 gold releases plus
`--context` other releases drawn at random (seed 13), so that the corpus-wide type votes and merges have a corpus to
work on; builds the catalog and prints, for the dev and the test half: release-level precision / recall / F1 per
entity type, issuer accuracy, announcement-type accuracy and the share of the labelled wire names found as wires. Then the junk share of (a) 200 random
facet values of the catalog and (b) the top 15 values per type for 20 fixed queries (releases containing every query
word), judged by hand against RULES.md in bench/data/entities-gold/junk.tsv; values not judged yet are counted apart
and listed with --show-junk. Tune on dev, report test.
"""
from __future__ import annotations

import argparse
import gzip
import hashlib
import json
import random
import re
import sys
import time
from collections import Counter, defaultdict
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from indexer.ingest.canonical import _LEGAL, build_catalog, loose_key  # noqa: E402
from indexer.ingest.entities import NER_WORDS, extract_mentions, load_nlp, release_text  # noqa: E402
from indexer.ingest.propagate import names_to_propagate, propagate, readable_text  # noqa: E402
from indexer.store.catalog import Catalog  # noqa: E402
from indexer.store.records import ENTITY_TYPES, entity_key  # noqa: E402

DATA = ROOT.parent / "shared" / "data" / "press-releases" / "press_releases.jsonl.gz"
GOLD = ROOT / "bench" / "data" / "entities-gold"
SEED = 13
JUNK_SAMPLE = 200
TOP = 15
QUERIES = (
    "port agreement", "acquisition", "quarterly results", "appoints chief executive", "cannabis", "uranium",
    "gold exploration", "clinical trial", "artificial intelligence platform", "crypto exchange", "bitcoin",
    "electric vehicle", "real estate", "private placement", "law firm", "hospital", "strategic partnership",
    "FDA approval", "Nasdaq listing", "conference",
)


def load_gold() -> list[dict]:
    return [json.loads(line) for line in (GOLD / "labels.jsonl").read_text(encoding="utf-8").splitlines() if line]


def load_releases(gold_ids: set[str], context: int) -> list[dict]:
    """The gold releases, then `context` others drawn at random with a fixed seed."""
    with gzip.open(DATA, "rt", encoding="utf-8") as f:
        rows = [json.loads(line) for line in f]
    gold = [r for r in rows if r["id"] in gold_ids]
    others = [r for r in rows if r["id"] not in gold_ids]
    return gold + random.Random(SEED).sample(others, min(context, len(others)))


def _core(name: str) -> str:
    """Loose key without a leading "the" and trailing legal forms: "The Acme Co., Ltd." -> "acme"."""
    words = loose_key(entity_key(name)).split()
    words = words[1:] if words[:1] == ["the"] else words
    while len(words) > 1 and words[-1] in _LEGAL:
        words.pop()
    return " ".join(words)


def _names(catalog: Catalog, key: str) -> set[str]:
    entity = catalog.entities[key]
    return {_core(entity.name)} | {_core(a) for a in entity.aliases}


class Scores:
    """Release-level counts per type: a predicted entity is right if one of its names is a surface form of a gold
    entity of the same type in that release; a gold entity is found if a predicted entity of its type names it."""

    def __init__(self) -> None:
        self.tp: Counter[str] = Counter()
        self.pred: Counter[str] = Counter()
        self.found: Counter[str] = Counter()
        self.gold: Counter[str] = Counter()
        self.misses: dict[str, list[str]] = defaultdict(list)
        self.wrong: dict[str, list[str]] = defaultdict(list)

    def add(self, gold: dict, catalog: Catalog) -> None:
        keys = catalog.releases[gold["id"]].keys
        for type_ in ENTITY_TYPES:
            gold_sets = [{_core(n) for n in names} for names in gold["entities"].get(type_, [])]
            predicted = [k for k in keys if catalog.entities[k].type == type_]
            self.pred[type_] += len(predicted)
            self.gold[type_] += len(gold_sets)
            for k in predicted:
                if any(_names(catalog, k) & g for g in gold_sets):
                    self.tp[type_] += 1
                else:
                    self.wrong[type_].append(catalog.entities[k].name)
            for names, g in zip(gold["entities"].get(type_, []), gold_sets):
                if any(_names(catalog, k) & g for k in predicted):
                    self.found[type_] += 1
                else:
                    self.misses[type_].append(names[0])

    def lines(self) -> list[str]:
        out = []
        for type_ in ENTITY_TYPES:
            p = self.tp[type_] / max(1, self.pred[type_])
            r = self.found[type_] / max(1, self.gold[type_])
            f = 2 * p * r / max(1e-9, p + r)
            out.append(f"  {type_:9} P {p:.3f} ({self.tp[type_]}/{self.pred[type_]})  "
                       f"R {r:.3f} ({self.found[type_]}/{self.gold[type_]})  F1 {f:.3f}")
        return out


def issuer_right(gold: dict, catalog: Catalog) -> bool:
    """The predicted issuer is the labelled one (any of its labelled surface forms), or both are none."""
    predicted = catalog.releases[gold["id"]].issuer
    if gold["issuer"] is None:
        return predicted is None
    if predicted is None:
        return False
    forms = next((names for names in gold["entities"].get("org", []) if gold["issuer"] in names), [gold["issuer"]])
    return bool(_names(catalog, predicted) & {_core(n) for n in forms})


def predicted_wires(catalog: Catalog, release_id: str) -> set[str]:
    """Wire names recorded for a release (an empty set where extraction records no wire)."""
    return {_core(m.name) for m, _ in catalog.releases[release_id].mentions if m.label == "wire"}


def _digest(value: str) -> str:
    return hashlib.sha1(value.encode()).hexdigest()[:12]


def load_verdicts() -> dict[str, str]:
    path = GOLD / "junk.tsv"
    if not path.exists():
        return {}
    rows = (line.split("\t") for line in path.read_text(encoding="utf-8").splitlines() if line and line[0] != "#")
    return {row[0]: row[1] for row in rows}


def junk_line(label: str, values: list[str], verdicts: dict[str, str], unjudged: list[str]) -> str:
    judged = [verdicts[_digest(v)] for v in values if _digest(v) in verdicts]
    unjudged += [v for v in values if _digest(v) not in verdicts]
    junk = sum(v == "junk" for v in judged)
    share = f"{junk / len(judged):.1%}" if judged else "n/a"
    return f"{label}: {junk}/{len(judged)} junk = {share} ({len(values) - len(judged)} not judged)"


def query_values(releases: list[dict], catalog: Catalog) -> list[str]:
    """The top TOP values per type (by releases) among the releases holding every word of each query."""
    values: list[str] = []
    texts = [(r["id"], f"{r['title']} {r['body']}".casefold()) for r in releases]
    for query in QUERIES:
        words = [re.compile(r"\b" + re.escape(w.casefold()) + r"\b") for w in query.split()]
        hits = [rid for rid, text in texts if all(w.search(text) for w in words)]
        counts = Counter(k for rid in hits for k in catalog.releases[rid].keys)
        for type_ in ENTITY_TYPES:
            ranked = [k for k, _ in counts.most_common() if catalog.entities[k].type == type_][:TOP]
            values += [f"{type_}: {catalog.entities[k].name}" for k in ranked]
    return values


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--context", type=int, default=1000, help="other releases drawn at random (seed 13)")
    parser.add_argument("--ner-words", type=int, default=NER_WORDS, help="words of each body NER reads (0: all)")
    parser.add_argument("--no-propagate", action="store_true",
                        help="leave out the build's name propagation (indexer.ingest.propagate), to compare")
    parser.add_argument("--show-errors", action="store_true", help="print misses and wrong values on dev")
    parser.add_argument("--show-junk", action="store_true", help="print the facet values not judged yet")
    args = parser.parse_args()

    gold = load_gold()
    releases = load_releases({g["id"] for g in gold}, args.context)
    nlp = load_nlp()
    start = time.perf_counter()
    texts = [release_text(r["title"], r["body"]) for r in releases]
    mentions = list(extract_mentions(nlp, texts, sources=[r["source"] for r in releases],
                                     ner_words=args.ner_words or None))
    seconds = time.perf_counter() - start
    if not args.no_propagate:
        start = time.perf_counter()
        readable = [readable_text(r["title"], r["body"]) for r in releases]
        mentions = propagate(readable, mentions, names_to_propagate(readable, mentions))
        print(f"propagation {time.perf_counter() - start:.1f} s")
    catalog = build_catalog([r["id"] for r in releases], mentions)
    print(f"releases: {len(releases)} ({len(gold)} gold + {len(releases) - len(gold)} context); "
          f"extraction {seconds:.0f} s = {len(releases) / seconds:.1f} releases/s (one process)")

    for split in ("dev", "test"):
        part = [g for g in gold if g["split"] == split]
        scores = Scores()
        for g in part:
            scores.add(g, catalog)
        issuers = [issuer_right(g, catalog) for g in part]
        types = [catalog.releases[g["id"]].category == g["category"] for g in part]
        wire_found = sum(bool(predicted_wires(catalog, g["id"]) & {_core(n) for n in w}) for g in part for w in g["wires"])
        wire_total = sum(len(g["wires"]) for g in part)
        print(f"{split} ({len(part)} releases):")
        print("\n".join(scores.lines()))
        print(f"  issuer right {sum(issuers)}/{len(part)} = {sum(issuers) / len(part):.1%}; "
              f"type right {sum(types)}/{len(part)} = {sum(types) / len(part):.1%}; "
              f"wire names found {wire_found}/{wire_total} = {wire_found / max(1, wire_total):.1%}")
        if args.show_errors and split == "dev":
            for type_ in ENTITY_TYPES:
                print(f"  {type_} missed: {' | '.join(scores.misses[type_])}")
                print(f"  {type_} wrong: {' | '.join(scores.wrong[type_])}")
            for g, ok in zip(part, issuers):
                if not ok:
                    got = catalog.releases[g["id"]].issuer
                    print(f"  issuer: want {g['issuer']!r}, got {catalog.entities[got].name if got else None!r}")
            confusion = Counter((g["category"], catalog.releases[g["id"]].category) for g, ok in zip(part, types)
                                if not ok)
            print(f"  type errors (label, predicted): {dict(confusion.most_common(10))}")

    verdicts = load_verdicts()
    unjudged: list[str] = []
    # The JUNK_SAMPLE values with the smallest digests: a random sample (the digest is a hash) that a change to the
    # catalog moves by only the values it adds or removes, so earlier verdicts keep applying.
    values = sorted({f"{e.type}: {e.name}" for e in catalog.entities.values()}, key=_digest)
    sample = values[:JUNK_SAMPLE]
    print(junk_line(f"junk in {len(sample)} random facet values", sample, verdicts, unjudged))
    top = query_values(releases, catalog)
    print(junk_line(f"junk in the top {TOP} values per type of {len(QUERIES)} queries ({len(top)} values)", top,
                    verdicts, unjudged))
    if args.show_junk:
        for value in dict.fromkeys(unjudged):
            print(f"{_digest(value)}\t?\t{value}")


if __name__ == "__main__":
    main()
