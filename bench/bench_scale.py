"""The cost curve past the real corpus: synthetic indexes of 100k-1M releases built from real releases (issue 17).

    .venv/bin/python bench/bench_scale.py prepare --sample 1000          # real NER + MiniLM on a sample (~3 min)
    .venv/bin/python bench/bench_scale.py vectors --sizes 100000,300000,1000000
    .venv/bin/python bench/bench_scale.py engine --sizes 25000,100000,300000 --keep
    .venv/bin/python bench/bench_scale.py engine --sizes 25000,100000,300000 --reuse   # re-time on a quiet machine
    .venv/bin/python bench/bench_scale.py report --plot docs/scale.png  # the table (and plot) of what was measured

Everything goes through the product's own code; only the input is synthetic:
- `prepare` reads a seeded random sample of the real releases (../shared/data), runs the product's NER and embedding
  on it, and encodes the relevance set's 56 analyst queries (bench/data/relevance) with the product's query encoder.
- `vectors`: N releases x 2 passages (the product's passages per release), each passage vector a real passage's
  vector mixed with another's and noise, renormalised (so neighbourhoods are as crowded as real ones, not N copies
  of 2,000 points). Both an exact IndexFlatIP and the HNSW graph the build picks from APPROXIMATE_FROM passages are
  built, written and opened in a fresh process, which times the engine's semantic side per query (two passes: the
  query's vector, then the feedback-moved one, with 1,000 "keyword matches" scored exactly) and reports RSS.
  Recall@100: the HNSW semantic candidates' share of the exact ones.
- `engine`: whole versions written by the product's write_version (Whoosh, BM25F impacts, duplicates, catalog,
  vectors): release k takes most sentences of sample release k mod n, shuffled, plus sentences of two others, that
  release's mentions and its passages' vectors with noise. A fresh process opens it with Engine.open and runs the
  56 queries in each mode (after one warm pass): open seconds, RSS, p50/p95 ms.
- `report` prints the measured points and a least-squares line per cost, projected to 1M where not measured.

Results accumulate in --out (default bench/out/scale.json, not committed); the build indexes go to --workdir.
"""
from __future__ import annotations

import argparse
import gzip
import json
import os
import random
import re
import shutil
import subprocess
import sys
import time
from datetime import date, timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

import numpy as np  # noqa: E402

ROOT = Path(__file__).resolve().parents[1]
CORPUS = ROOT.parent / "shared" / "data" / "press-releases" / "press_releases.jsonl.gz"
QUERIES = ROOT / "bench" / "data" / "relevance" / "queries.jsonl"
PASSAGES_PER_RELEASE = 2
KEYWORD_MATCHES = 1000  # releases whose similarity fusion computes exactly (search/fusion.py CONVEX_KEYWORD_DEPTH)
MODES = ("keyword", "semantic", "hybrid")
_SENTENCE = re.compile(r"(?<=[.!?])\s+(?=[A-Z])")


def _status_mb(field: str) -> float:
    with open("/proc/self/status", encoding="ascii") as fh:
        return next(int(line.split()[1]) for line in fh if line.startswith(field + ":")) / 1024


def _rss_mb() -> float:
    """Peak resident memory of this process so far (MB). VmHWM, not ru_maxrss: Linux carries ru_maxrss across exec,
    so a probe started by a parent holding gigabytes of vectors would report the parent's peak."""
    return _status_mb("VmHWM")


def _current_rss_mb() -> float:
    """Resident memory now (MB), for what opening an index adds."""
    return _status_mb("VmRSS")


def _percentiles(ms: list[float]) -> dict[str, float]:
    return {"p50_ms": round(float(np.percentile(ms, 50)), 2), "p95_ms": round(float(np.percentile(ms, 95)), 2)}


def _dir_mb(path: Path) -> float:
    return round(sum(f.stat().st_size for f in path.rglob("*") if f.is_file()) / 2**20, 1)


def _load_results(path: Path) -> dict:
    return json.loads(path.read_text()) if path.exists() else {"vectors": {}, "engine": {}}


def _save_results(path: Path, results: dict) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(results, indent=1))


