from hypothesis import given
from hypothesis import strategies as st

from search.exact import ExactTerm, tier_order


def test_releases_with_more_exact_terms_come_first_and_fused_order_holds_within_a_tier():
    scored = [(5, 0.9), (3, 0.8), (7, 0.7), (1, 0.6), (9, 0.5)]
    terms = [ExactTerm("phrase", "qingdao port", frozenset({7, 9})), ExactTerm("entity", "SITC", frozenset({9, 1}))]
    assert tier_order(scored, terms) == [(9, 0.5), (7, 0.7), (1, 0.6), (5, 0.9), (3, 0.8)]
    assert tier_order(scored, []) == scored
    assert tier_order([], terms) == []


@given(st.lists(st.integers(0, 50), unique=True), st.lists(st.frozensets(st.integers(0, 60)), max_size=3))
def test_tiers_equal_a_stable_sort_by_the_number_of_terms_contained(ordinals, match_sets):
    scored = [(o, float(-i)) for i, o in enumerate(ordinals)]
    terms = [ExactTerm("phrase", f"t{i}", m) for i, m in enumerate(match_sets)]
    expected = sorted(scored, key=lambda item: -sum(item[0] in t.matches for t in terms))
    assert tier_order(scored, terms) == expected
