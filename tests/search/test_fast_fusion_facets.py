"""Hybrid fusion and facets on the six-release tiny corpus (tests/standins.py), built with the stand-in models.

The semantic side is the stand-in's hashed bag of words, so semantic orders here are the stand-in's, not MiniLM's;
what is checked is what the engine does with them: how the two lists fuse, and that facets count the match set.
"""
import datetime as dt

import pytest

from search.facets import month_range
from search.fusion import reciprocal_rank_fusion
from search.request import EntityFilter, SearchRequest

QUERY = "wind turbine inspection robots"  # keyword: t5 t4 t1 t2 t3 (never t6); stand-in semantic: t5 t1 t4 t2 t3 t6
# (both lists as they are without the match-set rules: any word is a keyword match, every release a candidate)


@pytest.fixture(scope="module")
def unfloored(tiny_index, fast_embedder):
    """The tiny index with every release a semantic candidate and plain OR keyword matching, so that the fusion tests
    fuse two full lists (the rules that cut them are tested in tests/search/test_match_set.py)."""
    from search.engine import Engine
    from search.match_set import SemanticFloor

    return Engine.open(tiny_index, embedder=fast_embedder, floor=SemanticFloor(absolute=-1.0, relative=2.0, cap=100),
                       min_share=0.0)


def ids(engine, **request):
    return [h.id for h in engine.search(SearchRequest(limit=100, **request)).hits]


def facet(result, type_):
    return [(v.value, v.count) for v in result.facets[type_]]


def test_each_side_alone(tiny_engine, unfloored):
    # Keyword matches need enough of the query's rarer words: t1-t3 say only "robots" (search/minimum_match.py).
    assert ids(tiny_engine, q=QUERY, mode="keyword") == ["t5", "t4"]
    # Semantic candidates clear the similarity floor (search/match_set.py); the stand-in's t1 (0.18) does not.
    # (Before the floor, semantic search listed every release with passages, and hybrid all six.)
    assert ids(tiny_engine, q=QUERY, mode="semantic") == ["t5"]
    assert ids(tiny_engine, q=QUERY) == ["t5", "t4"]
    assert ids(unfloored, q=QUERY, mode="keyword") == ["t5", "t4", "t1", "t2", "t3"]
    assert ids(unfloored, q=QUERY, mode="semantic") == ["t5", "t1", "t4", "t2", "t3", "t6"]


def test_rrf_and_convex_order_the_same_lists_differently(unfloored):
    tiny_engine = unfloored
    # RRF: t4 (ranks 2 and 3) ties t1 (ranks 3 and 2); ties keep first appearance, the keyword list's order.
    assert ids(tiny_engine, q=QUERY, fusion="rrf", exact=False) == ["t5", "t4", "t1", "t2", "t3", "t6"]
    # Convex: t1's higher similarity outweighs t4's slightly higher BM25. A four-word query's semantic side ranks by
    # the query vector moved toward the best keyword matches (search/feedback.py): the best of them, t5, names Acme
    # Robotics, and so does t2, which rises above t4.
    assert ids(tiny_engine, q=QUERY, fusion="convex", exact=False) == ["t5", "t1", "t2", "t4", "t3", "t6"]
    assert ids(tiny_engine, q=QUERY, exact=False) == ids(tiny_engine, q=QUERY, fusion="convex", exact=False)


@pytest.mark.parametrize("query", [QUERY, "lidar sensors", "trees in the garden", "quarterly revenue"])
def test_rrf_is_reciprocal_rank_fusion_of_the_two_lists(unfloored, query):
    tiny_engine = unfloored
    keyword = ids(tiny_engine, q=query, mode="keyword")
    semantic = ids(tiny_engine, q=query, mode="semantic")
    fused = tiny_engine.search(SearchRequest(q=query, fusion="rrf", exact=False, limit=100))
    expected = reciprocal_rank_fusion([keyword, semantic])
    assert [h.id for h in fused.hits] == [k for k, _ in expected]
    assert [h.score for h in fused.hits] == pytest.approx([s for _, s in expected])
    assert fused.total == len(expected) == 6


def test_alpha_moves_convex_from_one_side_to_the_other(unfloored):
    tiny_engine = unfloored
    keyword_only = ids(tiny_engine, q=QUERY, fusion="convex", alpha=0.0, exact=False)
    semantic_only = ids(tiny_engine, q=QUERY, fusion="convex", alpha=1.0, exact=False)
    assert keyword_only == ids(tiny_engine, q=QUERY, mode="keyword") + ["t6"]  # t6 scores 0 and comes last
    assert semantic_only == ids(tiny_engine, q=QUERY, mode="semantic")
    scores = [h.score for h in tiny_engine.search(SearchRequest(q="quarterly revenue", fusion="convex", alpha=0.5)).hits]
    assert scores[0] == pytest.approx(1.0)  # best on both sides: 0.5 * 1 + 0.5 * 1
    assert scores[1:] == pytest.approx([0.0] * 5)  # no keyword match, and the lowest similarity normalises to 0


def test_fusion_outside_hybrid_is_ignored_with_a_warning(tiny_engine):
    result = tiny_engine.search(SearchRequest(q="lidar", mode="keyword", fusion="rrf", alpha=0.3))
    assert [h.id for h in result.hits] == ["t3", "t1"]
    assert result.warnings == ["'fusion' and 'alpha' apply to mode=hybrid only; they were ignored"]


