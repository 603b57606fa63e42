"""The keyword index writers: a copied index gets a new segment even when the global RNG is seeded; the stored
fields read back as the release that was written."""
import datetime as dt
import random

from indexer.store.keyword_index import open_keyword_index, stored_release, update_keyword_index, write_keyword_index
from indexer.store.records import Release


def test_seeded_global_random_does_not_make_an_update_overwrite_a_segment(tmp_path):
    saved = random.getstate()
    try:
        random.seed(1)  # what ML code often does; Whoosh would then draw the same segment name twice
        write_keyword_index(tmp_path / "old", [Release("a", "Port deal", "Qingdao port deal.", None)], [[]])
        random.seed(1)
        update_keyword_index(tmp_path / "old", tmp_path / "new", [Release("b", "Rail deal", "A rail deal.", None)],
                             [[]], ["zzz"])
    finally:
        random.setstate(saved)
    with open_keyword_index(tmp_path / "new").searcher() as s:
        assert sorted(f["id"] for f in s.all_stored_fields()) == ["a", "b"]
    with open_keyword_index(tmp_path / "old").searcher() as s:  # the base is never written
        assert [f["id"] for f in s.all_stored_fields()] == ["a"]


def test_stored_fields_read_back_as_the_release(tmp_path):
    dated = Release("a", "Port deal", "Qingdao port deal.", dt.date(2024, 3, 5), "Wire", "https://example.com/a",
                    origin="a.jsonl:1")
    undated = Release("b", "Rail deal", "A rail deal.", None)
    write_keyword_index(tmp_path / "kw", [dated, undated], [[], []])
    with open_keyword_index(tmp_path / "kw").searcher() as s:
        back = {f["id"]: stored_release(f, f["id"]) for f in s.all_stored_fields()}
    assert back["a"] == Release("a", "Port deal", "Qingdao port deal.", dt.date(2024, 3, 5), "Wire",
                                "https://example.com/a")  # the origin file is not stored
    assert back["b"] == undated


def test_a_searcher_does_not_copy_the_index_into_memory(sample_index):
    """The server keeps a Whoosh searcher per thread. Opened through mmap, Whoosh-Reloaded copies every part of a
    segment into a BytesIO per searcher (430 MB each on the full corpus: 2.8 GB after a load test); opened through
    file handles, a searcher allocates a small fraction of the index."""
    import tracemalloc

    from indexer.store import layout

    keyword_dir = layout.current_version(sample_index) / layout.KEYWORD_DIR
    segment_bytes = sum(p.stat().st_size for p in keyword_dir.glob("*.seg"))
    ix = open_keyword_index(keyword_dir)
    tracemalloc.start()
    try:
        searchers = [ix.searcher() for _ in range(4)]
        titles = [s.stored_fields(0)["title"] for s in searchers]
        allocated = tracemalloc.get_traced_memory()[0]
    finally:
        tracemalloc.stop()
    assert len(set(titles)) == 1 and titles[0]
    assert allocated < segment_bytes / 4, (allocated, segment_bytes)
    for s in searchers:
        s.close()


def test_a_huge_body_is_indexed_up_to_the_cap_and_stored_whole(tmp_path):
    """Bounded work per request: only the first MAX_INDEXED_CHARS of a body are indexed (phrase checks read the
    positions of what is indexed), while the stored body, shown on the release page, is whole."""
    from whoosh import qparser

    from indexer.store.keyword_index import MAX_INDEXED_CHARS, indexed_body

    filler = "lorem ipsum " * (MAX_INDEXED_CHARS // 12)
    body = "opening berth " + filler + " trailingword"
    write_keyword_index(tmp_path / "kw", [Release("big", "Huge release", body, None)], [[]])
    ix = open_keyword_index(tmp_path / "kw")
    with ix.searcher() as s:
        parse = qparser.QueryParser("content", ix.schema).parse
        assert [h["id"] for h in s.search(parse("berth"))] == ["big"]
        assert list(s.search(parse("trailingword"))) == []  # past the cap: not indexed
        assert s.stored_fields(0)["body"] == body
    assert len(indexed_body(body)) <= MAX_INDEXED_CHARS and indexed_body("short body") == "short body"
