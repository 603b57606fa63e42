"""The match set (search/match_set.py, search/minimum_match.py): what a query matches does not depend on the filters,
so a facet count is exactly what clicking the value returns, `total` counts the list, and nonsense matches nothing.

The facet checks run over TINY_CORPUS plus TINY_COPIES (tests/standins.py: copies, so the collapsed
list is checked too), built with the stand-in models, for every value shown of every facet, in every mode.
"""
from __future__ import annotations

import numpy as np
import pytest

from search.engine import Engine
from search.match_set import SemanticFloor, semantic_candidates, within
from search.minimum_match import minimum_match, word_weights
from search.request import parse_request

QUERIES = ("wind turbine inspection robots", "lidar sensors", "Acme Robotics", "annual meeting", "quarterly revenue",
           "robots", "financing agreement offshore wind", "trees in the garden", "Oslo")
FACETS = ("org", "person", "place", "facility", "issuer", "category", "month", "ticker", "wire")


@pytest.fixture(scope="module")
def index_dir(copies_index):
    return copies_index


@pytest.fixture(scope="module")
def engine(index_dir, fast_embedder):
    return Engine.open(index_dir, embedder=fast_embedder)


@pytest.fixture(scope="module", params=["default", "cap3"])
def engines(request, index_dir, fast_embedder):
    """The default floor, and a bare cap of 3 (no floor): the eleven releases outnumber it, so a cap taken inside
    the filtered releases (the old top-k) would make a filtered list longer than its facet count."""
    if request.param == "default":
        return Engine.open(index_dir, embedder=fast_embedder)
    return Engine.open(index_dir, embedder=fast_embedder, floor=SemanticFloor(absolute=-1.0, relative=2.0, cap=3))


def search(engine, **params):
    return engine.search(parse_request({k: v if isinstance(v, list) else [str(v)] for k, v in params.items()}))


def click(params: dict, type_: str, value: str) -> dict:
    """The request a click on a facet value makes (web/pages.py toggle_url; a month sets the date range)."""
    params = {k: list(v) if isinstance(v, list) else v for k, v in params.items()}
    if type_ == "month":
        last = {"02": 29 if int(value[:4]) % 4 == 0 else 28}.get(value[5:], 30 if value[5:] in ("04", "06", "09", "11")
                                                                 else 31)
        return {**params, "date_from": f"{value}-01", "date_to": f"{value}-{last:02d}"}
    if type_ in ("issuer", "category", "ticker", "wire"):
        return {**params, type_: params.get(type_, []) + [value]}
    return {**params, "entity": params.get("entity", []) + [f"{type_}:{value}"]}


def clicks_agree(engine, params: dict) -> int:
    """Check every shown value of every facet without a selection: its count is the clicked search's total.
    Returns how many values were checked."""
    result = search(engine, **params)
    checked = 0
    for type_ in FACETS:
        values = result.facets[type_]
        if any(v.selected for v in values):
            continue  # another value of a selected type widens the list (OR): its count is not a click's total
        for value in values:
            clicked = search(engine, **click(params, type_, value.value))
            assert clicked.total == value.count, (params, type_, value.value)
            assert len(clicked.hits) == min(value.count, clicked.request.limit)
            checked += 1
    return checked


# -- facet count == what a click returns ------------------------------------------------------------------------------

@pytest.mark.parametrize("mode", ["keyword", "semantic", "hybrid"])
@pytest.mark.parametrize("collapse", ["1", "0"])
def test_every_facet_count_is_what_its_click_returns(engines, mode, collapse):
    checked = sum(clicks_agree(engines, {"q": q, "mode": mode, "collapse": collapse, "limit": "100"})
                  for q in QUERIES)
    assert checked > 50  # the check ran over many values, not over empty facets


@pytest.mark.parametrize("selection", [{"entity": ["place:Oslo"]}, {"category": ["results"]},
                                       {"date_from": "2024-01-01", "date_to": "2024-03-31"}, {"wire": ["WIRE-B"]}])
def test_counts_agree_under_a_selection_of_another_facet(engines, selection):
    for q in ("robots", "Acme Robotics sensors", "wind"):
        clicks_agree(engines, {"q": q, "limit": "100", **selection})


def test_a_collapsed_group_counts_for_a_value_any_of_its_matching_releases_has(engine):
    # t3 and its correction t3-fix are one announcement, and the list shows t3-fix, which (unlike t3) does not name
    # Acme Robotics. The group still counts for Acme Robotics, because clicking it lists t3.
    result = search(engine, q="Texas plant", mode="keyword", limit=100)
    assert [h.id for h in result.hits] == ["t3-fix", "t6"]  # t6: "planted"
    assert [(v.value, v.count) for v in result.facets["org"]] == [("Acme Robotics", 1), ("Borealis Sensors", 1)]
    clicked = search(engine, q="Texas plant", mode="keyword", limit=100, entity="org:Acme Robotics")
    assert [h.id for h in clicked.hits] == ["t3"]


def test_total_is_the_length_of_the_list(engine):
    for q in QUERIES:
        result = search(engine, q=q, limit=100)
        assert result.total == len(result.hits)
        assert result.total == len(engine.ranked(result.request))


