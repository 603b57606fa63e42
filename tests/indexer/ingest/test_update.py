"""Incremental updates, deletes and the consistency check, with the real pipeline on tiny corpora."""
import datetime as dt
import json
import shutil
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

from indexer.store import layout
from indexer.ingest.build import BuildError, build_index
from indexer.store.check import check_index, check_version
from indexer.ingest.update import delete_releases, update_index
from indexer.store.vectors import PassageMap, all_vectors, read_vector_index
from search.engine import Engine
from search.request import EntityFilter, SearchRequest

BIN = Path(sys.executable).parent


def jsonl(path: Path, *records: dict) -> Path:
    path.write_text("".join(json.dumps(r) + "\n" for r in records), encoding="utf-8")
    return path


def release(rid: str, title: str, body: str, date: str = "2024-01-02") -> dict:
    return {"id": rid, "title": title, "body": body, "date": date, "source": "test"}


BASE = [
    release("a", "Qingdao Port signs logistics deal", "Qingdao Port and SITC signed a logistics agreement in Qingdao."),
    release("b", "Haier opens factory", "Haier Group opened a washing machine factory in Poland."),
    release("c", "Railway expansion", "China Railway will expand the freight line to Xi'an."),
]


@pytest.fixture
def base_index(tmp_path, nlp, embedder):
    index_dir = tmp_path / "index"
    build_index([jsonl(tmp_path / "base.jsonl", *BASE)], index_dir, nlp=nlp, embedder=embedder, progress=False)
    return index_dir


def ids(index_dir, embedder, **request):
    engine = Engine.open(index_dir, embedder=embedder)
    return sorted(h.id for h in engine.search(SearchRequest(limit=100, **request)).hits)


def test_update_adds_replaces_and_skips_unchanged_without_touching_old_vectors(tmp_path, base_index, nlp, embedder):
    before = layout.current_version(base_index)
    old_vectors = all_vectors(read_vector_index(before / layout.VECTORS))
    old_map = PassageMap.load(before / layout.PASSAGES)
    changed_b = release("b", "Haier closes factory", "Haier Group closed its dryer plant in Poland.")
    new = jsonl(tmp_path / "new.jsonl", BASE[0], changed_b, release("d", "Airport opens", "Jiaodong Airport opened."))
    summary = update_index([new], base_index, nlp=nlp, embedder=embedder, progress=False)

    assert summary.changes == {"added": 1, "replaced": 1, "deleted": 0, "unchanged": 1}
    assert summary.releases == 4 and "Updated: 1 added, 1 replaced, 0 deleted, 1 unchanged" in summary.report()
    version = layout.current_version(base_index)
    assert version == summary.version != before and check_version(version) == []
    assert ids(base_index, embedder) == ["a", "b", "c", "d"]  # one b, not two
    assert ids(base_index, embedder, q="dryer", mode="keyword") == ["b"]
    assert ids(base_index, embedder, q="washing", mode="keyword") == []  # the old text of b is gone
    # a and c kept their exact vectors (never re-embedded); b's and d's come after them.
    new_map = PassageMap.load(version / layout.PASSAGES)
    assert list(new_map.release_ids) == ["a", "c", "b", "d"]
    new_vectors = all_vectors(read_vector_index(version / layout.VECTORS))
    for rid in ("a", "c"):
        old_rows = old_vectors[old_map.passage_release == list(old_map.release_ids).index(rid)]
        new_rows = new_vectors[new_map.passage_release == list(new_map.release_ids).index(rid)]
        assert np.array_equal(old_rows, new_rows)
    engine = Engine.open(base_index, embedder=embedder)
    assert engine.release("b").to_json()["title"] == "Haier closes factory"
    # The catalog (kept mentions + NER of the new releases only) equals one built from scratch in the same order.
    from indexer.ingest.canonical import build_catalog
    from indexer.ingest.entities import extract_mentions, release_text

    final = [BASE[0], BASE[2], changed_b, release("d", "Airport opens", "Jiaodong Airport opened.")]
    mentions = list(extract_mentions(nlp, [release_text(r["title"], r["body"]) for r in final],
                                     sources=[r["source"] for r in final]))
    assert engine.catalog.to_json() == build_catalog([r["id"] for r in final], mentions).to_json()
    assert engine.catalog.find("SITC") is not None and "a" in engine.entity(
        engine.catalog.find("SITC").type, "SITC").to_json()["release_ids"]


