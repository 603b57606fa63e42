"""The whole engine on the two seed releases, built with the real NER and embedding models."""
import datetime as dt

import pytest

from search.match_set import DEFAULT_FLOOR
from search.request import EntityFilter, SearchRequest

PORTS = "004_adb0e8ee3c5d47dd"  # SITC, Hisense and Qingdao Port
CIMC = "000_1afde4e98ac703ce"  # CIMC and Yunnan Provincial Government


def facet(result, type_):
    return {v.value: v.count for v in result.facets[type_]}


def test_hybrid_ranks_the_port_agreement_first_and_returns_both(seed_engine):
    result = seed_engine.search(SearchRequest(q="agreements involving ports"))
    assert [h.id for h in result.hits] == [PORTS, CIMC]
    assert result.total == 2
    assert result.hits[0].title.startswith("The strategic agreement is signed by SITC, Hisense and Qingdao Port")
    assert result.hits[0].date == dt.date(2023, 6, 26)
    assert result.hits[1].date is None  # the CIMC release names no year: no invented date


@pytest.mark.parametrize("mode", ["keyword", "semantic"])
def test_each_retriever_alone_finds_the_port_agreement_first(seed_engine, mode):
    result = seed_engine.search(SearchRequest(q="agreements involving ports", mode=mode))
    assert result.hits[0].id == PORTS


def test_entity_filter_leaves_only_cimc_with_exact_facet_counts(seed_engine):
    result = seed_engine.search(SearchRequest(q="agreements involving ports", entities=(EntityFilter("org", "CIMC"),)))
    assert [h.id for h in result.hits] == [CIMC]
    assert result.total == 1
    orgs = facet(result, "org")
    assert orgs["CIMC"] == 1 and orgs["CIMC Wetrans"] == 1
    assert "SITC" not in orgs and "Hisense" not in orgs and "Qingdao Port" not in orgs
    assert [v.value for v in result.facets["org"] if v.selected] == ["CIMC"]
    # NER reads a release's first NER_WORDS (400) words: "Mohan Port" (word ~400) is past it and found by the facility
    # pattern (indexer/ingest/patterns.py); "Vehicle Park" (word ~540, a business unit) is no entity.
    assert set(facet(result, "facility")) == {"China-Laos Railway", "Mohan Port"}
    assert "Vehicle Park" not in facet(result, "place") and "Mohan Port" not in facet(result, "place")
    assert result.facet_scope["releases"] == 1


def test_facets_count_the_whole_match_set_and_types_are_resolved(seed_engine):
    result = seed_engine.search(SearchRequest(q="agreements involving ports", limit=1))
    assert len(result.hits) == 1 and result.total == 2
    orgs = facet(result, "org")
    assert {"SITC", "Hisense", "CIMC", "Qingdao Port"} <= set(orgs)
    assert orgs["SITC"] == 1 and orgs["CIMC"] == 1
    assert "Hisense" not in facet(result, "person")
    assert {"Gao Xiang", "Lai Zhiyong"} <= set(facet(result, "person"))
    for values in result.facets.values():
        for v in values:
            assert v.value not in {"Board", "Party"}
            assert v.value.count("(") == v.value.count(")")


def test_filters_by_type_value_or_and_across_types(seed_engine):
    either = seed_engine.search(SearchRequest(entities=(EntityFilter("org", "CIMC"), EntityFilter("org", "SITC"))))
    assert {h.id for h in either.hits} == {PORTS, CIMC}
    both = seed_engine.search(SearchRequest(entities=(EntityFilter("org", "SITC"), EntityFilter("person", "Gao Xiang"))))
    assert both.total == 0 and both.hits == []
    case_insensitive = seed_engine.search(SearchRequest(entities=(EntityFilter("org", "sitc"),)))
    assert [h.id for h in case_insensitive.hits] == [PORTS]
    wrong_type = seed_engine.search(SearchRequest(entities=(EntityFilter("person", "Hisense"),)))
    assert wrong_type.total == 0
    unknown = seed_engine.search(SearchRequest(q="agreement", entities=(EntityFilter("org", "Nobody Inc."),)))
    assert unknown.total == 0


def test_date_filter_excludes_undated_and_out_of_range(seed_engine):
    in_range = seed_engine.search(SearchRequest(q="agreement", date_from=dt.date(2023, 6, 1), date_to=dt.date(2023, 6, 30)))
    assert [h.id for h in in_range.hits] == [PORTS]
    after = seed_engine.search(SearchRequest(q="agreement", date_from=dt.date(2023, 6, 27)))
    assert after.total == 0


def test_a_month_filter_marks_its_month_and_an_ancient_one_is_no_error(seed_engine):
    june = seed_engine.search(SearchRequest(q="agreement", date_from=dt.date(2023, 6, 1), date_to=dt.date(2023, 6, 30)))
    assert [(v.value, v.count, v.selected) for v in june.facets["month"]] == [("2023-06", 1, True)]
    # Year 1: "%Y" would spell it "1-01", which no month parser reads; the request must simply match nothing.
    ancient = seed_engine.search(SearchRequest(q="agreement", date_from=dt.date(1, 1, 1), date_to=dt.date(1, 1, 31)))
    assert ancient.total == 0 and ancient.facets["month"] == []


