from whoosh.analysis import StemmingAnalyzer

from search.snippets import keyword_snippet, plain_snippet

A = StemmingAnalyzer()
TERMS = frozenset({"port", "agreement"})  # analysed query terms, as the query parser produces them


def test_stemmed_matches_are_marked_and_text_is_escaped():
    body = "Qingdao Port's <b>new</b> agreements & ports deal. Unrelated portfolio news."
    out = keyword_snippet(body, TERMS, A)
    assert out == ('Qingdao <mark class="hl term0">Port</mark>\'s &lt;b&gt;new&lt;/b&gt; '
                   '<mark class="hl term1">agreements</mark> &amp; <mark class="hl term0">ports</mark> deal. '
                   "Unrelated portfolio news.")
    assert "portfolio</mark>" not in out  # a different stem is not a match


def test_no_match_no_terms_and_stop_words():
    assert keyword_snippet("Nothing relevant here.", TERMS, A) is None
    assert keyword_snippet("The port.", frozenset(), A) is None
    assert keyword_snippet("the and of", frozenset({"the"}), A) is None  # stop words never become terms


def test_long_bodies_give_at_most_three_fragments_with_the_most_terms():
    filler = " ".join(["lorem"] * 80)
    body = f"port {filler} port agreement {filler} agreement {filler} port agreement {filler} port"
    out = keyword_snippet(body, TERMS, A)
    assert out.count(" … ") == 2
    assert out.count("<mark") == 5  # the two fragments with both terms, then the first single-term one
    assert len(out) < 1200


def test_plain_snippet_cuts_at_a_word_and_escapes():
    assert plain_snippet("a <b> " + "word " * 100, chars=20) == "a &lt;b&gt; word word …"
