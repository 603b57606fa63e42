"""Deterministic stand-ins for the two trained models, for the fast test tier only.

The real spaCy and MiniLM pipelines are tested by the `model` tier; here they are replaced so that the real build,
search and web code runs on small indexes in milliseconds:

- `hashed_words_embedder()`: the real `Embedder` dataclass around a hashed bag of stemmed words, so
  `Embedder.encode` (torch autocast, float32 normalisation), the build's embedding stage and the engine's
  torch fallback for query vectors all run unchanged. Its name is not a model folder, so the query encoder
  never tries an ONNX export (`indexer.models.query_encoder.model_shape` returns None for it).
- `ruler_nlp()`: a real spaCy pipeline without trained weights (`spacy.blank("en")` + `entity_ruler`) that labels
  exactly the names listed in ENTITY_PATTERNS, so the mentions fed to the real canonicalisation are known.
"""
from __future__ import annotations

import hashlib
import json
from pathlib import Path
from typing import Sequence

import numpy as np

from indexer.models.embeddings import Embedder

EMBEDDER_NAME = "test-hashed-words-64"  # recorded in the stand-in indexes' manifests; not a folder or hub name
DIMENSIONS = 64
NER_NAME = "test-blank-en-entity-ruler"


class HashedWords:
    """Text -> unit vector: each stemmed, lowercased non-stop word adds +-1 to one of `dim` buckets (feature
    hashing with a sign). Texts sharing words are similar; it is deterministic across processes (blake2b, not
    Python's salted hash). Exposes what `Embedder` reads of a sentence-transformers model."""

    max_seq_length = 256

    def __init__(self, dim: int = DIMENSIONS) -> None:
        from whoosh.analysis import StemmingAnalyzer

        self.dim = dim
        self._analyzer = StemmingAnalyzer()  # the keyword index's own stemming: "ports" and "port" are one word

    def get_sentence_embedding_dimension(self) -> int:
        return self.dim

    def vector(self, text: str) -> np.ndarray:
        out = np.zeros(self.dim, dtype=np.float32)
        for token in self._analyzer(text):
            digest = int.from_bytes(hashlib.blake2b(token.text.encode(), digest_size=8).digest(), "little")
            out[digest % self.dim] += 1.0 if (digest >> 32) & 1 else -1.0
        norm = float(np.linalg.norm(out))
        return out / norm if norm else out

    def encode(self, texts: Sequence[str], *, batch_size: int = 16, convert_to_numpy: bool = True,
               convert_to_tensor: bool = False, show_progress_bar: bool = False):  # noqa: ARG002 - the model's API
        """Like SentenceTransformer.encode: a torch tensor when `convert_to_tensor` (what Embedder asks for)."""
        matrix = np.stack([self.vector(t) for t in texts]) if texts else np.zeros((0, self.dim), dtype=np.float32)
        if convert_to_tensor:
            import torch

            return torch.from_numpy(matrix)
        return matrix


def hashed_words_embedder() -> Embedder:
    return Embedder(name=EMBEDDER_NAME, model=HashedWords(), precision="fp32")


# Every name the stand-in NER knows, with the spaCy label the real model would give it. Phrase patterns are matched
# token by token; of overlapping matches the longest wins ("CIMC Wetrans" over "CIMC").
ENTITY_PATTERNS: dict[str, tuple[str, ...]] = {
    "ORG": (
        # seeds/
        "CIMC", "CIMC Wetrans", "SITC", "SITC Logistics Group", "Hisense", "Hisense TransTech", "Qingdao Port",
        "Shandong Port Group", "SPG Qingdao Port Group", "Yunnan Provincial Government",
        # TINY_CORPUS
        "Acme Robotics", "Borealis Sensors", "Harbor Bank", "Northwind Energy",
    ),
    "PERSON": (
        "Gao Xiang", "Li Yin Hui", "Hu Pengfei", "Wang Yubo", "Yang Bin", "Wang Ningyu", "Mai Boliang",
        "Lai Zhiyong", "Zhang Sihai", "Li Wucheng", "Yang Shaopeng", "Jia Shaoqian", "Chen Weiqiang",
        "Jane Okafor", "Tom Becker",
    ),
    "GPE": ("Kunming", "Yunnan Province", "Shenzhen", "China", "Qingdao", "Lyon", "Oslo", "Texas"),
    "FAC": ("China-Laos Railway", "Oslo Harbour Terminal"),
}