def test_an_update_of_undated_releases_keeps_the_old_dates(tmp_path, base_index, nlp, embedder):
    # Whoosh's multi-segment column reader misnumbers documents when the new segment has no date column.
    update_index([jsonl(tmp_path / "u.jsonl", release("u", "Undated note", "No date here.", date=""))], base_index,
                 nlp=nlp, embedder=embedder, progress=False)
    engine = Engine.open(base_index, embedder=embedder)
    assert [engine.release(r).to_json()["date"] for r in ("a", "b", "c", "u")] == ["2024-01-02"] * 3 + [None]
    assert [h.id for h in engine.search(SearchRequest(date_from=dt.date(2024, 1, 1))).hits] \
        == ["a", "b", "c"]


def test_update_with_nothing_new_publishes_nothing(tmp_path, base_index, nlp, embedder):
    before = layout.current_version(base_index)
    summary = update_index([jsonl(tmp_path / "same.jsonl", *BASE)], base_index, nlp=nlp, embedder=embedder,
                           progress=False)
    assert not summary.published and layout.current_version(base_index) == before
    assert summary.changes == {"added": 0, "replaced": 0, "deleted": 0, "unchanged": 3}
    assert "nothing changed" in summary.report()


def test_delete_removes_releases_everywhere_and_unknown_ids_change_nothing(base_index, embedder):
    with pytest.raises(BuildError, match=r"no release with id 'zzz' .*nothing was deleted"):
        delete_releases(["a", "zzz"], base_index)
    assert ids(base_index, embedder) == ["a", "b", "c"]
    assert "a" in ids(base_index, embedder, q="Qingdao Port logistics deal", mode="semantic")
    summary = delete_releases(["a"], base_index)
    assert summary.changes["deleted"] == 1 and summary.releases == 2
    assert ids(base_index, embedder) == ["b", "c"]
    assert ids(base_index, embedder, q="Qingdao logistics", mode="keyword") == []
    assert "a" not in ids(base_index, embedder, q="Qingdao Port logistics deal", mode="semantic")  # a's vectors are gone
    assert ids(base_index, embedder, q="Haier Group factory", mode="semantic") == ["b"]
    engine = Engine.open(base_index, embedder=embedder)
    assert engine.catalog.find("SITC") is None  # only a mentioned SITC
    assert engine.search(SearchRequest(entities=(EntityFilter("org", "SITC"),))).total == 0
    assert check_index(base_index)[1] == []
    with pytest.raises(BuildError, match="delete every release"):
        delete_releases(["b", "c"], base_index)


def test_a_changed_model_is_refused_on_update(tmp_path, base_index):
    with pytest.raises(BuildError, match=r"built with embedding model 'all-MiniLM-L6-v2', not 'other'.*--rebuild"):
        update_index([jsonl(tmp_path / "x.jsonl", BASE[0])], base_index, embedding_model="other", progress=False)


def test_check_names_each_mismatch(base_index, tmp_path):
    version = layout.current_version(base_index)
    broken = tmp_path / "broken"
    shutil.copytree(version, broken)
    meta = layout.read_json(broken / layout.MANIFEST)
    layout.write_json(broken / layout.MANIFEST, {**meta, "releases": 7, "dimensions": 12})
    catalog = json.loads((broken / layout.CATALOG).read_text())
    catalog["releases"]["ghost"] = {"keys": [], "mentions": []}
    (broken / layout.CATALOG).write_text(json.dumps(catalog))
    problems = check_version(broken)
    assert "manifest says 7 releases but the index holds 3" in problems
    assert "vector index has 384 dimensions but the manifest says 12" in problems
    assert "entity catalog has 1 releases the passage map lacks, e.g. 'ghost'" in problems


