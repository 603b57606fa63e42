"""Would int8 ONNX Runtime embedding make the build faster without losing relevance? Prints numbers; decides nothing.

    .venv/bin/python bench/bench_embed_int8.py                 # speed on 512 real passages, SciFact test nDCG@10
    .venv/bin/python bench/bench_embed_int8.py --no-scifact    # speed and agreement only (~2 min)

Three ways to embed the product's passages (indexer/ingest/passages.py, the build's own split):
- torch fp32: the build today (sentence-transformers, both cores);
- ONNX fp32: the query encoder's export (indexer/models/query_encoder.py) run by ONNX Runtime on both cores, batched
  and padded as sentence-transformers batches;
- ONNX int8: that export quantised by ONNX Runtime's own `quantize_dynamic` (int8 weights, per-channel).
For each: passages per second on the same 512 passages of real releases, and the cosine of its vectors to torch's.
With SciFact (../shared/data/scifact): the semantic ranking of the test queries (each document by its best passage,
the product's SemanticRetriever) from each way's corpus vectors, nDCG@10 - the relevance a faster build would cost.
"""
from __future__ import annotations

import argparse
import json
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

import numpy as np  # noqa: E402

ROOT = Path(__file__).resolve().parents[1]
CORPUS = ROOT.parent / "shared" / "data" / "press-releases" / "press_releases.jsonl.gz"
SCIFACT = ROOT.parent / "shared" / "data" / "scifact"
BATCH = 16


class OnnxPassageEncoder:
    """Batched passages through an exported model in ONNX Runtime, mean-pooled over real tokens and normalised."""

    def __init__(self, path: Path, model_dir: Path, max_tokens: int, threads: int = 2) -> None:
        import onnxruntime
        from tokenizers import Tokenizer

        options = onnxruntime.SessionOptions()
        options.intra_op_num_threads = threads
        self.session = onnxruntime.InferenceSession(str(path), options, providers=["CPUExecutionProvider"])
        self.inputs = [i.name for i in self.session.get_inputs()]
        self.tokenizer = Tokenizer.from_file(str(model_dir / "tokenizer.json"))
        self.tokenizer.enable_truncation(max_tokens)
        self.tokenizer.enable_padding()

    def encode(self, texts: list[str]) -> np.ndarray:
        out = []
        for start in range(0, len(texts), BATCH):
            encodings = self.tokenizer.encode_batch(texts[start:start + BATCH])
            columns = {"input_ids": [e.ids for e in encodings], "attention_mask": [e.attention_mask for e in encodings],
                       "token_type_ids": [e.type_ids for e in encodings]}
            feed = {name: np.array(columns[name], dtype=np.int64) for name in self.inputs}
            tokens = self.session.run(None, feed)[0]
            mask = feed["attention_mask"][:, :, None].astype(np.float32)
            pooled = (tokens * mask).sum(axis=1) / np.maximum(mask.sum(axis=1), 1e-9)
            out.append(pooled / np.linalg.norm(pooled, axis=1, keepdims=True))
        return np.concatenate(out).astype(np.float32)


def passages_of(releases) -> tuple[list[str], list[list[tuple[int, int]]]]:
    from indexer.ingest.passages import split_passages

    texts, spans = [], []
    for release in releases:
        found = split_passages(release.title, release.body)
        texts += [p.text for p in found]
        spans.append([(p.start, p.end) for p in found])
    return texts, spans


def timed(encode, texts: list[str]) -> tuple[np.ndarray, float]:
    encode(texts[:BATCH])  # warm
    started = time.perf_counter()
    vectors = encode(texts)
    return vectors, len(texts) / (time.perf_counter() - started)


def scifact_ndcg(encoders: dict, query_encoder) -> dict[str, float]:
    from indexer.ingest.beir import write_releases
    from indexer.ingest.releases import read_releases
    from indexer.store.records import Release
    from indexer.store.vectors import PassageMap, build_vector_index
    from search.evaluate import load_beir, score_run
    from search.semantic import SemanticRetriever

    dataset = load_beir(SCIFACT, "test")
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "scifact.jsonl"
        write_releases(SCIFACT / "corpus.jsonl", path)
        releases = [r for r in read_releases([path]) if isinstance(r, Release)]
    texts, spans = passages_of(releases)
    passages = PassageMap.build([r.id for r in releases], spans)
    queries = {qid: query_encoder(text) for qid, text in dataset.queries.items()}
    scores = {}
    for name, encode in encoders.items():
        started = time.perf_counter()
        semantic = SemanticRetriever(build_vector_index(encode(texts), approximate_from=10**12), passages)
        run = {}
        for qid, vector in queries.items():
            similarity = semantic.release_similarities(vector)
            top = np.argsort(-similarity, kind="stable")[:100]
            run[qid] = [str(passages.release_ids[i]) for i in top]
        scores[name] = round(score_run(run, dataset.qrels)["ndcg@10"], 4)
        print(f"  SciFact {name}: {len(texts)} passages embedded in {time.perf_counter() - started:.0f} s, "
              f"test nDCG@10 {scores[name]}", flush=True)
    return scores


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--passages-from", type=int, default=256, help="real releases whose passages are timed")
    parser.add_argument("--no-scifact", action="store_true")
    parser.add_argument("--scifact-ways", default="torch fp32,onnx int8", help="which ways SciFact embeds (each takes "
                        "~5 min on 2 cores)")
    args = parser.parse_args()

    from onnxruntime.quantization import QuantType, quantize_dynamic

    from indexer.ingest.releases import read_releases
    from indexer.models.embeddings import load_embedder
    from indexer.models.query_encoder import export_onnx, model_shape
    from indexer.store.records import Release

    embedder = load_embedder()
    shape = model_shape(embedder.name)
    work = Path(tempfile.mkdtemp(prefix="embed-int8-"))
    export_onnx(embedder, work / "fp32.onnx")
    quantize_dynamic(str(work / "fp32.onnx"), str(work / "int8.onnx"), weight_type=QuantType.QInt8,
                     per_channel=True)
    max_tokens = embedder.model.max_seq_length
    onnx32 = OnnxPassageEncoder(work / "fp32.onnx", shape.model_dir, max_tokens)
    onnx8 = OnnxPassageEncoder(work / "int8.onnx", shape.model_dir, max_tokens)
    encoders = {"torch fp32": embedder.encode, "onnx fp32": onnx32.encode, "onnx int8": onnx8.encode}

    releases = []
    for item in read_releases([CORPUS]):
        if isinstance(item, Release):
            releases.append(item)
        if len(releases) >= args.passages_from:
            break
    texts, _ = passages_of(releases)
    texts = texts[:512]
    base = None
    report = {}
    for name, encode in encoders.items():
        vectors, rate = timed(encode, texts)
        base = vectors if base is None else base
        cosine = np.sum(vectors * base, axis=1)
        report[name] = {"passages_per_s": round(rate, 1), "cosine_mean": round(float(cosine.mean()), 5),
                        "cosine_min": round(float(cosine.min()), 5)}
        print(f"{name}: {rate:.1f} passages/s on {len(texts)} passages, cosine to torch mean "
              f"{cosine.mean():.5f} min {cosine.min():.5f}", flush=True)
    if not args.no_scifact:
        ways = [w.strip() for w in args.scifact_ways.split(",") if w.strip()]
        report["scifact_test_ndcg10"] = scifact_ndcg({w: encoders[w] for w in ways}, embedder.encode_query)
    print(json.dumps(report))


if __name__ == "__main__":
    main()
