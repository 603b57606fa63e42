"""Entity facet quality on the first N real press releases: distinct org values before/after canonicalisation,
a random sample of facet values to judge for junk, issuer and announcement-type accuracy on hand labels.

    .venv/bin/python bench/bench_entities.py [--n 2000] [--cache /tmp/entities-2000.pkl]

"Before" is the pipeline of main before issue 4 (`git show 2e77502:indexer/entities.py`): NER mentions, junk
rules, one entity per case-folded name with a majority-vote type. Both run on the same spaCy docs.
Hand labels (ids and labels only, no release text) live in tests/data/; junk verdicts in bench/data/.
"""
from __future__ import annotations

import argparse
import functools
import gzip
import hashlib
import importlib.util
import json
import pickle
import random
import subprocess
import sys
import tempfile
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from indexer.ingest.canonical import _LEGAL, loose_key  # noqa: E402
from indexer.ingest.canonical import build_catalog
from indexer.ingest.categories import classify  # noqa: E402
from indexer.ingest.entities import load_nlp, normalise_name, release_text  # noqa: E402
from indexer.store.records import ENTITY_TYPES, Mention, entity_key

DATA = ROOT.parent / "shared" / "data" / "press-releases" / "press_releases.jsonl.gz"
BASELINE_COMMIT = "2e77502"
LABELS = ROOT / "tests" / "data"
JUNK = ROOT / "bench" / "data"


@functools.lru_cache(maxsize=None)
def _baseline_module():
    source = subprocess.run(["git", "show", f"{BASELINE_COMMIT}:indexer/entities.py"], cwd=ROOT, check=True,
                            capture_output=True, text=True).stdout
    path = Path(tempfile.mkdtemp()) / "baseline_entities.py"
    path.write_text(source)
    spec = importlib.util.spec_from_file_location("baseline_entities", path)
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # dataclasses look their module up here
    spec.loader.exec_module(module)
    return module


def load_releases(n: int) -> list[dict]:
    with gzip.open(DATA, "rt", encoding="utf-8") as f:
        return [json.loads(line) for _, line in zip(range(n), f)]


def extract(releases: list[dict], cache: Path) -> tuple[list[list[Mention]], list[list[tuple[str, str]]]]:
    """(new mentions, baseline mentions) per release; cached because NER is the slow part."""
    if cache.exists():
        new_all, old_all = pickle.loads(cache.read_bytes())
        # Re-apply today's junk rules to cached names (normalising a clean name returns it unchanged).
        renormalised = [[m if m.label not in ENTITY_TYPES + ("issuer",) else
                         Mention(normalise_name(m.name, "org" if m.label == "issuer" else m.label) or "", m.label)
                         for m in ms] for ms in new_all]
        # The announcement type needs only the title: recompute it with today's rules.
        retyped = [[m for m in ms if m.name and m.label != "category"] + [Mention(classify(r["title"]), "category")]
                   for ms, r in zip(renormalised, releases)]
        return retyped, old_all
    from indexer.ingest.entities import _doc_mentions

    old = _baseline_module()
    nlp = load_nlp()
    new_all, old_all = [], []
    texts = (release_text(r["title"], r["body"]) for r in releases)
    for i, doc in enumerate(nlp.pipe(texts, batch_size=32)):
        new_all.append(_doc_mentions(doc))
        old_all.append([(m.name, m.label) for m in old._doc_mentions(doc)])
        if i % 200 == 0:
            print(f"  ner {i}/{len(releases)}", file=sys.stderr)
    cache.write_bytes(pickle.dumps((new_all, old_all)))
    return new_all, old_all


def baseline_entities(old_mentions: list[list[tuple[str, str]]]) -> dict[str, tuple[str, str]]:
    """key -> (display name, type) as main resolved them: one entity per case-folded name, majority type."""
    old = _baseline_module()
    resolved = old.resolve_entities([[old.Mention(n, t) for n, t in ms] for ms in old_mentions])
    return {k: (e.name, e.type) for k, e in resolved.items()}


def _digest(value: str) -> str:
    return hashlib.sha1(value.encode()).hexdigest()[:12]


