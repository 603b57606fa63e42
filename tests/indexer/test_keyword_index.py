"""The keyword index writers: a copied index gets a new segment even when the global RNG is seeded."""
import random

from indexer.keyword_index import open_keyword_index, update_keyword_index, write_keyword_index
from indexer.releases import Release


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