# -- prepare --------------------------------------------------------------------------------------------------------

def prepare(args: argparse.Namespace) -> None:
    from indexer.ingest.pipeline import embed_releases, extract_all
    from indexer.ingest.entities import load_nlp
    from indexer.ingest.progress import Progress
    from indexer.ingest.releases import read_releases
    from indexer.models.embeddings import load_embedder
    from indexer.store.records import Release

    releases = [r for r in read_releases([CORPUS]) if isinstance(r, Release)]
    sample = random.Random(17).sample(releases, args.sample)
    progress = Progress(show=True)
    mentions = extract_all(load_nlp(), sample, progress)
    embedder = load_embedder()
    vectors, passages = embed_releases(embedder, sample, progress)
    queries = [json.loads(line)["text"] for line in QUERIES.read_text(encoding="utf-8").splitlines() if line.strip()]
    from search.query_vectors import QueryVectors

    encoder = QueryVectors(embedder.name, embedder=embedder)
    query_vectors = np.stack([encoder.vector(q) for q in queries]).astype(np.float32)
    cache = Path(args.cache)
    cache.mkdir(parents=True, exist_ok=True)
    with open(cache / "sample.json", "w", encoding="utf-8") as fh:
        json.dump({"releases": [{"id": r.id, "title": r.title, "body": r.body, "source": r.source, "url": r.url}
                                for r in sample],
                   "mentions": [[[m.name, m.label, m.short] for m in found] for found in mentions],
                   "queries": queries, "embedding_model": embedder.name, "dimensions": embedder.dim}, fh)
    np.savez(cache / "vectors.npz", vectors=vectors, passage_release=passages.passage_release,
             query_vectors=query_vectors)
    print(f"sample of {len(sample)} releases: {len(vectors)} passages, {sum(map(len, mentions))} mentions, "
          f"{len(queries)} queries -> {cache}")


def _sample(cache: Path) -> tuple[dict, np.ndarray, np.ndarray, np.ndarray]:
    with open(cache / "sample.json", encoding="utf-8") as fh:
        meta = json.load(fh)
    with np.load(cache / "vectors.npz") as data:
        return meta, data["vectors"], data["passage_release"], data["query_vectors"]


def synthetic_vectors(base: np.ndarray, n: int, rng: np.random.Generator, noise: float = 0.35,
                      chunk: int = 200_000) -> np.ndarray:
    """n unit vectors: a real passage vector plus half of another one plus Gaussian noise of norm ~`noise`."""
    out = np.empty((n, base.shape[1]), dtype=np.float32)
    scale = noise / np.sqrt(base.shape[1])
    for start in range(0, n, chunk):
        m = min(chunk, n - start)
        v = base[rng.integers(0, len(base), m)] + 0.5 * base[rng.integers(0, len(base), m)]
        v += rng.standard_normal(v.shape, dtype=np.float32) * scale
        out[start:start + m] = v / np.linalg.norm(v, axis=1, keepdims=True)
    return out


# -- vectors --------------------------------------------------------------------------------------------------------

