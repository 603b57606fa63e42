"""Keyword search on the six-release tiny corpus (tests/standins.py TINY_CORPUS), whose every match is known.

Fast tier: the index is built by the real pipeline with the stand-in NER and embedder; keyword search touches
neither, so these are the product's real answers.
"""
import pytest

from search.request import SearchRequest


def ids(engine, q, **options):
    return [h.id for h in engine.search(SearchRequest(q=q, mode="keyword", limit=100, **options)).hits]


@pytest.mark.parametrize(("query", "expected"), [
    ("lidar", ["t3", "t1"]),  # t3 says it in the title and the body: first
    ("garden", ["t6"]),
    ("factory", ["t3"]),
    ("wind", ["t4", "t5"]),  # never t6, whose trees are planted, not powered
    ("Oslo", ["t4", "t5"]),  # the upper-case dateline "OSLO" matches too
    ('"Harbor Bank"', ["t4"]),
    ('"lidar sensors"', ["t1"]),  # t3 has both words, but not side by side
    ("quarterly revenue", ["t2"]),
])
def test_exact_matches(tiny_engine, query, expected):
    assert ids(tiny_engine, query) == expected


def test_stemming_matches_every_form_of_a_word_and_nothing_else(tiny_engine):
    everything_acme = ["t1", "t5", "t2", "t3"]  # "robots", and "Robotics" of Acme Robotics
    assert ids(tiny_engine, "robot") == ids(tiny_engine, "robots") == everything_acme
    assert ids(tiny_engine, "acquires") == ["t1"]  # t1 says "acquires" and "acquired"
    # Porter stems "acquisition" to "acquisit", not "acquir": the noun does not find the verb.
    assert ids(tiny_engine, "acquisition") == []


def test_boolean_operators_and_groups(tiny_engine):
    assert ids(tiny_engine, "robots AND wind") == ["t5"]
    assert ids(tiny_engine, "Acme AND NOT lidar") == ["t5", "t2"]
    assert ids(tiny_engine, "(lidar OR garden) AND sensors") == ["t3", "t1"]


def test_a_hyphen_joins_words_and_never_excludes(tiny_engine):
    # "wind-farm" is "wind" and "farm": t4 has both, t5 only "wind"; no release is excluded for "farm".
    assert ids(tiny_engine, "wind-farm") == ["t4", "t5"]


@pytest.mark.parametrize("query", ["the and of", "*"])
def test_a_query_without_searchable_words_matches_nothing_and_says_why(tiny_engine, query):
    result = tiny_engine.search(SearchRequest(q=query, mode="keyword"))
    assert result.total == 0 and result.hits == []
    assert result.warnings == ["the query has no searchable words for keyword search (only stop words?)"]


def test_total_counts_every_match_and_pages_cut_the_list(tiny_engine):
    first = tiny_engine.search(SearchRequest(q="Acme Robotics", mode="keyword", limit=2))
    second = tiny_engine.search(SearchRequest(q="Acme Robotics", mode="keyword", limit=2, offset=2))
    assert first.total == second.total == 4
    assert [h.id for h in first.hits] + [h.id for h in second.hits] == ["t1", "t5", "t2", "t3"]


def test_date_filter_keeps_the_range_and_drops_undated_releases(tiny_engine):
    import datetime as dt

    february = dict(date_from=dt.date(2024, 2, 1), date_to=dt.date(2024, 2, 29))
    assert ids(tiny_engine, "Acme", **february) == ["t2", "t3"]
    # t5 (Acme, no date) is in no date range.
    assert "t5" not in ids(tiny_engine, "Acme", date_from=dt.date(2000, 1, 1))


def test_sort_by_date_is_newest_first(tiny_engine):
    assert ids(tiny_engine, "Acme Robotics", sort="date") == ["t3", "t2", "t1", "t5"]  # undated last


def test_empty_query_browses_every_release_newest_first(tiny_engine):
    result = tiny_engine.search(SearchRequest())
    assert [h.id for h in result.hits] == ["t6", "t4", "t3", "t2", "t1", "t5"]
    assert result.total == 6


def test_keyword_hits_show_their_matches_marked_in_the_snippet(tiny_engine):
    hits = tiny_engine.search(SearchRequest(q="lidar", mode="keyword")).hits
    assert hits[0].snippet.startswith('Borealis Sensors will manufacture <mark class="hl term0">lidar</mark> units')
    assert 'a maker of <mark class="hl term0">lidar</mark> sensors' in hits[1].snippet
    assert hits[0].title == "Borealis Sensors opens a lidar factory in Texas"
    assert (str(hits[0].date), hits[0].source, hits[0].issuer, hits[0].category) == \
        ("2024-02-20", "wire-b", "Borealis Sensors", "product")