def test_check_reports_a_bad_manifest_as_one_finding(base_index, tmp_path):
    broken = tmp_path / "broken"
    shutil.copytree(layout.current_version(base_index), broken)
    layout.write_json(broken / layout.MANIFEST, {**layout.read_json(broken / layout.MANIFEST), "releases": "three"})
    problems = check_version(broken)
    assert problems == [f"{broken / layout.MANIFEST}: releases must be a whole number, 0 or more (got 'three'); "
                        "rebuild the index"]


def test_cli_index_delete_check(tmp_path, base_index):
    cli = str(BIN / "announcements")
    ok = subprocess.run([cli, "check", "--index", str(base_index)], capture_output=True, text=True)
    assert ok.returncode == 0 and ok.stdout.strip().endswith(": OK")
    bad = subprocess.run([cli, "delete", "nope", "--index", str(base_index)], capture_output=True, text=True)
    assert bad.returncode == 1 and "no release with id 'nope'" in bad.stderr and "Traceback" not in bad.stderr
    gone = subprocess.run([cli, "delete", "c", "--index", str(base_index)], capture_output=True, text=True)
    assert gone.returncode == 0 and "1 deleted" in gone.stdout and "now 2 releases" in gone.stdout
    layout.write_json(layout.current_version(base_index) / layout.MANIFEST,
                      {**layout.read_json(layout.current_version(base_index) / layout.MANIFEST), "passages": 99})
    bad = subprocess.run([cli, "check", "--index", str(base_index)], capture_output=True, text=True)
    assert bad.returncode == 1 and "manifest says 99 passages but the index holds" in bad.stderr
    other = subprocess.run([cli, "index", str(tmp_path / "base.jsonl"), "--model", "other", "--index",
                            str(base_index)], capture_output=True, text=True)
    assert other.returncode == 1 and "not 'other'; update it with the same model, or rebuild everything with " \
        "`--rebuild --model other`" in other.stderr and "Traceback" not in other.stderr


def test_a_second_writer_is_refused_while_one_holds_the_index(tmp_path):
    import os

    with layout.writer_lock(tmp_path):
        with pytest.raises(layout.IndexBusy, match=f"another process \\(pid {os.getpid()}\\) is writing the index"):
            with layout.writer_lock(tmp_path):
                pass
    with layout.writer_lock(tmp_path):  # released when the holder is done
        pass


def test_an_update_reuses_the_base_segments_postings_and_scores_like_a_fresh_computation(tmp_path, base_index, nlp,
                                                                                         embedder):
    from whoosh import index, scoring

    from indexer.store.impacts import TermImpacts
    from indexer.store.keyword_index import scored_fields

    before = layout.current_version(base_index)
    base_postings = {p.name: p.stat().st_ino for p in (before / layout.POSTINGS).iterdir()}
    new = jsonl(tmp_path / "new.jsonl", release("d", "Airport opens", "Jiaodong Airport opened near Qingdao Port."))
    update_index([new], base_index, nlp=nlp, embedder=embedder, delete_ids=["c"], progress=False)
    after = layout.current_version(base_index)
    shared = {p.name: p.stat().st_ino for p in (after / layout.POSTINGS).iterdir() if p.name in base_postings}
    assert shared and all(base_postings[name] == inode for name, inode in shared.items())  # linked, not re-read
    assert len(list((after / layout.POSTINGS).iterdir())) > len(shared)  # the new segment's own postings

    ix = index.open_dir(str(after / layout.KEYWORD_DIR))
    with ix.searcher(weighting=scoring.BM25F()) as searcher:
        fresh = TermImpacts.compute(searcher, scored_fields(ix))  # no cache: every posting read from Whoosh
    shipped = TermImpacts.load(after / layout.IMPACTS)
    assert shipped.terms == fresh.terms
    assert abs(shipped.matrix - fresh.matrix).max() == 0
    assert ids(base_index, embedder, q="Qingdao Port", mode="keyword") == ["a", "d"]  # "c" deleted, "d" found