def vectors(args: argparse.Namespace) -> None:
    from indexer.store.vectors import APPROXIMATE_FROM, PassageMap, build_vector_index, write_vector_index

    cache, work, out = Path(args.cache), Path(args.workdir), Path(args.out)
    _, base, _, _ = _sample(cache)
    results = _load_results(out)
    for size in [int(s) for s in args.sizes.split(",")]:
        n = size * PASSAGES_PER_RELEASE
        folder = work / f"vectors-{size}"
        shutil.rmtree(folder, ignore_errors=True)
        folder.mkdir(parents=True)
        vecs = synthetic_vectors(base, n, np.random.default_rng(size))
        PassageMap.build([f"s{i:07d}" for i in range(size)],
                         [[(0, 96), (64, 160)]] * size).save(folder / "passages.npz")
        row: dict = {"releases": size, "passages": n, "picked": "hnsw" if n >= APPROXIMATE_FROM else "flat"}
        for kind, limit in (("flat", 10**12), ("hnsw", 0)):
            if kind == "hnsw" and n < args.hnsw_from:
                continue
            started = time.perf_counter()
            ix = build_vector_index(vecs, approximate_from=limit)
            built = time.perf_counter() - started
            write_vector_index(ix, folder / f"{kind}.faiss")
            del ix
            probe = json.loads(subprocess.run(
                [sys.executable, __file__, "probe-vectors", "--folder", str(folder), "--kind", kind,
                 "--cache", str(cache)], check=True, capture_output=True, text=True).stdout)
            row[kind] = {"build_s": round(built, 1), "file_mb": round((folder / f"{kind}.faiss").stat().st_size / 2**20),
                         **probe}
            print(f"{size:>9,} releases {kind:<5} build {built:7.1f} s  {json.dumps(probe)}", flush=True)
        if "hnsw" in row:
            row["hnsw"]["recall_at_100"] = _recall(folder, cache)
            print(f"{size:>9,} releases hnsw recall@100 of the semantic candidates {row['hnsw']['recall_at_100']}")
        results["vectors"][str(size)] = row
        _save_results(out, results)
        del vecs
        if not args.keep:
            shutil.rmtree(folder, ignore_errors=True)


def _semantic_side(semantic, vector: np.ndarray, keyword: np.ndarray):
    """What Engine._semantic_run does for a short hybrid query: candidates by the floor, then the moved vector."""
    from search.feedback import moved_vector
    from search.match_set import DEFAULT_FLOOR, semantic_candidates

    sims = semantic.passage_similarities(vector, keyword)
    similarity = semantic.release_similarities(vector, sims)
    candidates = semantic_candidates(similarity, DEFAULT_FLOOR)
    moved = moved_vector(vector, semantic, keyword, 0.75)
    sims = semantic.passage_similarities_of(moved, np.concatenate([candidates, keyword]))
    similarity = semantic.release_similarities(moved, sims)
    return semantic.run(candidates, similarity, sims)


def probe_vectors(args: argparse.Namespace) -> None:
    """In a fresh process: open one vector index, time the semantic side per query, print JSON."""
    from indexer.store.vectors import PassageMap, read_vector_index
    from search.semantic import SemanticRetriever

    folder = Path(args.folder)
    _, _, _, queries = _sample(Path(args.cache))
    before = _current_rss_mb()
    started = time.perf_counter()
    semantic = SemanticRetriever(read_vector_index(folder / f"{args.kind}.faiss"), PassageMap.load(folder / "passages.npz"))
    opened = time.perf_counter() - started
    added = _current_rss_mb() - before
    rng = np.random.default_rng(0)
    size = len(semantic.passages.release_ids)
    times = []
    for round_ in range(2):
        for v in queries:
            keyword = rng.choice(size, KEYWORD_MATCHES, replace=False)
            t = time.perf_counter()
            _semantic_side(semantic, v, keyword)
            if round_:
                times.append((time.perf_counter() - t) * 1000)
    print(json.dumps({"open_s": round(opened, 2), "rss_mb": round(_rss_mb()), "index_rss_mb": round(added),
                      **_percentiles(times)}))


def _recall(folder: Path, cache: Path) -> float:
    """The share of the exact semantic candidates (top 100) the HNSW side finds, over the queries."""
    from indexer.store.vectors import PassageMap, read_vector_index
    from search.match_set import DEFAULT_FLOOR, semantic_candidates
    from search.semantic import SemanticRetriever

    _, _, _, queries = _sample(cache)
    passages = PassageMap.load(folder / "passages.npz")
    flat = SemanticRetriever(read_vector_index(folder / "flat.faiss"), passages)
    exact = [semantic_candidates(flat.release_similarities(v), DEFAULT_FLOOR)[:100] for v in queries]
    del flat
    graph = SemanticRetriever(read_vector_index(folder / "hnsw.faiss"), passages)
    shares = []
    for v, want in zip(queries, exact):
        got = semantic_candidates(graph.release_similarities(v, graph.passage_similarities(v)), DEFAULT_FLOOR)[:100]
        if len(want):
            shares.append(len(np.intersect1d(want, got)) / len(want))
    return round(float(np.mean(shares)), 4) if shares else float("nan")