def ruler_nlp():
    """spaCy's blank English tokenizer and an entity_ruler with ENTITY_PATTERNS: no weights, no randomness."""
    import spacy

    nlp = spacy.blank("en")
    ruler = nlp.add_pipe("entity_ruler")
    ruler.add_patterns([{"label": label, "pattern": name}
                        for label, names in ENTITY_PATTERNS.items() for name in names])
    return nlp


# A corpus whose every answer is known: ids t1..t6, four dated in 2024, t5 undated, t6 in March 2025.
TINY_CORPUS: tuple[dict[str, str], ...] = (
    {"id": "t1", "date": "2024-01-15", "source": "wire-a", "url": "https://example.com/t1",
     "title": "Acme Robotics acquires Borealis Sensors",
     "body": "LYON, January 15, 2024 - Acme Robotics today announced that it has acquired Borealis Sensors, a maker "
             "of lidar sensors for warehouse robots. Jane Okafor, chief executive of Acme Robotics, said the "
             "sensors will ship in every new robot.\n\nAbout Acme Robotics\n\nAcme Robotics builds warehouse "
             "robots in Lyon."},
    {"id": "t2", "date": "2024-02-10", "source": "wire-a", "url": "https://example.com/t2",
     "title": "Acme Robotics reports record quarterly results",
     "body": "LYON, February 10, 2024 - Acme Robotics reported record revenue for the fourth quarter, driven by "
             "demand for warehouse automation. Tom Becker, chief financial officer, expects growth to continue."},
    {"id": "t3", "date": "2024-02-20", "source": "wire-b", "url": "https://example.com/t3",
     "title": "Borealis Sensors opens a lidar factory in Texas",
     "body": "Borealis Sensors will manufacture lidar units at a new factory in Texas. The plant employs 200 "
             "people and supplies Acme Robotics."},
    {"id": "t4", "date": "2024-03-05", "source": "wire-b", "url": "https://example.com/t4",
     "title": "Harbor Bank and Northwind Energy sign a financing agreement for offshore wind",
     "body": "OSLO, March 5, 2024 - Harbor Bank will lend Northwind Energy 300 million euros for an offshore wind "
             "farm served from the Oslo Harbour Terminal. Jane Okafor joins the project board."},
    {"id": "t5", "source": "wire-c", "url": "https://example.com/t5",
     "title": "Northwind Energy partners with Acme Robotics on turbine inspection",
     "body": "Northwind Energy and Acme Robotics will use inspection robots on wind turbines near Oslo. "
             "The release names no date."},
    {"id": "t6", "date": "2025-03-12", "source": "wire-c", "url": "https://example.com/t6",
     "title": "Community garden volunteers plant trees",
     "body": "Volunteers planted two hundred trees in the community garden on Saturday. Gardening tools were "
             "donated by local residents."},
)