def test_empty_query_browses_newest_first(seed_engine):
    result = seed_engine.search(SearchRequest())
    assert [h.id for h in result.hits] == [PORTS, CIMC]  # dated before undated
    assert result.total == 2


def test_keyword_snippet_marks_matches_and_semantic_hit_gets_its_passage(seed_engine):
    result = seed_engine.search(SearchRequest(q="Hisense", mode="keyword"))
    assert [h.id for h in result.hits] == [PORTS]  # the CIMC release never says Hisense
    assert '<mark class="hl term0">Hisense</mark>' in result.hits[0].snippet
    semantic = seed_engine.search(SearchRequest(q="railway logistics in Laos", mode="semantic"))
    top = semantic.hits[0]
    assert top.id == CIMC and "<mark" not in top.snippet and "China-Laos Railway" in top.snippet


def test_explain_gives_ranks_scores_and_similarities(seed_engine):
    default = seed_engine.search(SearchRequest(q="Hisense port", explain=True)).hits[0].to_json()["explain"]["fusion"]
    # The default: convex, with the short-query semantic weight (two words: SHORT_ALPHA, tuned on press releases).
    assert (default["method"], default["alpha"]) == ("convex", 0.3)
    result = seed_engine.search(SearchRequest(q="Hisense port", fusion="rrf", explain=True))
    first = result.hits[0].to_json()["explain"]
    assert first["keyword"]["rank"] == 1 and first["keyword"]["score"] > 0
    assert first["semantic"]["rank"] >= 1 and -1 <= first["semantic"]["similarity"] <= 1
    assert first["fusion"]["rrf_k"] == 60
    expected = 1 / (60 + first["keyword"]["rank"]) + 1 / (60 + first["semantic"]["rank"])
    assert result.hits[0].score == pytest.approx(expected)
    assert seed_engine.search(SearchRequest(q="Hisense")).hits[0].explain is None


def test_pagination_and_sort_by_date(seed_engine):
    page2 = seed_engine.search(SearchRequest(q="agreement", limit=1, offset=1))
    assert page2.total == 2 and len(page2.hits) == 1
    first = seed_engine.search(SearchRequest(q="agreement", limit=1)).hits[0]
    assert page2.hits[0].id != first.id
    by_date = seed_engine.search(SearchRequest(q="agreement", sort="date"))
    assert [h.id for h in by_date.hits] == [PORTS, CIMC]


def test_stop_words_only_warns_in_keyword_mode(seed_engine):
    result = seed_engine.search(SearchRequest(q="the of and", mode="keyword"))
    assert result.total == 0 and result.warnings


def test_release_and_entity_lookups(seed_engine):
    release = seed_engine.release(PORTS).to_json()
    assert release["body"].startswith("On June 19, SITC, Hisense and Qingdao Port signed")
    assert "SITC" in release["entities"]["org"] and release["date"] == "2023-06-26"
    assert seed_engine.release("nope") is None
    entity = seed_engine.entity("org", "cimc").to_json()
    assert entity["name"] == "CIMC" and entity["release_ids"] == [CIMC]
    assert seed_engine.entity("person", "CIMC") is None
    names = [e.to_json()["name"] for e in seed_engine.entities("org", "qing")]
    assert "Qingdao Port" in names and "CIMC" not in names


def test_seed_facets_hold_exactly_the_canonical_entities_and_no_junk(seed_engine):
    result = seed_engine.search(SearchRequest(facet_size=500))
    values = {t: set(facet(result, t)) for t in ("org", "person", "place", "facility", "issuer")}
    assert {"SITC", "Hisense", "CIMC", "CIMC Wetrans", "Qingdao Port", "Shandong Port Group"} <= values["org"]
    assert values["facility"] == {"China-Laos Railway", "Mohan Port"}  # Mohan Port by pattern past the NER lead
    assert {"Gao Xiang", "Lai Zhiyong"} <= values["person"]
    assert values["issuer"] == {"SITC", "CIMC"}
    # "South Asia" and "Southeast Asia" are named only past the NER lead of the CIMC release.
    assert values["place"] == {"China", "Kunming", "Shenzhen", "Yunnan", "Yunnan Province"}
    every = set().union(*values.values())
    assert not every & {"Board", "Party", "Party Committee", "Group) Co., Ltd.", "SITC Logistics Group",
                        "CIMC Wetrans Logistics Technology (Group) Co., Ltd."}  # the last two are aliases
    assert "Hisense" not in values["person"] and "Qingdao Port" not in values["person"]
    assert "Vehicle Park" not in values["place"] and "Qingdao Port" not in values["facility"]
    assert all(v.count("(") == v.count(")") for v in every)
    assert facet(result, "category") == {"agreement": 2}
    sitc = seed_engine.catalog.find("SITC Logistics Group")
    assert sitc.name == "SITC" and sitc.aliases == ("sitc", "sitc logistics group")