# -- engine ---------------------------------------------------------------------------------------------------------

def synthetic_releases(meta: dict, size: int, seed: int):
    """(releases, mentions, base index) for `size` releases recombined from the sample's sentences."""
    from indexer.store.records import Mention, Release

    rng = random.Random(seed)
    sample = meta["releases"]
    sentences = [_SENTENCE.split(r["body"]) for r in sample]
    mentions = [[Mention(name, label, short) for name, label, short in found] for found in meta["mentions"]]
    start = date(2019, 1, 1)
    releases, release_mentions, bases = [], [], []
    for k in range(size):
        j = k % len(sample)
        own = list(sentences[j])
        rng.shuffle(own)
        keep = own[: max(1, int(len(own) * 0.7))]
        for other in (rng.randrange(len(sample)), rng.randrange(len(sample))):
            keep += rng.sample(sentences[other], min(3, len(sentences[other])))
        rng.shuffle(keep)
        releases.append(Release(id=f"s{k:07d}", title=sample[j]["title"], body=" ".join(keep),
                                date=start + timedelta(days=rng.randrange(2900)), source=sample[j]["source"],
                                url=f"https://example.com/s{k}"))
        release_mentions.append(mentions[j])
        bases.append(j)
    return releases, release_mentions, bases


def engine(args: argparse.Namespace) -> None:
    from indexer.ingest.canonical import build_catalog
    from indexer.ingest.entities import DEFAULT_NER_MODEL
    from indexer.ingest.passages import split_passages
    from indexer.ingest.pipeline import VersionPlan, manifest, passage_map, write_version
    from indexer.ingest.progress import Progress
    from indexer.store import layout

    cache, work, out = Path(args.cache), Path(args.workdir), Path(args.out)
    meta, base_vectors, base_owner, _ = _sample(cache)
    first = np.searchsorted(base_owner, np.arange(len(meta["releases"]) + 1))
    results = _load_results(out)
    for size in [int(s) for s in args.sizes.split(",")]:
        index_dir = work / f"engine-{size}"
        if args.reuse and (index_dir / "CURRENT").exists() and str(size) in results["engine"]:
            # Time the queries again on the kept index (a quiet machine); the build figures stay.
            probe = json.loads(subprocess.run(
                [sys.executable, __file__, "probe-engine", "--index", str(index_dir), "--cache", str(cache)],
                check=True, capture_output=True, text=True).stdout)
            results["engine"][str(size)].update(probe)
            print(f"{size:>9,} releases (re-probed): {json.dumps(results['engine'][str(size)])}", flush=True)
            _save_results(out, results)
            continue
        shutil.rmtree(index_dir, ignore_errors=True)
        started = time.perf_counter()
        releases, mentions, bases = synthetic_releases(meta, size, seed=size)
        passages = [split_passages(r.title, r.body) for r in releases]
        pmap = passage_map(releases, passages)
        rng = np.random.default_rng(size)
        rows = np.concatenate([first[j] + np.minimum(np.arange(len(ps)), max(0, first[j + 1] - first[j] - 1))
                               for j, ps in zip(bases, passages)]).astype(np.int64)
        vecs = base_vectors[rows] + rng.standard_normal((len(rows), base_vectors.shape[1]),
                                                        dtype=np.float32) * (0.35 / np.sqrt(base_vectors.shape[1]))
        vecs = (vecs / np.linalg.norm(vecs, axis=1, keepdims=True)).astype(np.float32)
        made = time.perf_counter() - started
        progress = Progress(show=True)
        with progress.stage("catalog"):
            catalog = build_catalog([r.id for r in releases], mentions)
        with layout.writer_lock(index_dir):
            write_version(index_dir, VersionPlan(
                releases, catalog, None,
                lambda p: manifest(meta["embedding_model"], meta["dimensions"], "fp32", DEFAULT_NER_MODEL, p, catalog,
                                   0, roots=[]),
                kept=(vecs, pmap)), progress)
        built = {k: round(v, 1) for k, v in progress.seconds.items()}
        del releases, mentions, passages, vecs
        probe = json.loads(subprocess.run(
            [sys.executable, __file__, "probe-engine", "--index", str(index_dir), "--cache", str(cache)],
            check=True, capture_output=True, text=True).stdout)
        row = {"releases": size, "passages": int(len(pmap.passage_release)), "synthesis_s": round(made, 1),
               "build_s": built, "disk_mb": _dir_mb(index_dir), **probe}
        print(f"{size:>9,} releases: {json.dumps(row)}", flush=True)
        results["engine"][str(size)] = row
        _save_results(out, results)
        if not args.keep:
            shutil.rmtree(index_dir, ignore_errors=True)


