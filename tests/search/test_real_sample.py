"""The first 300 real press releases: indexing succeeds and distinctive title words find their release first."""
import json

import pytest

from search.hits import SearchRequest


def sample_records(path):
    with open(path, encoding="utf-8") as fh:
        return [json.loads(line) for line in fh]


def test_sample_indexes_every_release(sample_engine, sample_corpus):
    records = sample_records(sample_corpus)
    assert sample_engine.size == len(records) == 300
    assert sample_engine.manifest["skipped"] == 0


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
