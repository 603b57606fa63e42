"""A BEIR corpus (`corpus.jsonl` of `{"_id","title","text"}`) indexed with the product's own build, and kept in a
cache directory while the corpus and the build settings are unchanged (`announcements evaluate --index DIR`)."""
from __future__ import annotations

import hashlib
import json
import tempfile
from pathlib import Path

from indexer.ingest.build import BuildError, build_index, rebuild_keyword_index
from indexer.ingest.entities import DEFAULT_NER_MODEL, NER_WORDS
from indexer.ingest.passages import MAX_PASSAGES, PASSAGE_OVERLAP, PASSAGE_WORDS
from indexer.models.embeddings import DEFAULT_EMBEDDING_MODEL
from indexer.store import layout
from indexer.store.keyword_index import SCHEMA_VERSION as KEYWORD_SCHEMA

FINGERPRINT_FILE = "beir-corpus.json"  # side file in a cache dir: which corpus and settings its index was built from


def corpus_fingerprint(corpus: Path, embedding_model: str, ner_model: str) -> str:
    """What the vectors and catalog built from this corpus depend on: the corpus bytes and the build settings.

    The keyword schema is recorded separately: a change there only needs the keyword index rewritten.
    """
    digest = hashlib.sha256()
    with open(corpus, "rb") as fh:
        for block in iter(lambda: fh.read(1 << 20), b""):
            digest.update(block)
    settings = [layout.FORMAT_VERSION, embedding_model, ner_model, PASSAGE_WORDS, PASSAGE_OVERLAP, MAX_PASSAGES,
                NER_WORDS]
    digest.update(json.dumps(settings).encode())
    return digest.hexdigest()


def write_releases(corpus: Path, target: Path) -> int:
    """BEIR `{"_id","title","text"}` → the product's `{"id","title","body"}` JSONL; returns the count.

    A document without a title gets its first words as the title (the product requires one).
    """
    count = 0
    with open(corpus, encoding="utf-8") as src, open(target, "w", encoding="utf-8") as out:
        for lineno, line in enumerate(src, start=1):
            if not line.strip():
                continue
            try:
                doc = json.loads(line)
            except json.JSONDecodeError as exc:
                raise BuildError(f"{corpus}:{lineno}: invalid JSON ({exc.msg})") from None
            text = doc.get("text") or ""
            title = (doc.get("title") or "").strip() or " ".join(text.split()[:12]) or str(doc["_id"])
            out.write(json.dumps({"id": str(doc["_id"]), "title": title, "body": text}, ensure_ascii=False) + "\n")
            count += 1
    return count


def cached_index(corpus: Path, cache_dir: Path, *, nlp=None, embedder=None, progress: bool = True) -> Path:
    """An index of the BEIR corpus in `cache_dir`: reused when its fingerprint matches, else (re)built."""
    model = embedder.name if embedder is not None else DEFAULT_EMBEDDING_MODEL
    fingerprint = corpus_fingerprint(corpus, model, DEFAULT_NER_MODEL)
    side = cache_dir / FINGERPRINT_FILE
    reusable = False
    try:
        recorded = layout.read_json(side)
        reusable = (recorded.get("fingerprint") == fingerprint
                    and layout.current_version(cache_dir).name == recorded["version"])
    except (FileNotFoundError, layout.IndexNotFound, KeyError, ValueError):
        pass
    if reusable and recorded.get("keyword_schema") == KEYWORD_SCHEMA:
        return cache_dir
    cache_dir.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(prefix="beir-releases-") as tmp:
        releases = Path(tmp) / "releases.jsonl"
        write_releases(corpus, releases)
        if reusable:  # same corpus and models, older keyword schema: rewrite only the keyword index
            version = rebuild_keyword_index([releases], cache_dir, progress=progress)
        else:
            summary = build_index([releases], cache_dir, nlp=nlp, embedder=embedder, progress=progress)
            if summary.problems:
                raise BuildError(f"{len(summary.problems)} corpus documents could not be indexed, e.g. "
                                 f"{summary.problems[0].origin}: {summary.problems[0].reason}")
            version = summary.version
    layout.write_json(side, {"fingerprint": fingerprint, "keyword_schema": KEYWORD_SCHEMA, "version": version.name,
                             "corpus": str(corpus.resolve())})
    return cache_dir
