import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from search.exact import ExactTerm, terms_in, tier_order


def test_releases_with_more_exact_terms_come_first_and_fused_order_holds_within_a_tier():
    scored = [(5, 0.9), (3, 0.8), (7, 0.7), (1, 0.6), (9, 0.5)]
    terms = [ExactTerm("phrase", "qingdao port", frozenset({7, 9})), ExactTerm("entity", "SITC", frozenset({9, 1}))]
    assert tier_order(scored, terms) == [(9, 0.5), (7, 0.7), (1, 0.6), (5, 0.9), (3, 0.8)]
    assert tier_order(scored, []) == scored
    assert tier_order([], terms) == []


def test_a_weighty_term_outranks_any_number_of_light_ones():
    # The company (weight 3) against two places (weight 1 each): naming the company beats naming both places.
    scored = [(1, 0.9), (2, 0.8), (3, 0.7), (4, 0.6)]
    terms = [ExactTerm("entity", "Partners Group", frozenset({3, 4}), weight=3),
             ExactTerm("entity", "Kuwait", frozenset({1, 4})), ExactTerm("entity", "Gulf", frozenset({1}))]
    assert [o for o, _ in tier_order(scored, terms)] == [4, 3, 1, 2]


@given(st.lists(st.integers(0, 50), unique=True), st.lists(st.frozensets(st.integers(0, 60)), max_size=3))
def test_tiers_equal_a_stable_sort_by_the_number_of_terms_contained(ordinals, match_sets):
    scored = [(o, float(-i)) for i, o in enumerate(ordinals)]
    terms = [ExactTerm("phrase", f"t{i}", m) for i, m in enumerate(match_sets)]
    expected = sorted(scored, key=lambda item: -sum(item[0] in t.matches for t in terms))
    assert tier_order(scored, terms) == expected


def lazy(text, truth, sure, maybe, calls):
    """A term that knows `sure` and must check `maybe` against `truth`, recording what it was asked."""
    def check(ordinals):
        calls.extend(ordinals.tolist())
        return np.isin(ordinals, np.array(sorted(truth), dtype=np.int64))
    return ExactTerm("phrase", text, sure, maybe, check)


@given(st.lists(st.integers(0, 50), unique=True, min_size=1), st.lists(st.frozensets(st.integers(0, 60)), max_size=3),
       st.integers(1, 12), st.booleans(), st.randoms(use_true_random=False))
def test_checking_only_the_head_gives_the_same_head_as_knowing_everything(ordinals, match_sets, depth, by_date, rnd):
    scored = [(o, float(-i)) for i, o in enumerate(ordinals)]
    primary = np.array([rnd.randint(0, 3) for _ in scored]) if by_date else None
    eager = [ExactTerm("phrase", f"t{i}", m) for i, m in enumerate(match_sets)]
    calls: list[int] = []
    terms = []
    for i, truth in enumerate(match_sets):
        sure = {o for o in truth if rnd.random() < 0.3}
        false_leads = {o for o in range(61) if rnd.random() < 0.2}  # have the words, not the phrase
        terms.append(lazy(f"t{i}", truth, sure, (truth - sure) | false_leads, calls))
    expected = tier_order(scored, eager, primary=primary)
    got = tier_order(scored, terms, depth=depth, primary=primary)
    assert got[:depth] == expected[:depth]
    assert sorted(got) == sorted(scored)  # nothing lost or repeated below the head
    for o, _ in got[:depth]:  # explain can say what each release on the page contains
        assert terms_in(o, terms) == terms_in(o, eager)


def test_only_releases_that_can_reach_the_page_are_checked():
    scored = [(o, 1.0 / (o + 1)) for o in range(1000)]
    calls: list[int] = []
    # Every release has the words; all contain the phrase but the 3rd.
    term = lazy("Sales & Marketing", set(range(1000)) - {2}, [], range(1000), calls)
    got = tier_order(scored, [term], depth=10)
    assert [o for o, _ in got[:10]] == [0, 1, 3, 4, 5, 6, 7, 8, 9, 10]
    assert len(calls) <= 50 and 2 in calls and 500 not in calls  # rounds of 10 and 40, not all 1,000


def test_sort_by_date_puts_newer_first_and_tiers_break_ties():
    scored = [(1, 0.9), (2, 0.8), (3, 0.7), (4, 0.6)]
    days = np.array([10, 20, 20, 0])  # release 4 is undated: last
    term = ExactTerm("phrase", "x", [3])
    assert [o for o, _ in tier_order(scored, [term], depth=4, primary=days)] == [3, 2, 1, 4]
    assert [o for o, _ in tier_order(scored, [], primary=days)] == [2, 3, 1, 4]


def test_a_term_with_unchecked_releases_needs_a_check():
    with pytest.raises(ValueError, match="needs a check"):
        ExactTerm("phrase", "x", [1], [2])