def probe_engine(args: argparse.Namespace) -> None:
    """In a fresh process: open a synthetic index with Engine.open, time each mode over the queries, print JSON."""
    from search.engine import Engine
    from search.request import SearchRequest

    meta, _, _, _ = _sample(Path(args.cache))
    before = _current_rss_mb()
    started = time.perf_counter()
    engine_ = Engine.open(args.index)
    opened = time.perf_counter() - started
    added = _current_rss_mb() - before
    report: dict = {"open_s": round(opened, 2), "approximate": bool(engine_.semantic.approximate)}
    for q in meta["queries"]:  # warm: the query encoder, the models, the caches
        engine_.search(SearchRequest(q=q, mode="hybrid"))
    for mode in MODES:
        times, totals = [], []
        for q in meta["queries"]:
            t = time.perf_counter()
            result = engine_.search(SearchRequest(q=q, mode=mode))
            times.append((time.perf_counter() - t) * 1000)
            totals.append(result.total)
        report[mode] = {**_percentiles(times), "median_total": int(np.median(totals))}
    report["rss_mb"] = round(_rss_mb())
    report["open_rss_mb"] = round(added)
    print(json.dumps(report))


# -- report ---------------------------------------------------------------------------------------------------------

def _fit(points: list[tuple[float, float]]) -> tuple[float, float] | None:
    """Least-squares line (intercept, slope per release) through (releases, cost) points; None under two points."""
    if len(points) < 2:
        return None
    x, y = np.array(points, dtype=float).T
    slope, intercept = np.polyfit(x, y, 1)
    return float(intercept), float(slope)


def _projected(points: list[tuple[float, float]], at: int) -> str:
    fit = _fit(points)
    if fit is None:
        return "–"
    return f"{fit[0] + fit[1] * at:,.0f} (fit: {fit[0]:,.1f} + {fit[1] * 1e6:,.1f}/M releases)"


def report(args: argparse.Namespace) -> None:
    results = _load_results(Path(args.out))
    print("Vector side (the engine's semantic work for one query: two passes, 1,000 keyword matches scored exactly)\n")
    print("| releases | passages | index | build s | file MB | open s | RSS MB | p50 ms | p95 ms | recall@100 |")
    print("|---:|---:|---|---:|---:|---:|---:|---:|---:|---:|")
    for size, row in sorted(results["vectors"].items(), key=lambda kv: int(kv[0])):
        for kind in ("flat", "hnsw"):
            if kind in row:
                r = row[kind]
                picked = " (picked)" if row["picked"] == kind else ""
                print(f"| {int(size):,} | {row['passages']:,} | {kind}{picked} | {r['build_s']} | {r['file_mb']:,} | "
                      f"{r['open_s']} | {r['index_rss_mb']:,} | {r['p50_ms']} | {r['p95_ms']} | "
                      f"{r.get('recall_at_100', 'exact')} |")
    print("\nWhole engine (synthetic versions; Engine.open in a fresh process; 56 analyst queries, after a warm pass)\n")
    print("| releases | build s | disk MB | open s | RSS MB | keyword p50/p95 | semantic p50/p95 | hybrid p50/p95 |")
    print("|---:|---:|---:|---:|---:|---:|---:|---:|")
    engine_rows = sorted(results["engine"].values(), key=lambda r: r["releases"])
    for r in engine_rows:
        build = sum(v for k, v in r["build_s"].items() if k not in ("keyword index", "impacts"))
        print(f"| {r['releases']:,} | {build:,.0f} | {r['disk_mb']:,.0f} | {r['open_s']} | {r['rss_mb']:,} | "
              + " | ".join(f"{r[m]['p50_ms']} / {r[m]['p95_ms']}" for m in MODES) + " |")
    if engine_rows:
        at = args.project
        print(f"\nProjected to {at:,} releases from the engine rows (least squares, linear in releases):")
        for label, get in (("hybrid p95 ms", lambda r: r["hybrid"]["p95_ms"]),
                           ("keyword p95 ms", lambda r: r["keyword"]["p95_ms"]),
                           ("RSS MB", lambda r: r["rss_mb"]), ("disk MB", lambda r: r["disk_mb"]),
                           ("open s", lambda r: r["open_s"]),
                           ("build s", lambda r: sum(v for k, v in r["build_s"].items()
                                                     if k not in ("keyword index", "impacts")))):
            print(f"- {label}: {_projected([(r['releases'], get(r)) for r in engine_rows], at)}")
    if args.plot:
        _plot(results, Path(args.plot))


