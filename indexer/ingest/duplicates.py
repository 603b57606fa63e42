"""Group the releases of a version that are the same announcement (README, "Duplicate grouping").

Two releases are joined when they are dated at most DUPLICATE_DAYS apart (or either is undated) and
- their texts (title + body, as word 3-shingles) have an estimated Jaccard similarity of at least TEXT_THRESHOLD
  (MinHash signatures, candidates found by LSH: datasketch; the estimate is checked, LSH only proposes), or
- their titles are the same once a correction prefix is dropped (indexer.store.duplicates.title_key), and the title
  is specific enough to name one announcement: at least MIN_TITLE_WORDS words, or a correction prefix on one side, or
  texts at least TITLE_TEXT_THRESHOLD alike ("Notice of Annual General Meeting" from two companies the same week is
  not one announcement).
Text shared by many releases is a template, not evidence of a copy: a signature slot whose value more than
TEMPLATE_RELEASES releases hold comes from boilerplate (a photo archive's copyright block around a one-line caption, one
"Sell My House Fast" text sent for eleven cities, a law firm's class-action notice). Beyond the text match above, the
slots of the two releases that are not template must also agree at least DISTINCT_THRESHOLD of the time (the title
rule does not need this: its titles name one announcement). Without this
rule, 28 different archive photos formed one group over the full corpus, and 11 city releases another.
Groups are the connected components of these pairs. The date window is the related list's (search/related.py): one
company's template reused for another quarter months later is a different announcement.

An update hashes only its new releases: the signatures of the kept ones are read from the base version.
"""
from __future__ import annotations

import re
import unicodedata
from pathlib import Path
from typing import Iterator, Sequence

import numpy as np
from datasketch import MinHash, MinHashLSH
from scipy import sparse
from scipy.sparse.csgraph import connected_components

from indexer.store import layout
from indexer.store.duplicates import DUPLICATE_DAYS, DUPLICATES, DuplicateData, is_corrected, title_key
from indexer.store.keyword_index import open_keyword_index, stored_release
from indexer.store.records import Release

PERMUTATIONS = 128
SCHEME = "affine32"  # datasketch's permutation scheme, named so that stored signatures are read back with it
SHINGLE_WORDS = 3
TEMPLATE_RELEASES = 8  # a slot value held by more releases than this comes from a template (copies: at most ~6)
DISTINCT_THRESHOLD = 0.3  # agreement of the non-template slots (different captions agree ~0; re-sends >= 0.44)
TEXT_THRESHOLD = 0.85  # estimated Jaccard of word 3-shingles (0.8 joined an offering with its closing, days later)
TITLE_TEXT_THRESHOLD = 0.3  # a short title's match also needs this much text in common
MIN_TITLE_WORDS = 6
_WORD = re.compile(r"\w+")


def shingles(release: Release) -> set[bytes]:
    """The release's word 3-shingles (NFKC, casefolded; numbers kept: they tell one quarter's figures from another's)."""
    words = _WORD.findall(unicodedata.normalize("NFKC", f"{release.title}\n{release.body}").casefold())
    if len(words) < SHINGLE_WORDS:
        return {" ".join(words).encode()}
    return {" ".join(words[i:i + SHINGLE_WORDS]).encode() for i in range(len(words) - SHINGLE_WORDS + 1)}


def signatures(releases: Sequence[Release]) -> np.ndarray:
    """MinHash signatures, one row per release (uint32 [releases, PERMUTATIONS])."""
    out = np.zeros((len(releases), PERMUTATIONS), dtype=np.uint32)
    for row, release in enumerate(releases):
        minhash = MinHash(num_perm=PERMUTATIONS, scheme=SCHEME)
        minhash.update_batch(list(shingles(release)))
        out[row] = minhash.hashvalues
    return out


def describe(releases: Sequence[Release]) -> DuplicateData:
    """Signatures, title keys and days of these releases (groups left to `group`)."""
    days = np.array([r.date.toordinal() if r.date else 0 for r in releases], dtype=np.int64)
    return DuplicateData([r.id for r in releases], signatures(releases), [title_key(r.title) for r in releases],
                         days, np.array([is_corrected(r.title) for r in releases], dtype=bool),
                         np.arange(len(releases), dtype=np.int64))


def lsh_bands() -> tuple[int, int]:
    """(bands, rows per band): datasketch's choice for TEXT_THRESHOLD over PERMUTATIONS slots."""
    lsh = MinHashLSH(threshold=TEXT_THRESHOLD, num_perm=PERMUTATIONS)
    return lsh.b, lsh.r


