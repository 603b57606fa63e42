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


def _files(folder):
    return {p.name: p for p in folder.iterdir() if p.is_file()}


def test_an_update_links_the_base_segments_and_never_changes_a_base_file(tmp_path):
    """The copy is hard links (no bytes copied), so nothing Whoosh does in the copy may write into a shared file:
    every base file keeps its bytes through deletes, adds and the merges of three rounds of updates."""
    import hashlib

    releases = [Release(f"r{i}", f"Port deal {i}", f"Qingdao port deal number {i}.", None) for i in range(30)]
    write_keyword_index(tmp_path / "v0", releases, [[]] * 30)
    digests = {name: hashlib.sha256(p.read_bytes()).hexdigest() for name, p in _files(tmp_path / "v0").items()}
    update_keyword_index(tmp_path / "v0", tmp_path / "v1", [Release("n1", "Rail deal", "A rail deal.", None)],
                         [[]], ["r3", "r4"])
    shared = [name for name, p in _files(tmp_path / "v1").items()
              if name in digests and p.stat().st_ino == (tmp_path / "v0" / name).stat().st_ino]
    assert any(name.endswith(".seg") for name in shared), sorted(_files(tmp_path / "v1"))
    previous = tmp_path / "v1"
    for round_ in (2, 3):
        nxt = tmp_path / f"v{round_}"
        update_keyword_index(previous, nxt, [Release(f"n{round_}", "Ferry deal", "A ferry deal.", None)], [[]],
                             [f"r{round_ * 5}", "n1"])
        previous = nxt
    assert {name: hashlib.sha256(p.read_bytes()).hexdigest() for name, p in _files(tmp_path / "v0").items()} == digests
    with open_keyword_index(tmp_path / "v0").searcher() as s:
        assert sorted(f["id"] for f in s.all_stored_fields()) == sorted(r.id for r in releases)
    with open_keyword_index(tmp_path / "v3").searcher() as s:
        ids = {f["id"] for f in s.all_stored_fields()}
    assert {"n2", "n3"} <= ids and not ids & {"r3", "r4", "r10", "r15", "n1"} and len(ids) == 30 - 4 + 2