def test_hyphenated_names_match_and_never_exclude(seed_engine):
    result = seed_engine.search(SearchRequest(q="China-Laos Railway", mode="keyword"))
    assert [h.id for h in result.hits] == [CIMC]
    assert seed_engine.search(SearchRequest(q="Qingdao-Port", mode="keyword")).hits[0].id == PORTS


def test_quoted_phrase_keeps_its_release_on_top_and_explain_says_why(seed_engine):
    result = seed_engine.search(SearchRequest(q='"Qingdao Port"', explain=True))
    # The CIMC release (railway logistics in Yunnan) is not near enough in meaning to pad the list (semantic floor).
    assert [h.id for h in result.hits] == [PORTS]
    assert result.hits[0].to_json()["explain"]["exact"]["contains"] == [{"kind": "phrase", "text": "Qingdao Port"}]
    other = seed_engine.search(SearchRequest(q='"Mohan Port" railway', explain=True))
    assert [h.id for h in other.hits] == [CIMC]
    assert other.hits[0].to_json()["explain"]["exact"]["contains"] == [{"kind": "phrase", "text": "Mohan Port"}]


def test_entity_named_in_the_query_is_recognised_from_the_catalog(seed_engine):
    result = seed_engine.search(SearchRequest(q="CIMC ports", explain=True))
    assert result.hits[0].id == CIMC
    assert result.hits[0].to_json()["explain"]["exact"]["terms"] == [{"kind": "entity", "text": "CIMC"}]
    assert result.hits[0].to_json()["explain"]["exact"]["contains"] == [{"kind": "entity", "text": "CIMC"}]
    assert result.hits[1].to_json()["explain"]["exact"]["contains"] == []  # the port release never names CIMC
    lower = seed_engine.search(SearchRequest(q="cimc ports", explain=True))
    assert lower.hits[0].to_json()["explain"]["exact"] is None  # lower-case words are not taken for names
    # A long description that happens to name CIMC is not a request for CIMC: no tier (NAME_SHARE).
    long = seed_engine.search(SearchRequest(q="which company signed a strategic agreement on port logistics with CIMC",
                                            explain=True))
    assert long.hits[0].to_json()["explain"]["exact"] is None


def test_explain_is_truthful_for_each_mode_and_fusion(seed_engine):
    keyword = seed_engine.search(SearchRequest(q="Hisense port", mode="keyword", explain=True)).hits[0].to_json()["explain"]
    assert keyword["fusion"] is None and keyword["semantic"] is None  # no fusion happened
    convex = seed_engine.search(SearchRequest(q="agreements involving ports", fusion="convex", alpha=0.3,
                                              explain=True))
    for hit in convex.hits:
        f = hit.to_json()["explain"]["fusion"]
        assert (f["method"], f["alpha"], f["weights"]) == ("convex", 0.3, {"keyword": 0.7, "semantic": 0.3})
        assert hit.score == pytest.approx(0.7 * f["keyword_normalised"] + 0.3 * f["semantic_normalised"], abs=1e-6)
        semantic = hit.to_json()["explain"]["semantic"]
        if semantic is None:  # below the semantic floor: not in the semantic list, so nothing from that side
            assert f["semantic_normalised"] == 0.0 and f["similarity"] < DEFAULT_FLOOR.absolute
        else:
            assert f["similarity"] == semantic["similarity"]
    assert convex.hits[0].to_json()["explain"]["fusion"]["keyword_normalised"] == 1.0  # the best BM25 is the top of the scale
    rrf = seed_engine.search(SearchRequest(q="Hisense port", fusion="rrf", alpha=0.25, explain=True)).hits[0]
    k, s = rrf.to_json()["explain"]["keyword"]["rank"], rrf.to_json()["explain"]["semantic"]["rank"]
    assert rrf.to_json()["explain"]["fusion"]["weights"] == {"keyword": 1.5, "semantic": 0.5}
    assert rrf.score == pytest.approx(1.5 / (60 + k) + 0.5 / (60 + s))
    warned = seed_engine.search(SearchRequest(q="Hisense", mode="keyword", alpha=0.2))
    assert "'fusion' and 'alpha' apply to mode=hybrid only; they were ignored" in warned.warnings


def test_concurrent_first_queries_load_the_query_encoder_once(seed_index, monkeypatch):
    import threading
    import time

    import search.query_vectors as engine_module  # where the engine's query side loads its model
    from search.engine import Engine

    real, calls = engine_module.load_query_encoder, []

    def slow_load(*args, **kwargs):  # the real loader, slowed so that the threads overlap
        calls.append(args)
        time.sleep(0.3)
        return real(*args, **kwargs)

    monkeypatch.setattr(engine_module, "load_query_encoder", slow_load)
    engine = Engine.open(seed_index)
    results = []
    threads = [threading.Thread(target=lambda: results.append(engine.search(SearchRequest(q="port", mode="semantic"))))
               for _ in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert len(calls) == 1 and len(results) == 4
    assert len({tuple(h.id for h in r.hits) for r in results}) == 1