def candidate_pairs(data: DuplicateData) -> Iterator[tuple[int, int]]:
    """Pairs (i < j) that may be copies: releases whose signatures agree on a whole LSH band (the buckets datasketch's
    MinHashLSH would put them in, found with numpy per band instead of one Python insert and query per release:
    the same pairs, 300k releases in seconds), and releases of the same title key. A pair may come more than once."""
    bands, rows_per_band = lsh_bands()
    signatures = np.ascontiguousarray(data.signatures, dtype=np.uint32)
    for band in range(bands):
        part = np.ascontiguousarray(signatures[:, band * rows_per_band:(band + 1) * rows_per_band])
        keys = part.view(np.dtype((np.void, part.itemsize * rows_per_band))).ravel()
        _, inverse, counts = np.unique(keys, return_inverse=True, return_counts=True)
        inverse = inverse.ravel()
        members = np.flatnonzero(counts[inverse] > 1)
        if not len(members):
            continue
        members = members[np.argsort(inverse[members], kind="stable")]  # by bucket, then by row
        starts = np.flatnonzero(np.diff(inverse[members], prepend=-1))
        for bucket in np.split(members, starts[1:]):
            rows = bucket.tolist()
            yield from ((a, b) for i, a in enumerate(rows) for b in rows[i + 1:])
    by_title: dict[str, list[int]] = {}
    for row, key in enumerate(data.titles):
        if key:
            by_title.setdefault(key, []).append(row)
    for rows in by_title.values():
        yield from ((a, b) for i, a in enumerate(rows) for b in rows[i + 1:])


def jaccard(data: DuplicateData, a: int, b: int) -> float:
    """The MinHash estimate of two releases' shingle Jaccard similarity."""
    return float(np.mean(data.signatures[a] == data.signatures[b]))


def template_slots(signatures: np.ndarray) -> np.ndarray:
    """bool [releases, PERMUTATIONS]: the slot's value is held by more than TEMPLATE_RELEASES releases."""
    out = np.zeros(signatures.shape, dtype=bool)
    for column in range(signatures.shape[1]):
        _, inverse, counts = np.unique(signatures[:, column], return_inverse=True, return_counts=True)
        out[:, column] = counts[inverse] > TEMPLATE_RELEASES
    return out


def distinct_agreement(data: DuplicateData, template: np.ndarray, a: int, b: int) -> float:
    """How often the slots that are not template on either side agree (1.0 when every slot is template: a text
    sent so often that nothing tells the copies apart)."""
    distinct = ~template[a] | ~template[b]
    if not distinct.any():
        return 1.0
    return float(np.mean(data.signatures[a][distinct] == data.signatures[b][distinct]))


def same_announcement(data: DuplicateData, a: int, b: int, template: np.ndarray) -> bool:
    """Whether releases a and b are copies of one announcement (the module's rule); `template` is
    template_slots(data.signatures), computed once per grouping."""
    day_a, day_b = int(data.days[a]), int(data.days[b])
    if day_a and day_b and abs(day_a - day_b) > DUPLICATE_DAYS:
        return False
    similarity = jaccard(data, a, b)
    if similarity >= TEXT_THRESHOLD and distinct_agreement(data, template, a, b) >= DISTINCT_THRESHOLD:
        return True
    if not data.titles[a] or data.titles[a] != data.titles[b]:
        return False
    return len(data.titles[a].split()) >= MIN_TITLE_WORDS or bool(data.corrected[a] or data.corrected[b]) \
        or similarity >= TITLE_TEXT_THRESHOLD


def group(data: DuplicateData) -> np.ndarray:
    """Each release's group id: the smallest ordinal of its connected component of same-announcement pairs."""
    template = template_slots(data.signatures)
    pairs = {p for p in candidate_pairs(data) if same_announcement(data, *p, template)}
    n = len(data.ids)
    rows = np.array([a for a, _ in pairs], dtype=np.int64)
    cols = np.array([b for _, b in pairs], dtype=np.int64)
    graph = sparse.coo_matrix((np.ones(len(pairs), dtype=np.int8), (rows, cols)), shape=(n, n))
    _, labels = connected_components(graph, directed=False)
    first = np.full(labels.max() + 1 if n else 0, n, dtype=np.int64)
    np.minimum.at(first, labels, np.arange(n, dtype=np.int64))
    return first[labels]


def write_duplicates(build_dir: Path, release_ids: Sequence[str], new: Sequence[Release], base: Path | None) -> None:
    """Write the version's duplicates.npz: `new` releases hashed here, the others' rows taken from `base` (its
    duplicates file, or its stored releases for a base written before grouping existed)."""
    parts = [describe(new)]
    if base is not None:
        wanted = set(release_ids) - set(parts[0].ids)
        if (base / DUPLICATES).exists():
            parts.append(DuplicateData.load(base / DUPLICATES))
        have = {rid for part in parts for rid in part.ids}
        missing = [rid for rid in release_ids if rid in wanted and rid not in have]
        if missing:
            with open_keyword_index(base / layout.KEYWORD_DIR).searcher() as searcher:
                parts.append(describe([stored_release(searcher.stored_fields(searcher.document_number(id=rid)), rid)
                                       for rid in missing]))
    where = {rid: (p, i) for p, part in reversed(list(enumerate(parts))) for i, rid in enumerate(part.ids)}
    at = [where[rid] for rid in release_ids]  # the new releases' rows win over the base's (parts[0] read last)

    def column(name: str, empty: np.ndarray) -> np.ndarray:
        return np.stack([getattr(parts[p], name)[i] for p, i in at]) if at else empty

    data = DuplicateData(list(release_ids), column("signatures", np.zeros((0, PERMUTATIONS), np.uint32)),
                         [parts[p].titles[i] for p, i in at], column("days", np.zeros(0, np.int64)),
                         column("corrected", np.zeros(0, bool)), np.arange(len(at), dtype=np.int64))
    DuplicateData(data.ids, data.signatures, data.titles, data.days, data.corrected, group(data)).save(
        build_dir / DUPLICATES)