def junk_share(name: str, values: list[str]) -> str:
    """Share of judged junk in the sample, from bench/data/junk-<name>.tsv (digest, verdict)."""
    path = JUNK / f"junk-{name}.tsv"
    if not path.exists():
        return "not judged"
    verdicts = dict(line.split("\t") for line in path.read_text().split("\n") if line.strip())
    judged = [verdicts[_digest(v)] for v in values if _digest(v) in verdicts]
    if not judged:
        return "not judged"
    return f"{sum(v == 'junk' for v in judged)}/{len(judged)} junk"


def _core(name: str) -> str:
    words = loose_key(entity_key(name)).split()
    words = words[1:] if words[:1] == ["the"] else words
    while len(words) > 1 and words[-1] in _LEGAL:
        words.pop()
    return " ".join(words)


def _same_org(want: str, aliases: tuple[str, ...]) -> bool:
    """The labelled issuer is one of the predicted entity's names, legal suffixes aside ("" = no issuer)."""
    if not want:
        return not aliases
    return _core(want) in {_core(a) for a in aliases}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--n", type=int, default=2000)
    parser.add_argument("--cache", type=Path, default=Path(tempfile.gettempdir()) / "entities-bench.pkl")
    parser.add_argument("--show-sample", action="store_true", help="print the facet-value samples to judge")
    parser.add_argument("--show-top", action="store_true", help="print the 25 org values with the most releases")
    args = parser.parse_args()
    releases = load_releases(args.n)
    new_mentions, old_mentions = extract(releases, args.cache)

    before = baseline_entities(old_mentions)
    catalog = build_catalog([r["id"] for r in releases], new_mentions)
    after = {k: (e.name, e.type) for k, e in catalog.entities.items()}
    print(f"releases: {len(releases)}")
    for type_ in ("org", "person", "place", "facility"):
        b = sum(t == type_ for _, t in before.values())
        a = sum(t == type_ for _, t in after.values())
        print(f"distinct {type_} values: before {b}, after {a}")

    rng = random.Random(4)
    for name, entities in (("before", before), ("after", after)):
        values = sorted(f"{t}: {n}" for n, t in entities.values())
        sample = rng.sample(values, min(100, len(values)))
        print(f"facet-value sample {name}: {junk_share(name, sample)}")
        if args.show_sample:
            for v in sample:
                print(f"  {_digest(v)}\t{v}")

    if args.show_top:
        in_releases = Counter(k for ms in old_mentions for k in {entity_key(n) for n, t in ms if t in ENTITY_TYPES})
        top_before = [f"{before[k][0]} ({c})" for k, c in in_releases.most_common() if before[k][1] == "org"][:25]
        top_after = [f"{e.name} ({e.releases})" for e in sorted(catalog.entities.values(), key=lambda e: -e.releases)
                     if e.type == "org"][:25]
        print("top org values before: " + " | ".join(top_before))
        print("top org values after:  " + " | ".join(top_after))

    by_id = {r["id"]: catalog.releases[r["id"]] for r in releases}
    for label_file, field, predicted in (
        ("categories.tsv", "category", lambda rid: by_id[rid].category),
        ("issuers.tsv", "issuer", lambda rid: catalog.entities[by_id[rid].issuer].name if by_id[rid].issuer else ""),
    ):
        path = LABELS / label_file
        if not path.exists():
            continue
        rows = [line.split("\t") for line in path.read_text().split("\n") if line.strip() and not line.startswith("#")]
        rows = [(rid, want) for rid, want in rows if rid in by_id]
        if field == "issuer":  # labels name the issuer; any alias of the predicted entity counts
            hits = sum(_same_org(want, catalog.entities[by_id[rid].issuer].aliases if by_id[rid].issuer else ())
                       for rid, want in rows)
            for rid, want in rows:
                if not _same_org(want, catalog.entities[by_id[rid].issuer].aliases if by_id[rid].issuer else ()):
                    print(f"  issuer miss: want {want!r}, got {predicted(rid)!r}")
        else:
            hits = sum(predicted(rid) == want for rid, want in rows)
            confusion = Counter((want, predicted(rid)) for rid, want in rows if predicted(rid) != want)
            print(f"  category errors (label, predicted): {dict(confusion.most_common(8))}")
        print(f"{field} accuracy on {len(rows)} hand-labelled releases: {hits}/{len(rows)} = {hits / max(1, len(rows)):.0%}")


if __name__ == "__main__":
    main()
