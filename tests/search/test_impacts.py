"""The precomputed BM25F impacts must give exactly what Whoosh's own scoring gives."""
import pytest
from whoosh import scoring

from indexer.store import layout
from indexer.store.impacts import TermImpacts
from search.keyword import KeywordRetriever

QUERIES = ["agreements involving ports", "quarterly revenue growth", "acquisition of a mining company",
           "bitcoin", "Haier smart home results", "appoints chief executive officer", "the", "zzzzqqq"]


@pytest.fixture(scope="module")
def retriever(sample_engine):
    return sample_engine.keyword


def whoosh_scores(retriever, text):
    """Whoosh's own scores, by release ordinal (the retriever's one id space)."""
    results = retriever.searcher().search(retriever.parse(text), limit=None)
    return {int(retriever.ordinal_by_docnum[hit.docnum]): hit.score for hit in results}


def ranked_pairs(retriever, q, allowed=None):
    run = retriever.ranked(q, allowed)
    return list(zip(run.ordinals.tolist(), run.scores.tolist()))


@pytest.mark.parametrize("text", QUERIES)
def test_impacts_match_whoosh_scores_and_match_set(retriever, text):
    expected = whoosh_scores(retriever, text)
    everything = retriever.parse(text)
    everything.min_share = 0.0  # no minimum match: Whoosh's own OR match set
    got = dict(ranked_pairs(retriever, everything))
    assert set(got) == set(expected)
    for docnum, score in expected.items():
        assert got[docnum] == pytest.approx(score, rel=1e-5)
    # The minimum match (search/minimum_match.py) only drops matches; the ones kept keep Whoosh's scores.
    kept = dict(ranked_pairs(retriever, retriever.parse(text)))
    assert set(kept) <= set(expected)
    assert all(kept[d] == pytest.approx(expected[d], rel=1e-5) for d in kept)


def test_filter_restricts_the_fast_path(retriever):
    import numpy as np

    q = retriever.parse("quarterly revenue growth")
    everything = ranked_pairs(retriever, q)
    allowed = np.array(sorted(d for d, _ in everything[::2]))
    assert [d for d, _ in ranked_pairs(retriever, q, allowed)] == [d for d, _ in everything if d in set(allowed.tolist())]
    assert ranked_pairs(retriever, q, np.zeros(0, dtype=np.int64)) == []


@pytest.mark.parametrize("text", ['"smart home"', "bitcoin AND mining", "bitcoin NOT mining", "(bitcoin OR gold) AND mining"])
def test_other_queries_fall_back_to_whoosh(retriever, text):
    q = retriever.parse(text)
    assert retriever.impacts.score(q) is None
    assert dict(ranked_pairs(retriever, q)) == pytest.approx(whoosh_scores(retriever, text))


def test_impacts_are_cached_in_the_version_and_reloaded(sample_engine):
    path = sample_engine.version_dir / layout.IMPACTS
    loaded = TermImpacts.load(path)
    assert loaded is not None and loaded.doc_count == sample_engine.size
    assert loaded.matrix.nnz == sample_engine.keyword.impacts.matrix.nnz
    assert TermImpacts.load(path.with_name("missing.npz")) is None


def test_compute_refuses_other_weightings(sample_engine):
    with sample_engine.keyword._ix.searcher(weighting=scoring.TF_IDF()) as s:
        with pytest.raises(TypeError):
            TermImpacts.compute(s, ["body"])


@pytest.mark.parametrize("text", ['"bitcoin"', '"Haier"', '"smart home"', '"Qingdao Port"', '"zzzzqqq"', "mining"])
def test_containment_checks_match_whoosh_with_or_without_impacts(retriever, text):
    """Exact-term containment: a one-word phrase is answered from the impacts, a real phrase by Whoosh; both must
    give exactly the documents Whoosh matches."""
    q = retriever.parse(text)
    expected = sorted(retriever.searcher().docs_for_query(q))
    assert retriever._matching_docnums(q) == expected  # docnums: the retriever's internal fast path
    if text in ('"bitcoin"', '"Haier"'):
        assert retriever.impacts.score(q) is not None and expected  # the fast path, and it found something


def title_phrases(retriever, count: int) -> list[str]:
    """Two- to four-word runs of real titles (common words among them), plus phrases with stop words and repeats."""
    import itertools

    titles = [retriever.stored(o)["title"] for o in range(0, int((retriever.ordinal_by_docnum >= 0).sum()), 7)]
    runs = []
    for title in titles:
        words = title.replace('"', " ").split()
        for size, start in itertools.product((2, 3, 4), (0, 2)):
            if len(words) >= start + size:
                runs.append(" ".join(words[start:start + size]))
    return runs[:count] + ["Bank of America", "of the", "first quarter 2024 results", "New New", "smart home",
                           "zzzzqqq port", "chief executive officer"]


def test_phrase_candidates_and_checks_give_exactly_what_whoosh_matches(retriever):
    """Exact terms check word positions for a few releases only: the sure matches plus the maybes that `contains`
    confirms must be Whoosh's own phrase matches, for every phrase, and the maybes must hold every real match."""
    import numpy as np

    checked_maybes = 0
    for phrase in title_phrases(retriever, 120):
        q = retriever.parse('"' + phrase + '"')
        expected = sorted(int(retriever.ordinal_by_docnum[d]) for d in retriever.searcher().docs_for_query(q)
                          if retriever._live[d])
        sure, maybe = retriever.phrase_candidates(q)
        assert not set(sure.tolist()) & set(maybe.tolist()), phrase
        confirmed = maybe[retriever.contains(q, maybe)]
        assert sorted(set(sure.tolist()) | set(confirmed.tolist())) == expected, phrase
        # One at a time (the order the engine asks in is not the index order) gives the same answers.
        assert [bool(retriever.contains(q, np.array([d]))[0]) for d in maybe[:20]] == \
            [d in set(expected) for d in maybe[:20].tolist()], phrase
        checked_maybes += len(maybe) - len(confirmed)
    assert checked_maybes > 0  # some releases had every word but not the phrase: the check did real work
