"""Duplicate grouping (issue 15, item 4) on the fast tier, over TINY_CORPUS plus copies whose answers are known:
- t1-wire: t1 sent again on another wire the next day (same text): one group with t1;
- t3-fix: "Correction: ..." of t3 with a rewritten body, the next day: one group with t3 (by its title);
- t2-q3: t2's text reused for another quarter months later: NOT grouped (same template, another announcement);
- t6-agm: a short generic title ("Notice of annual meeting") shared with t6-agm-b of another organisation the same
  week, with other text: NOT grouped (the title names no one announcement).
"""
from __future__ import annotations

import json
import shutil

import numpy as np
import pytest

from indexer.store import layout
from indexer.store.duplicates import DUPLICATES, DuplicateData, read_groups, title_key
from search.engine import Engine
from search.request import parse_request
from tests.standins import TINY_COPIES, TINY_CORPUS

COPIES = TINY_COPIES


@pytest.fixture(scope="module")
def index_dir(copies_index):
    return copies_index


@pytest.fixture(scope="module")
def engine(copies_engine):
    return copies_engine


def groups_of(engine: Engine) -> list[list[str]]:
    """The groups of more than one release, as sorted id lists."""
    by_group: dict[int, list[str]] = {}
    for rid, group in zip(engine.release_ids, engine.duplicates.groups.tolist()):
        by_group.setdefault(group, []).append(rid)
    return sorted(sorted(ids) for ids in by_group.values() if len(ids) > 1)


def search(engine: Engine, **params: str):
    return engine.search(parse_request({k: [v] for k, v in params.items()}))


def test_the_index_groups_exactly_the_copies(engine):
    assert groups_of(engine) == [["t1", "t1-wire"], ["t3", "t3-fix"]]


def test_title_key_drops_correction_prefixes():
    assert title_key("CORRECTING and REPLACING Acme Robotics: results") == "acme robotics results"
    assert title_key("Correction: Acme") == title_key("UPDATE - Acme") == title_key("acme") == "acme"


def test_collapse_counts_an_announcement_once(engine):
    query = {"q": "Acme Robotics", "mode": "keyword", "limit": "100"}
    collapsed, every = search(engine, **query), search(engine, **query, collapse="0")
    every_ids = [h.id for h in every.hits]
    assert {"t1", "t1-wire", "t2", "t2-q3"} <= set(every_ids)
    folded = int({"t1", "t1-wire"} <= set(every_ids)) + int({"t3", "t3-fix"} <= set(every_ids))
    assert collapsed.total == every.total - folded == len(collapsed.hits)
    ids = [h.id for h in collapsed.hits]
    seen: set[frozenset[str]] = set()
    expected = []
    for rid in every_ids:  # the full list with each group's later releases left out
        group = next((g for g in (frozenset({"t1", "t1-wire"}), frozenset({"t3", "t3-fix"})) if rid in g), {rid})
        if frozenset(group) not in seen:
            seen.add(frozenset(group))
            expected.append(rid)
    assert ids == expected
    shown = "t1" if "t1" in ids else "t1-wire"
    other = {"t1": "t1-wire", "t1-wire": "t1"}[shown]
    assert other not in ids and every_ids.index(shown) < every_ids.index(other)  # the best ranked is kept
    assert "t2" in ids and "t2-q3" in ids  # the same template months apart: two announcements
    hit = collapsed.hits[ids.index(shown)]
    assert hit.to_json()["versions"] == {"count": 1, "ids": [other]}
    assert every.hits[every_ids.index(shown)].versions == [other]  # collapse=0 still tells


def test_facets_count_a_group_once(engine):
    def count(result, type_: str, value: str) -> int:
        return next((v.count for v in result.facets[type_] if v.value == value), 0)

    collapsed, every = search(engine, q="Borealis Sensors"), search(engine, q="Borealis Sensors", collapse="0")
    assert count(every, "org", "Borealis Sensors") - count(collapsed, "org", "Borealis Sensors") == \
        every.total - collapsed.total >= 1


def test_empty_query_lists_one_per_group(engine):
    assert search(engine).total == search(engine, collapse="0").total - 2 == len(TINY_CORPUS) + len(COPIES) - 2


def test_a_hit_without_copies_has_no_versions_key(engine):
    hit = next(h for h in search(engine, q="garden", limit="100").hits if h.id == "t6")
    assert hit.versions == [] and "versions" not in hit.to_json()


def test_a_version_without_the_file_has_every_release_alone(index_dir, tmp_path, fast_embedder):
    copy = tmp_path / "old"
    shutil.copytree(index_dir, copy)
    version = layout.current_version(copy)
    (version / DUPLICATES).unlink()
    old = Engine.open(copy, embedder=fast_embedder)
    assert groups_of(old) == [] and search(old).total == len(TINY_CORPUS) + len(COPIES)
    assert np.array_equal(read_groups(version, old.release_ids), np.arange(old.size))


def test_an_update_hashes_only_new_releases_and_regroups(tiny_index, tmp_path_factory, fast_nlp, fast_embedder):
    from indexer.ingest.update import update_index

    index_dir = tmp_path_factory.mktemp("dups-update") / "index"
    shutil.copytree(tiny_index, index_dir)
    before = DuplicateData.load(layout.current_version(index_dir) / DUPLICATES)
    more = tmp_path_factory.mktemp("dups-more") / "more.jsonl"
    more.write_text(json.dumps(COPIES[0]) + "\n", encoding="utf-8")
    update_index([more], index_dir, nlp=fast_nlp, embedder=fast_embedder, progress=False)
    after = DuplicateData.load(layout.current_version(index_dir) / DUPLICATES)
    assert after.ids[:len(before.ids)] == before.ids and after.ids[-1] == "t1-wire"
    assert np.array_equal(after.signatures[:len(before.ids)], before.signatures)  # kept, not re-hashed
    assert after.groups[after.ids.index("t1-wire")] == after.groups[after.ids.index("t1")]
