"""The first 300 real press releases: indexing succeeds and distinctive title words find their release first."""
import json

import pytest

from search.request import SearchRequest


def sample_records(path):
    with open(path, encoding="utf-8") as fh:
        return [json.loads(line) for line in fh]


def test_sample_indexes_every_release(sample_engine, sample_corpus):
    records = sample_records(sample_corpus)
    assert sample_engine.size == len(records) == 300
    assert sample_engine.manifest.skipped == 0


@pytest.mark.parametrize("position", [0, 37, 111, 222, 299])
@pytest.mark.parametrize("mode", ["hybrid", "keyword"])
def test_title_words_find_the_release_first(sample_engine, sample_corpus, position, mode):
    record = sample_records(sample_corpus)[position]
    result = sample_engine.search(SearchRequest(q=record["title"], mode=mode, limit=3))
    assert result.hits[0].id == record["id"], (record["title"], [h.title for h in result.hits])


def test_paraphrase_finds_the_release_semantically(sample_engine, sample_corpus):
    haier = next(r for r in sample_records(sample_corpus) if r["title"] == "Haier Smart Home Reports Q1 2026 Results")
    result = sample_engine.search(SearchRequest(q="first quarter earnings of the home appliance maker Haier",
                                                mode="semantic", limit=5))
    assert haier["id"] in [h.id for h in result.hits]


def contains(record, phrase):
    return phrase.casefold() in " ".join(f"{record['title']} {record['body']}".split()).casefold()


@pytest.mark.parametrize(("query", "title_start"), [
    ('"Partners Group" Kuwait', "Partners Group Announces Planned Office in Kuwait"),
    ("home appliance maker Haier posts first-quarter numbers", "Haier Smart Home Reports Q1 2026 Results"),
    ("Aperam names a new chief executive", "Aperam Marks New Chapter as Sud Sivaji Commences as Chief Executive"),
    ("Steyr Motors buys BUKH", "Steyr Motors AG Completes the Acquisition of BUKH"),
    ("Nasdaq ETF launched by Infrastructure Capital", "QVOL: Infrastructure Capital Partners With Nasdaq"),
])
def test_known_answers_come_first_in_hybrid(sample_engine, query, title_start):
    result = sample_engine.search(SearchRequest(q=query, limit=3))
    assert result.hits[0].title.startswith(title_start), [h.title for h in result.hits]


@pytest.mark.parametrize("query", ['"Glendale" museum exhibit', '"Abu Dhabi" regulatory approval',
                                   '"Martial Arts History Museum" grand opening', '"reverse stock split" nasdaq'])
def test_a_quoted_phrase_is_never_below_a_release_that_lacks_it(sample_engine, sample_corpus, query):
    records = {r["id"]: r for r in sample_records(sample_corpus)}
    phrase = query.split('"')[1]
    result = sample_engine.search(SearchRequest(q=query, limit=100))
    has = [contains(records[h.id], phrase) for h in result.hits]
    assert any(has) and not all(has)  # the list mixes releases with and without the phrase...
    first_without = has.index(False)
    assert not any(has[first_without:]), [(h.title, f) for h, f in zip(result.hits, has)][:20]  # ...never mixed up


def test_a_company_named_in_the_query_puts_its_releases_first(sample_engine):
    result = sample_engine.search(SearchRequest(q="Partners Group office in the Gulf", limit=10, explain=True))
    terms = result.hits[0].to_json()["explain"]["exact"]["terms"]
    assert {"kind": "entity", "text": "Partners Group"} in terms
    group = sample_engine.entity("org", "Partners Group").to_json()["release_ids"]
    assert len(group) >= 2
    assert {h.id for h in result.hits[: len(group)]} == set(group)
    assert all("Partners Group" not in h.entities["org"] for h in result.hits[len(group):])


def test_a_company_named_with_a_rarer_word_keeps_all_its_releases(sample_engine):
    # "Kuwait" is rarer than "partners" and "group": the minimum match alone would keep only the one release that
    # has all three words. A company named in the query is the request, so every release naming it matches.
    group = set(sample_engine.entity("org", "Partners Group").to_json()["release_ids"])
    for mode in ("keyword", "hybrid"):
        result = sample_engine.search(SearchRequest(q="Partners Group Kuwait", mode=mode, explain=True))
        assert {h.id for h in result.hits[: len(group)]} == group, mode
        assert result.hits[0].to_json()["explain"]["exact"]["contains"] == [
            {"kind": "entity", "text": "Partners Group"}, {"kind": "entity", "text": "Kuwait"}]
    assert sample_engine.search(SearchRequest(q="Partners Group Kuwait", mode="keyword")).total == len(group)


def test_an_entitys_tagged_releases_are_the_keyword_index_entity_filter(sample_engine):
    """Filters, exact entity tiers and profiles read an entity's releases from the facet matrix; the mention keys the
    keyword index stores for each release must give the same releases for every entity of the catalog."""
    import numpy as np
    from whoosh import query

    checked = 0
    keyword = sample_engine.keyword
    for key, info in sample_engine.catalog.entities.items():
        tagged = sample_engine.releases_of(info)
        whoosh_query = query.Or([query.Term("entities", alias) for alias in info.aliases])
        filtered = sorted(int(keyword.ordinal_by_docnum[d]) for d in keyword.searcher().docs_for_query(whoosh_query))
        assert tagged.tolist() == filtered, info.name
        checked += len(filtered) > 1
    assert checked > 50
    assert sample_engine.facet_counter.releases_with("no such entity").tolist() == []
    assert isinstance(sample_engine.facet_counter.releases_with(key), np.ndarray)
