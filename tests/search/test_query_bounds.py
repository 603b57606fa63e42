"""The work of one query is bounded (issue 18, items 4 and 14): distinct words and quoted phrases per query are
capped with a 400 that says so, repeated words are folded before parsing, and exact-term phrase checks stop at a
budget."""
from __future__ import annotations


import numpy as np
import pytest

import search.exact as exact
from search.exact import ExactTerm, tier_positions
from search.keyword import fold_repeats
from search.request import MAX_PHRASES, MAX_QUERY_WORDS, RequestError, SearchRequest, parse_request


def parse_q(q: str) -> SearchRequest:
    return parse_request({"q": [q]})


def test_at_most_64_different_words():
    words = [f"w{n}" for n in range(MAX_QUERY_WORDS + 1)]
    assert parse_q(" ".join(words[:-1])).q  # 64: fine
    assert parse_q(" ".join(words[:10] * 12)).q  # repeats count once
    assert parse_q("port AND deal OR ships NOT rail").q  # operators are not words
    with pytest.raises(RequestError, match="'q' has 65 different words; send at most 64"):
        parse_q(" ".join(words))
    with pytest.raises(RequestError, match="different words"):
        parse_q("-".join(words))  # one token to the eye, 65 words to the analyser


def test_at_most_8_quoted_phrases():
    assert parse_q(" ".join(f'"port {n}"' for n in range(MAX_PHRASES))).q
    with pytest.raises(RequestError, match="'q' has 9 quoted phrases; send at most 8"):
        parse_q(" ".join(f'"port {n}"' for n in range(MAX_PHRASES + 1)))


def test_repeated_words_fold_in_a_plain_query_only():
    assert fold_repeats("company " * 120) == "company"
    assert fold_repeats("Port deal port DEAL ships") == "Port deal ships"
    for structured in ['"port to port"', "port AND (port OR deal)", "port NOT port"]:
        assert fold_repeats(structured) == structured


def test_a_repeated_word_costs_what_the_word_costs(tiny_engine):
    one = SearchRequest(q="robots", mode="keyword")
    many = SearchRequest(q=" ".join(["robots"] * 300), mode="keyword")
    assert [h.id for h in tiny_engine.search(many).hits] == [h.id for h in tiny_engine.search(one).hits]
    # The same parsed query, so the same work (timings belong to bench/, not to tests).
    assert str(tiny_engine.keyword.parse(many.q)) == str(tiny_engine.keyword.parse(one.q))


def test_the_api_says_which_bound_was_exceeded(fast_client):
    res = fast_client.get("/api/search?q=" + "+".join(f"w{n}" for n in range(70)))
    assert res.status_code == 400 and "send at most 64" in res.get_json()["error"]["message"]
    res = fast_client.get("/api/search?q=" + "+".join(f'"a+{n}"' for n in range(9)))
    assert res.status_code == 400 and "quoted phrases; send at most 8" in res.get_json()["error"]["message"]
    assert fast_client.get("/api/search?q=" + "+".join(["lidar"] * 150) + "&mode=keyword").get_json()["total"] == 2


def test_phrase_checks_stop_at_the_budget(monkeypatch):
    monkeypatch.setattr(exact, "MAX_PHRASE_CHECKS", 50)
    checked: list[int] = []

    def check(ordinals: np.ndarray) -> np.ndarray:
        checked.extend(ordinals.tolist())
        return ordinals % 2 == 0

    ordinals = np.arange(1000, dtype=np.int64)
    terms = [ExactTerm("phrase", "p", [], np.arange(1000), check)]
    order = tier_positions(ordinals, terms, depth=40)
    assert sorted(order.tolist()) == list(range(1000))  # a full order, whatever was checked
    assert len(checked) <= 50
    assert not len(terms[0].maybe)  # unchecked releases now count as lacking the phrase


def test_within_the_budget_nothing_changes(monkeypatch):
    checked: list[int] = []
    terms = [ExactTerm("phrase", "p", [], np.arange(100), lambda o: (checked.extend(o.tolist()), o % 2 == 0)[1])]
    order = tier_positions(np.arange(100, dtype=np.int64), terms, depth=10)
    assert order[:10].tolist() == list(range(0, 20, 2))


def test_a_huge_body_is_not_scanned_whole_for_a_snippet(tiny_engine):
    from search.snippets import SNIPPET_SCAN_CHARS, keyword_snippet, plain_snippet

    analyzer = tiny_engine.keyword.text_analyzer
    huge = "Acme robots " * (16 * 1024 * 1024 // 12) + "lidar"  # 16 MiB, the word only at the very end
    assert keyword_snippet(huge, frozenset({"lidar"}), analyzer) is None  # past SNIPPET_SCAN_CHARS: not read
    assert keyword_snippet(huge, frozenset({"robot"}), analyzer).count("<mark") >= 1
    assert plain_snippet(huge).startswith("Acme robots")
    assert len(huge) > 100 * SNIPPET_SCAN_CHARS