def _plot(results: dict, path: Path) -> None:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    fig, (left, right) = plt.subplots(1, 2, figsize=(10, 3.6))
    vec = sorted(results["vectors"].values(), key=lambda r: r["releases"])
    for kind, style in (("flat", "o-"), ("hnsw", "s-")):
        pts = [(r["releases"], r[kind]["p95_ms"]) for r in vec if kind in r]
        if pts:
            left.plot(*zip(*pts), style, label=f"{kind} p95")
    left.axhline(15, color="grey", lw=0.8, ls="--")
    left.set(xscale="log", yscale="log", xlabel="releases", ylabel="ms per query", title="Semantic side")
    left.legend()
    eng = sorted(results["engine"].values(), key=lambda r: r["releases"])
    for mode, style in zip(MODES, ("o-", "s-", "^-")):
        pts = [(r["releases"], r[mode]["p95_ms"]) for r in eng]
        if pts:
            right.plot(*zip(*pts), style, label=f"{mode} p95")
    right.axhline(150, color="grey", lw=0.8, ls="--")
    right.set(xscale="log", xlabel="releases", ylabel="ms per query", title="Whole engine")
    right.legend()
    fig.tight_layout()
    path.parent.mkdir(parents=True, exist_ok=True)
    fig.savefig(path, dpi=110)
    print(f"plot -> {path}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    commands = parser.add_subparsers(dest="command", required=True)
    for name in ("prepare", "vectors", "engine", "report", "probe-vectors", "probe-engine"):
        sub = commands.add_parser(name)
        sub.add_argument("--cache", default="/tmp/bench-scale/cache", help="the prepared sample")
        sub.add_argument("--workdir", default="/tmp/bench-scale", help="where the synthetic indexes are built")
        sub.add_argument("--out", default=str(ROOT / "bench" / "out" / "scale.json"))
        sub.add_argument("--keep", action="store_true", help="keep the synthetic indexes")
        if name == "prepare":
            sub.add_argument("--sample", type=int, default=1000)
        if name in ("vectors", "engine"):
            sub.add_argument("--sizes", required=True, help="releases, comma-separated")
        if name == "engine":
            sub.add_argument("--reuse", action="store_true", help="re-time the queries on kept indexes (--keep)")
        if name == "vectors":
            sub.add_argument("--hnsw-from", type=int, default=0, help="build HNSW too from this many passages")
        if name == "report":
            sub.add_argument("--plot", default="")
            sub.add_argument("--project", type=int, default=1_000_000)
        if name == "probe-vectors":
            sub.add_argument("--folder", required=True)
            sub.add_argument("--kind", required=True)
        if name == "probe-engine":
            sub.add_argument("--index", required=True)
    args = parser.parse_args()
    os.environ.setdefault("TOKENIZERS_PARALLELISM", "false")
    {"prepare": prepare, "vectors": vectors, "engine": engine, "report": report, "probe-vectors": probe_vectors,
     "probe-engine": probe_engine}[args.command](args)


if __name__ == "__main__":
    main()
