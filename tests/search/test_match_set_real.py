"""The match set on the first 300 real press releases with the real MiniLM (model tier): the floor and the nonsense
rule are calibrated for MiniLM's similarities, so they are checked on them too."""
from __future__ import annotations

import pytest

from tests.search.test_match_set import clicks_agree, search

QUERIES = ("agreements involving ports", "acquisition of a software company", "quarterly results with revenue growth",
           "private placement financing", "new chief financial officer")


@pytest.mark.parametrize("q", ["xqzvbnkj", "qwpzmxl vbtrk", "asdfgh zzzzqx"])
@pytest.mark.parametrize("mode", ["hybrid", "semantic", "keyword"])
def test_nonsense_finds_nothing(sample_engine, q, mode):
    result = search(sample_engine, q=q, mode=mode)
    assert result.total == 0 and result.hits == []


@pytest.mark.parametrize("q", QUERIES)
def test_every_facet_count_is_what_its_click_returns(sample_engine, q):
    assert clicks_agree(sample_engine, {"q": q, "limit": "100"}) > 20


def test_a_common_word_does_not_match_most_releases(sample_engine):
    found = search(sample_engine, q="acquisition of a software company", mode="keyword", collapse=0).total
    company = search(sample_engine, q="company", mode="keyword", collapse=0).total
    assert company > sample_engine.size / 2  # the common word alone is in most releases...
    assert 0 < found < sample_engine.size / 2  # ...and no longer carries a match of the longer query on its own


def test_semantic_candidates_are_similar_enough_and_not_a_fixed_number(sample_engine):
    sizes = {q: search(sample_engine, q=q, mode="semantic", limit=100).total for q in QUERIES}
    # "agreements involving ports" has no release of the 300 close enough: an empty semantic list, not 100 padded.
    assert sizes["agreements involving ports"] == 0 and sizes["acquisition of a software company"] > 0, sizes
    assert all(n < sample_engine.size for n in sizes.values()) and len(set(sizes.values())) > 2, sizes