# Copies of TINY_CORPUS releases whose duplicate grouping is known (tests/search/test_duplicates.py says which):
# t1-wire (t1 on another wire the next day), t3-fix (a correction of t3 with a rewritten body), t2-q3 (t2's text for
# another quarter months later: not a copy), t6-agm / t6-agm-b (a short generic title shared by two organisations the
# same week: not copies).
TINY_COPIES: tuple[dict[str, str], ...] = (
    {**TINY_CORPUS[0], "id": "t1-wire", "date": "2024-01-16", "source": "wire-b", "url": "https://example.com/t1-wire"},
    {**TINY_CORPUS[2], "id": "t3-fix", "date": "2024-02-22", "title": "Correction: " + TINY_CORPUS[2]["title"],
     "body": "Borealis Sensors corrects yesterday's headcount: the Texas plant will employ 250 people, not 200."},
    {**TINY_CORPUS[1], "id": "t2-q3", "date": "2024-10-10", "title": "Acme Robotics reports record quarterly revenue"},
    {"id": "t6-agm", "date": "2024-05-02", "source": "wire-c", "url": "https://example.com/agm",
     "title": "Notice of annual meeting", "body": "Harbor Bank will hold its annual meeting in Oslo on 30 May."},
    {"id": "t6-agm-b", "date": "2024-05-03", "source": "wire-c", "url": "https://example.com/agm-b",
     "title": "Notice of Annual Meeting", "body": "Northwind Energy shareholders meet in Aberdeen in June to vote."},
)


# Releases with wires and tickers whose facets are known (tests/search/test_wire_ticker.py): l1 on IBN and l1-copy
# (the same text a day later on News Direct, one duplicate group) print NASDAQ:ACME and NYSE:HBK; l2 (News Direct)
# prints NASDAQ:ACME as "Nasdaq: ACME"; l3 carries a 24-7PressRelease dateline mark and no source and prints TSXV:BSR;
# l4 has no wire and prints OTCQB:NWND; l5's source is markup (a wire name is shown as the source gives it).
_L1_BODY = ("LYON, January 10, 2024 - Acme Robotics (NASDAQ: ACME) today signed a supply agreement with Harbor Bank "
            "(NYSE: HBK) for warehouse robots in every branch.")
LISTED_CORPUS: tuple[dict[str, str], ...] = (
    {"id": "l1", "date": "2024-01-10", "source": "ibn", "url": "https://example.com/l1",
     "title": "Acme Robotics signs a supply agreement with Harbor Bank", "body": _L1_BODY},
    {"id": "l1-copy", "date": "2024-01-11", "source": "newsdirect", "url": "https://example.com/l1-copy",
     "title": "Acme Robotics signs a supply agreement with Harbor Bank", "body": _L1_BODY},
    {"id": "l2", "date": "2024-02-01", "source": "newsdirect", "url": "https://example.com/l2",
     "title": "Acme Robotics reports record quarterly results",
     "body": "Acme Robotics (Nasdaq: ACME) reported record revenue for the quarter, driven by warehouse automation."},
    {"id": "l3", "date": "2024-02-20", "url": "https://example.com/l3",
     "title": "Borealis Sensors opens a lidar factory",
     "body": "TEXAS, February 20, 2024 /24-7PressRelease/ -- Borealis Sensors (TSX.V: BSR) will manufacture lidar "
             "units at a new factory in Texas."},
    {"id": "l4", "date": "2024-03-05", "url": "https://example.com/l4",
     "title": "Northwind Energy starts an offshore wind farm",
     "body": "Northwind Energy (OTCQB: NWND) started building an offshore wind farm near Oslo."},
    {"id": "l5", "date": "2024-03-06", "source": "<b onmouseover=alert(1)>Evil</b>", "url": "https://example.com/l5",
     "title": "Volunteers plant trees in the community garden",
     "body": "Volunteers planted two hundred trees in the community garden on Saturday."},
)


def listed_nlp():
    """ruler_nlp() with the product's own name patterns (indexer/ingest/patterns.py), which find tickers."""
    from indexer.ingest.patterns import add_name_patterns

    nlp = ruler_nlp()
    add_name_patterns(nlp)
    return nlp


def write_tiny_corpus(path: Path, releases: Sequence[dict[str, str]] = TINY_CORPUS) -> Path:
    """Releases (TINY_CORPUS by default) as the JSONL the indexer reads."""
    path.write_text("".join(json.dumps(r) + "\n" for r in releases), encoding="utf-8")
    return path
