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


def test_words_are_split_exactly_as_the_index_tokenizer_splits_them():
    from whoosh.analysis import RegexTokenizer

    from search.snippets import _WORD

    text = "U.S. co-operation, Qingdao Port's 3.5% e-mail_x ÉCOLE naïve 1,000.00"
    assert _WORD.findall(text) == [t.text for t in RegexTokenizer()(text)]


def test_match_spans_are_exactly_the_tokens_whoosh_matches():
    from pathlib import Path

    from whoosh.analysis import RegexTokenizer

    from search.snippets import match_spans

    terms = frozenset({"port", "agreement", "cimc", "railway", "lao", "us", "u.s"})
    for path in sorted((Path(__file__).resolve().parents[2] / "seeds").glob("*.txt")):
        # The tokenizer's pattern counts "*" as a word character: "ports*" and "*port" are tokens that are not "port"
        # (footnote marks in releases), so neither may be marked.
        body = path.read_text(encoding="utf-8") + " U.S. port.com e-port ports. Port's CIMC-Laos ports* *port"
        expected = []
        for token in RegexTokenizer()(body, chars=True):
            start, end = token.startchar, token.endchar
            hits = [a.text for a in A(body[start:end]) if a.text in terms]
            if hits:
                expected.append((start, end, hits[0]))
        assert match_spans(body, terms, A) == expected
        assert len(expected) > 10


def test_match_spans_equal_whoosh_on_real_releases_whatever_the_terms(shared_data):
    """The two-letter shortcut in match_spans must never drop a word the analyzer would match: checked against
    analysing every token, on real releases, with terms taken from their own words (plurals, -y, -ies, numbers)."""
    import gzip
    import json
    import random

    from whoosh.analysis import RegexTokenizer

    from search.snippets import match_spans

    with gzip.open(shared_data / "press-releases" / "press_releases.jsonl.gz", "rt", encoding="utf-8") as fh:
        bodies = [json.loads(line)["body"] for _, line in zip(range(120), fh)]
    rng = random.Random(3)
    for body in bodies:
        words = [t.text for t in RegexTokenizer()(body)]
        chosen = rng.sample(words, k=min(12, len(words))) + ["companies", "company", "day", "ies", "us"]
        terms = frozenset(a.text for w in chosen for a in A(w))
        expected = []
        for token in RegexTokenizer()(body, chars=True):
            hits = [a.text for a in A(body[token.startchar:token.endchar]) if a.text in terms]
            if hits:
                expected.append((token.startchar, token.endchar, hits[0]))
        assert match_spans(body, terms, A) == expected


RELEASE = ("![Acme logo](https://cdn.example/acme.png)\n\nDETROIT, MICHIGAN - June 18, 2025 (NEWMEDIAWIRE) - Acme "
           "signed a concession agreement with the port of Savannah for its new terminal.\n\n"
           + " ".join(["The terminal opens next year."] * 2)
           + "\n\nAbout Acme\n\nAcme is a port software company; see https://acme.example for every port agreement.")


def test_snippets_never_quote_the_image_link_dateline_urls_or_about_paragraph():
    marked = keyword_snippet(RELEASE, TERMS, A)
    assert marked.startswith("Acme signed a concession <mark")
    assert marked.count("<mark") == 2  # the About paragraph's "port agreement" is not quoted
    plain = plain_snippet(RELEASE)
    assert plain.startswith("Acme signed a concession agreement with the port of Savannah")
    for snippet in (marked, plain):
        for gone in ("png", "https", "NEWMEDIAWIRE", "DETROIT", "About Acme", "software company"):
            assert gone not in snippet


def test_words_only_in_the_about_paragraph_give_no_keyword_snippet():
    assert keyword_snippet(RELEASE, frozenset({"softwar"}), A) is None


def test_search_hits_quote_the_news_not_the_boilerplate(tmp_path, fast_nlp, fast_embedder):
    """Through the engine, in every mode: the snippet is the best passage or the matches in the content."""
    import json

    from indexer.ingest.build import build_index
    from search.engine import Engine
    from search.request import parse_request
    from tests.standins import NER_NAME

    releases = [
        {"id": "acme", "title": "Acme signs Savannah terminal deal", "date": "2025-06-18", "body": RELEASE},
        {"id": "other", "title": "Bakery opens", "date": "2025-06-19",
         "body": "A bakery opened on Main Street with fresh bread every morning and a new cafe."},
    ]
    corpus = tmp_path / "r.jsonl"
    corpus.write_text("".join(json.dumps(r) + "\n" for r in releases), encoding="utf-8")
    build_index([corpus], tmp_path / "idx", nlp=fast_nlp, embedder=fast_embedder, ner_model=NER_NAME,
                progress=False)
    engine = Engine.open(tmp_path / "idx", embedder=fast_embedder)
    for mode in ("keyword", "semantic", "hybrid"):
        # Keyword search still reads the About paragraph ("software company" finds the release), never quotes it.
        for q in ("port agreement", "concession terminal Savannah", "software company"):
            hits = engine.search(parse_request({"q": [q], "mode": [mode]})).hits
            acme = [h for h in hits if h.id == "acme"]
            assert acme or mode != "keyword", (q, mode)
            for hit in acme:
                assert "Acme signed a concession" in hit.snippet.replace('<mark class="hl term0">', "") \
                    .replace('<mark class="hl term1">', "").replace("</mark>", ""), (q, mode, hit.snippet)
                for gone in ("png", "https", "NEWMEDIAWIRE", "About Acme", "software company"):
                    assert gone not in hit.snippet, (q, mode, gone)