def test_a_filter_only_removes_releases(engine):
    """The match set is decided over the whole index: filtered, it is the unfiltered list's releases that pass."""
    for q in QUERIES:
        everything = {h.id for h in search(engine, q=q, limit=100, collapse=0).hits}
        filtered = {h.id for h in search(engine, q=q, limit=100, collapse=0, entity="org:Acme Robotics").hits}
        assert filtered <= everything


# -- nonsense, the semantic floor ------------------------------------------------------------------------------------

@pytest.mark.parametrize("mode", ["keyword", "semantic", "hybrid"])
def test_nonsense_matches_nothing(engine, mode):
    result = search(engine, q="xqzvbnkj", mode=mode)
    assert result.total == 0 and result.hits == [] and result.facet_scope["semantic_candidates"] == 0
    assert all(v.count == 0 or v.selected for values in result.facets.values() for v in values)
    # A query with a word the index knows is searched (here the stand-in's similarity, diluted by the unknown word,
    # stays under the floor: semantic mode lists nothing).
    assert (search(engine, q="xqzvbnkj lidar", mode=mode).total > 0) == (mode != "semantic")


def test_semantic_candidates_clear_both_floors_and_the_cap():
    sims = np.array([0.9, 0.2, 0.7, -np.inf, 0.5, 0.7, 0.62], dtype=np.float32)
    floor = SemanticFloor(absolute=0.4, relative=0.3, cap=10)  # needs max(0.4, 0.9 - 0.3) = 0.6
    assert semantic_candidates(sims, floor).tolist() == [0, 2, 5, 6]  # ties (2, 5): lower ordinal first
    assert semantic_candidates(sims, SemanticFloor(0.4, 1.0, 10)).tolist() == [0, 2, 5, 6, 4]
    assert semantic_candidates(sims, SemanticFloor(0.4, 1.0, 2)).tolist() == [0, 2]  # the cap cuts a tie by ordinal
    assert semantic_candidates(sims, SemanticFloor(0.95, 1.0, 10)).tolist() == []  # nothing is similar enough
    assert semantic_candidates(np.full(3, -np.inf, np.float32), floor).tolist() == []
    assert within(np.array([5, 0, 2]), np.array([0, 1, 5])).tolist() == [5, 0]
    assert within(np.array([5, 0, 2]), None).tolist() == [5, 0, 2]


def test_semantic_mode_lists_only_candidates_above_the_floor(engine):
    result = search(engine, q="lidar sensors", mode="semantic", limit=100, collapse=0)
    vector = engine.query_vectors.vector("lidar sensors")
    similarity = engine.semantic.release_similarities(vector)
    threshold = engine.floor.threshold(float(similarity.max()))
    expected = [engine.release_ids[o] for o in np.flatnonzero(similarity >= threshold)]
    assert sorted(h.id for h in result.hits) == sorted(expected)
    assert 0 < len(expected) < engine.size  # the floor cuts: not every release is a candidate
    assert [h.score for h in result.hits] == sorted((h.score for h in result.hits), reverse=True)


# -- keyword minimum match --------------------------------------------------------------------------------------------

def test_minimum_match_weighs_words_by_rarity():
    # 100 documents: "common" in 0..89, "rare" in 0..4 and 95, "mid" in 85..99.
    common, rare, mid = np.arange(90), np.array([0, 1, 2, 3, 4, 95]), np.arange(85, 100)
    weights = word_weights([90, 6, 15], 100)
    assert weights[1] > weights[2] > weights[0]  # rarer, heavier: about 1.09, 3.66, 2.83
    enough = minimum_match([common, rare, mid], 100, share=0.8)  # needs 0.8 x 3.66 = 2.93
    assert enough[0] and enough[95]  # the rarest word carries a match
    assert not enough[10] and not enough[90]  # "common" alone (1.09) or "mid" alone (2.83) do not
    assert enough[86]  # "common" and "mid" together (3.92) do
    assert minimum_match([common, rare, mid], 100, share=0.2)[10]  # a low share lets one common word match
    assert minimum_match([common], 100) is None  # one word: every document with it matches
    assert minimum_match([common, rare], 100, share=0.0) is None
    # An unknown word (a typo) does not raise the bar for the others.
    assert minimum_match([rare, np.zeros(0, np.int64)], 100) is None


def test_a_common_word_alone_is_not_a_keyword_match(engine):
    # "robot" is in most releases, "wind" in two (t4, t5), "turbine" and "inspection" in t5 alone: t5 matches, so
    # does t4 on "wind" (nearly as rare as the rarest word), the releases that only say "robots" do not; a query
    # of the one common word still matches every release that has it.
    assert [h.id for h in search(engine, q="wind turbine inspection robots", mode="keyword").hits] == ["t5", "t4"]
    assert search(engine, q="robots", mode="keyword", collapse=0).total == 6
    # Phrases and operators are Whoosh's own: an explicit OR still matches either word.
    assert {h.id for h in search(engine, q="turbine OR robots", mode="keyword", collapse=0).hits} >= {"t1", "t5"}