def test_browse_facets_count_every_release(tiny_engine):
    result = tiny_engine.search(SearchRequest())
    assert facet(result, "org") == [("Acme Robotics", 4), ("Borealis Sensors", 2), ("Northwind Energy", 2),
                                    ("Harbor Bank", 1)]
    assert facet(result, "person") == [("Jane Okafor", 2), ("Tom Becker", 1)]
    assert facet(result, "place") == [("Lyon", 1), ("Oslo", 1), ("Texas", 1)]
    assert facet(result, "facility") == [("Oslo Harbour Terminal", 1)]
    assert facet(result, "issuer") == [("Acme Robotics", 2), ("Borealis Sensors", 1), ("Harbor Bank", 1),
                                       ("Northwind Energy", 1)]  # t6 names no organisation: no issuer
    assert facet(result, "category") == [("agreement", 1), ("acquisition", 1), ("results", 1), ("financing", 1),
                                         ("product", 1), ("other", 1)]
    assert facet(result, "month") == [("2024-01", 1), ("2024-02", 2), ("2024-03", 1), ("2025-03", 1)]  # t5: none


def test_facets_count_the_whole_match_set_not_the_page(tiny_engine):
    result = tiny_engine.search(SearchRequest(q="robots", mode="keyword", limit=1))
    assert len(result.hits) == 1 and result.total == 4
    assert facet(result, "org") == [("Acme Robotics", 4), ("Borealis Sensors", 2), ("Northwind Energy", 1)]
    assert facet(result, "person") == [("Jane Okafor", 1), ("Tom Becker", 1)]
    assert facet(result, "month") == [("2024-01", 1), ("2024-02", 2)]


def click(request: SearchRequest, type_: str, value: str) -> SearchRequest:
    """The request a click on facet value `value` makes (as the web page's toggle links do)."""
    from dataclasses import replace

    if type_ == "issuer":
        return replace(request, issuers=(value,))
    if type_ == "category":
        return replace(request, categories=(value,))
    if type_ == "ticker":
        return replace(request, tickers=(value,))
    if type_ == "wire":
        return replace(request, wires=(value,))
    if type_ == "month":
        first, last = month_range(value)
        return replace(request, date_from=first, date_to=last)
    return replace(request, entities=(EntityFilter(type_, value),))


@pytest.mark.parametrize("request_", [SearchRequest(), SearchRequest(q="robots", mode="keyword"),
                                      SearchRequest(q="Oslo wind", mode="keyword")], ids=["browse", "robots", "oslo"])
def test_a_facet_click_returns_the_count_it_showed(tiny_engine, request_):
    shown = tiny_engine.search(request_)
    clicks = 0
    for type_, values in shown.facets.items():
        for value in values:
            clicked = tiny_engine.search(click(request_, type_, value.value))
            assert clicked.total == value.count, (type_, value.value)
            selected = [(v.value, v.count) for v in clicked.facets[type_] if v.selected]
            assert selected == [(value.value, value.count)], (type_, value.value)
            clicks += 1
    assert clicks >= 8


def test_values_of_one_type_or_and_types_and(tiny_engine):
    either = SearchRequest(entities=(EntityFilter("org", "Harbor Bank"), EntityFilter("org", "Borealis Sensors")))
    assert sorted(ids(tiny_engine, entities=either.entities)) == ["t1", "t3", "t4"]
    both = either.entities + (EntityFilter("person", "Jane Okafor"),)
    assert sorted(ids(tiny_engine, entities=both)) == ["t1", "t4"]
    assert ids(tiny_engine, entities=(EntityFilter("org", "acme robotics"),)) == ["t3", "t2", "t1", "t5"]
    assert ids(tiny_engine, entities=(EntityFilter("person", "Acme Robotics"),)) == []  # an org, not a person
    assert ids(tiny_engine, entities=(EntityFilter("org", "Nobody Inc."),)) == []
    assert ids(tiny_engine, issuers=("Acme Robotics",), categories=("results",)) == ["t2"]


def test_selected_values_stay_listed_and_facet_q_narrows_the_lists(tiny_engine):
    chosen = (EntityFilter("org", "Harbor Bank"), EntityFilter("org", "Acme Robotics"))
    result = tiny_engine.search(SearchRequest(entities=chosen, facet_size=1))
    assert result.total == 5
    # The top one value, then the selected value that did not make the top (Borealis and Northwind, 2 each, do not).
    assert [(v.value, v.count, v.selected) for v in result.facets["org"]] == [
        ("Acme Robotics", 4, True), ("Harbor Bank", 1, True)]
    narrowed = tiny_engine.search(SearchRequest(facet_q="bor"))
    assert facet(narrowed, "org") == [("Borealis Sensors", 2), ("Harbor Bank", 1)]  # "Harbor" has "bor" too
    assert facet(narrowed, "person") == []


def test_a_month_filter_marks_its_month(tiny_engine):
    result = tiny_engine.search(SearchRequest(date_from=dt.date(2024, 2, 1), date_to=dt.date(2024, 2, 29)))
    assert [(v.value, v.count, v.selected) for v in result.facets["month"]] == [("2024-02", 2, True)]
    assert ids(tiny_engine, date_from=dt.date(2024, 2, 1), date_to=dt.date(2024, 2, 29)) == ["t3", "t2"]
