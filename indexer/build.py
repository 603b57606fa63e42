"""Build one index version from release files: parse → entities → keyword index + vector index + catalog → publish."""
from __future__ import annotations

import datetime as dt
import shutil
import time
from collections import Counter
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Iterator, Sequence

import numpy as np
from tqdm import tqdm

from indexer import layout
from indexer.catalog import Catalog, build_catalog
from indexer.embeddings import DEFAULT_EMBEDDING_MODEL, Embedder, load_embedder
from indexer.entities import DEFAULT_NER_MODEL, extract_mentions, load_nlp, release_text
from indexer.keyword_index import SCHEMA_VERSION, write_keyword_index
from indexer.passages import PASSAGE_OVERLAP, PASSAGE_WORDS, split_passages
from indexer.releases import Problem, Release, read_releases
from indexer.vector_index import PassageMap, build_vector_index, write_vector_index

EMBED_CHUNK = 512  # passages per progress step


class BuildError(RuntimeError):
    """The build could not produce a version; the last good version keeps serving."""


@dataclass
class BuildSummary:
    version: Path
    releases: int
    passages: int
    entities: int
    problems: list[Problem] = field(default_factory=list)
    seconds: dict[str, float] = field(default_factory=dict)

    def report(self) -> str:
        """The human summary printed at the end of `announcements index`."""
        total = sum(self.seconds.values())
        lines = [
            f"Indexed {self.releases} releases ({self.passages} passages, {self.entities} entities) "
            f"in {total:.1f} s → {self.version}",
            "  time per stage: " + ", ".join(f"{k} {v:.1f} s" for k, v in self.seconds.items()),
        ]
        if self.problems:
            reasons = Counter(p.reason.split(":")[0].split(" (")[0] for p in self.problems)
            lines.append(f"  skipped {len(self.problems)}: " + ", ".join(f"{n} × {r}" for r, n in reasons.most_common()))
            lines += [f"    {p.origin}: {p.reason}" for p in self.problems[:20]]
            if len(self.problems) > 20:
                lines.append(f"    … and {len(self.problems) - 20} more")
        else:
            lines.append("  skipped 0")
        return "\n".join(lines)


@contextmanager
def _timed(seconds: dict[str, float], stage: str) -> Iterator[None]:
    start = time.perf_counter()
    yield
    seconds[stage] = seconds.get(stage, 0.0) + time.perf_counter() - start


def _embed(embedder: Embedder, texts: Sequence[str], progress: bool) -> np.ndarray:
    out = np.zeros((len(texts), embedder.dim), dtype=np.float32)
    with tqdm(total=len(texts), desc="embed", unit="passage", disable=not progress) as bar:
        for start in range(0, len(texts), EMBED_CHUNK):
            chunk = texts[start : start + EMBED_CHUNK]
            out[start : start + len(chunk)] = embedder.encode(chunk)
            bar.update(len(chunk))
    return out


def build_index(
    paths: Sequence[str | Path],
    index_dir: str | Path,
    *,
    embedding_model: str = DEFAULT_EMBEDDING_MODEL,
    ner_model: str = DEFAULT_NER_MODEL,
    embedder: Embedder | None = None,
    nlp=None,
    progress: bool = True,
) -> BuildSummary:
    """Index every release under `paths` into a new version of `index_dir` and publish it atomically."""
    index_dir = Path(index_dir)
    seconds: dict[str, float] = {}
    releases: list[Release] = []
    problems: list[Problem] = []

    with _timed(seconds, "parse"):
        for item in tqdm(read_releases(paths), desc="parse", unit="release", disable=not progress):
            (releases if isinstance(item, Release) else problems).append(item)
    if not releases:
        where = ", ".join(str(p) for p in paths)
        raise BuildError(f"nothing to index: no releases found in {where} ({len(problems)} skipped)"
                         + "".join(f"\n  {p.origin}: {p.reason}" for p in problems[:20]))

    with _timed(seconds, "load models"):
        nlp = nlp or load_nlp(ner_model)
        embedder = embedder or load_embedder(embedding_model)

    with _timed(seconds, "ner"):
        texts = (release_text(r.title, r.body) for r in releases)
        mentions = list(tqdm(extract_mentions(nlp, texts), total=len(releases), desc="ner",
                             unit="release", disable=not progress))
        catalog = build_catalog([r.id for r in releases], mentions)

    passages = [split_passages(r.title, r.body) for r in releases]
    flat_texts = [p.text for release_passages in passages for p in release_passages]
    with _timed(seconds, "embed"):
        vectors = _embed(embedder, flat_texts, progress)

    build_dir = layout.new_build_dir(index_dir)
    try:
        with _timed(seconds, "write"):
            keys = [catalog.releases[r.id].mention_keys() for r in releases]
            write_keyword_index(build_dir / layout.KEYWORD_DIR, releases, keys)
            write_vector_index(build_vector_index(vectors), build_dir / layout.VECTORS)
            PassageMap.build([r.id for r in releases], [[(p.start, p.end) for p in ps] for ps in passages]).save(
                build_dir / layout.PASSAGES
            )
            catalog.save(build_dir / layout.CATALOG)
            layout.write_json(build_dir / layout.MANIFEST, {
                "format": layout.FORMAT_VERSION,
                "created": dt.datetime.now(dt.timezone.utc).isoformat(timespec="seconds"),
                "embedding_model": embedder.name,
                "dimensions": embedder.dim,
                "embedding_precision": embedder.precision,
                "ner_model": ner_model,
                "releases": len(releases),
                "passages": len(flat_texts),
                "entities": len(catalog.entities),
                "passage_words": PASSAGE_WORDS,
                "passage_overlap": PASSAGE_OVERLAP,
                "keyword_schema": SCHEMA_VERSION,
                "skipped": len(problems),
            })
        with _timed(seconds, "publish"):
            version = layout.publish(index_dir, build_dir)
    except BaseException:
        shutil.rmtree(build_dir, ignore_errors=True)
        raise
    return BuildSummary(version, len(releases), len(flat_texts), len(catalog.entities), problems, seconds)


def rebuild_keyword_index(paths: Sequence[str | Path], index_dir: str | Path, *, progress: bool = True) -> Path:
    """Publish a new version whose keyword index is rewritten from `paths` (the same releases the live version was
    built from) with the current schema; vectors, passages and catalog are copied, so no NER or embedding is redone.
    """
    index_dir = Path(index_dir)
    live = layout.current_version(index_dir)
    catalog = Catalog.load(live / layout.CATALOG)
    releases = [r for r in tqdm(read_releases(paths), desc="parse", unit="release", disable=not progress)
                if isinstance(r, Release)]
    if [r.id for r in releases] != [str(rid) for rid in PassageMap.load(live / layout.PASSAGES).release_ids]:
        raise BuildError(f"the releases in {', '.join(map(str, paths))} are not the ones indexed in {live}")
    build_dir = layout.new_build_dir(index_dir)
    try:
        for name in (layout.VECTORS, layout.PASSAGES, layout.CATALOG):
            shutil.copy2(live / name, build_dir / name)
        write_keyword_index(build_dir / layout.KEYWORD_DIR, releases,
                            [catalog.releases[r.id].mention_keys() for r in releases])
        manifest = layout.read_json(live / layout.MANIFEST)
        manifest.update(keyword_schema=SCHEMA_VERSION,
                        created=dt.datetime.now(dt.timezone.utc).isoformat(timespec="seconds"))
        layout.write_json(build_dir / layout.MANIFEST, manifest)
        return layout.publish(index_dir, build_dir)
    except BaseException:
        shutil.rmtree(build_dir, ignore_errors=True)
        raise
