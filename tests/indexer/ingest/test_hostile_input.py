"""Hostile input found by the second attack (issue 18): each is reported as a Problem with its path and skipped, and
the good releases beside it are indexed. Builds use the stand-in models (fast tier)."""
from __future__ import annotations

import os
from pathlib import Path

import pytest

from indexer.ingest.build import build_index
from indexer.ingest.releases import Problem, read_releases
from indexer.ingest.update import update_index
from indexer.store import layout
from indexer.store.vectors import PassageMap
from tests.standins import NER_NAME
from tests.files import write




def indexed_ids(index_dir: Path) -> list[str]:
    return sorted(str(r) for r in PassageMap.load(layout.current_version(index_dir) / layout.PASSAGES).release_ids)


def build(paths, index_dir: Path, fast_nlp, fast_embedder):
    return build_index(paths, index_dir, nlp=fast_nlp, embedder=fast_embedder, ner_model=NER_NAME, progress=False)


def update(paths, index_dir: Path, fast_nlp, fast_embedder):
    return update_index(paths, index_dir, nlp=fast_nlp, embedder=fast_embedder, progress=False)


# ---------------------------------------------------------------- item 1: symbolic links

def links_folder(root: Path) -> Path:
    src = root / "in"
    write(src / "good.txt", "Port opens a new berth\n\nThe berth opened in Qingdao.")
    write(root / "outside" / "elsewhere.txt", "Outside\n\nNot under the folder.")
    os.symlink("loop.txt", src / "loop.txt")  # points at itself
    os.symlink("b.txt", src / "a.txt")  # a -> b -> a
    os.symlink("a.txt", src / "b.txt")
    os.symlink(root / "gone.txt", src / "dangling.txt")
    os.symlink(root / "outside", src / "outdir")
    os.symlink(".", src / "here")  # a folder loop
    return src


def test_symlink_loops_dangling_links_and_folder_links_are_problems(tmp_path):
    src = links_folder(tmp_path)
    results = list(read_releases([src]))
    assert [(type(r).__name__, getattr(r, "id", None) or r.origin, getattr(r, "reason", "")) for r in results] == [
        ("Problem", str(src / "a.txt"), "symbolic link loop"),
        ("Problem", str(src / "b.txt"), "symbolic link loop"),
        ("Problem", str(src / "dangling.txt"), "broken symbolic link"),
        ("Release", "good", ""),
        ("Problem", str(src / "here"), "symbolic link to a folder (not followed)"),
        ("Problem", str(src / "loop.txt"), "symbolic link loop"),
        ("Problem", str(src / "outdir"), "symbolic link to a folder (not followed)"),
    ]
    # Named on the command line, a looping or dangling link is a Problem too (not "no such file").
    assert list(read_releases([src / "loop.txt", src / "dangling.txt"])) == [
        Problem(str(src / "loop.txt"), "symbolic link loop"),
        Problem(str(src / "dangling.txt"), "broken symbolic link"),
    ]


def test_a_symlink_loop_does_not_stop_a_build_or_an_update(tmp_path, fast_nlp, fast_embedder):
    src = links_folder(tmp_path)
    index_dir = tmp_path / "index"
    summary = build([src], index_dir, fast_nlp, fast_embedder)
    assert indexed_ids(index_dir) == ["good"]
    assert sorted(Path(p.origin).name for p in summary.problems) == [
        "a.txt", "b.txt", "dangling.txt", "here", "loop.txt", "outdir"]
    write(src / "more.txt", "Second berth\n\nAnother berth opened.")
    summary = update([src], index_dir, fast_nlp, fast_embedder)
    assert summary.changes == {"added": 1, "replaced": 0, "deleted": 0, "unchanged": 1}
    assert indexed_ids(index_dir) == ["good", "more"]


# ---------------------------------------------------------------- item 11: unsupported files, NUL bytes in JSONL

def test_unsupported_files_in_a_folder_are_reported(tmp_path, fast_nlp, fast_embedder):
    src = tmp_path / "in"
    write(src / "good.txt", "Port opens a new berth\n\nThe berth opened in Qingdao.")
    for name in ("report.pdf", "deck.PDF", "sub/scan.pdf", "README", "photo.jpg"):
        write(src / name, b"%PDF-1.7 whatever")
    write(src / ".DS_Store", b"hidden files stay silent")
    assert [p for p in read_releases([src]) if isinstance(p, Problem)] == [
        Problem(str(src / "README"), "unsupported file type 'README'"),
        Problem(str(src / "deck.PDF"), "unsupported file type '.PDF'"),
        Problem(str(src / "photo.jpg"), "unsupported file type '.jpg'"),
        Problem(str(src / "report.pdf"), "unsupported file type '.pdf'"),
        Problem(str(src / "sub" / "scan.pdf"), "unsupported file type '.pdf'"),
    ]
    summary = build([src], tmp_path / "index", fast_nlp, fast_embedder)
    assert "2 × unsupported file type '.pdf'" in summary.report()


def test_a_nul_byte_on_line_1_skips_that_line_only(tmp_path):
    good = '{"id": "g%d", "title": "Good %d", "body": "Body."}\n'
    path = write(tmp_path / "f.jsonl", b'{"id": "x\x00", "title": "T", "body": "B"}\n'
                 + (good % (2, 2)).encode() + b"\x00\x00\n" + (good % (4, 4)).encode())
    results = list(read_releases([path]))
    assert [getattr(r, "id", None) or (r.origin, r.reason) for r in results] == [
        (f"{path}:1", "binary data (NUL byte) in line"), "g2",
        (f"{path}:3", "binary data (NUL byte) in line"), "g4"]
    # A file whose every line (or first 8 lines) holds NUL bytes is still one "binary file".
    binary = write(tmp_path / "b.jsonl", b"\x00\x01\n" * 20 + (good % (9, 9)).encode())
    assert list(read_releases([binary])) == [Problem(str(binary), "binary file")]


# ---------------------------------------------------------------- item 2: one date rule for every format

FAR_DATES = {
    "line.txt": "Calendar release\n\nDecember 31, 9999\n\nThe body.",
    "dateline.txt": "Calendar release\n\nQINGDAO, December 31, 9999 (WIRE) - The body.",
    "front.md": "---\ntitle: Calendar release\ndate: 9999-12-31\n---\n\nThe body.",
    "meta.html": '<meta property="article:published_time" content="9999-12-31T00:00:00Z"><h1>Calendar</h1><p>Body.</p>',
    "time.html": '<h1>Calendar release</h1><p><time datetime="0001-01-01">long ago</time> The body.</p>',
    "early.txt": "Calendar release\n\n31 December 1899\n\nThe body.",
}


def test_dates_outside_1900_to_2100_are_dropped_with_a_warning_in_every_format(tmp_path, fast_nlp, fast_embedder):
    src = tmp_path / "in"
    for name, text in FAR_DATES.items():
        write(src / name, text)
    write(src / "feed.jsonl", "".join(
        f'{{"id": "{rid}", "title": "Calendar {rid}", "body": "Body.", "date": "{date}"}}\n'
        for rid, date in [("far", "9999-12-31"), ("first", "1900-01-01"), ("last", "2100-12-31"),
                          ("after", "2101-01-01"), ("year-one", "0001-01-01T00:00:00")]))
    results = list(read_releases([src]))
    dates = {r.id: r.date for r in results if not isinstance(r, Problem)}
    assert {rid: d and d.isoformat() for rid, d in dates.items()} == {
        "dateline": None, "early": None, "front": None, "line": None, "meta": None, "time": None,
        "far": None, "first": "1900-01-01", "last": "2100-12-31", "after": None, "year-one": None}
    warnings = sorted((Path(p.origin).name, p.reason) for p in results if isinstance(p, Problem))
    assert all(p.kept for p in results if isinstance(p, Problem))
    assert warnings == sorted([
        ("dateline.txt", "date 9999-12-31 outside 1900-01-01 to 2100-12-31, dropped"),
        ("early.txt", "date 1899-12-31 outside 1900-01-01 to 2100-12-31, dropped"),
        ("feed.jsonl:1", "date 9999-12-31 outside 1900-01-01 to 2100-12-31, dropped"),
        ("feed.jsonl:4", "date 2101-01-01 outside 1900-01-01 to 2100-12-31, dropped"),
        ("feed.jsonl:5", "date 0001-01-01 outside 1900-01-01 to 2100-12-31, dropped"),
        ("front.md", "date 9999-12-31 outside 1900-01-01 to 2100-12-31, dropped"),
        ("line.txt", "date 9999-12-31 outside 1900-01-01 to 2100-12-31, dropped"),
        ("meta.html", "date 9999-12-31 outside 1900-01-01 to 2100-12-31, dropped"),
        ("time.html", "date 0001-01-01 outside 1900-01-01 to 2100-12-31, dropped"),
    ])
    # The releases are indexed, undated: the warning counts apart from the skipped.
    summary = build([src], tmp_path / "index", fast_nlp, fast_embedder)
    assert summary.releases == 11 and "skipped 0" in summary.report() and "warned 9" in summary.report()


# ---------------------------------------------------------------- item 5: a bound on HTML elements

def test_a_million_nested_html_elements_are_refused_before_parsing(tmp_path):
    import time
    import tracemalloc

    n = 1_000_000
    deep = write(tmp_path / "deep.html", "<h1>Deep</h1>" + "<div>" * n + "text" + "</div>" * n)  # 11 MB
    tracemalloc.start()
    started = time.perf_counter()
    results = list(read_releases([deep]))
    seconds = time.perf_counter() - started
    peak = tracemalloc.get_traced_memory()[1]
    tracemalloc.stop()
    assert results == [Problem(str(deep), "too many HTML elements (more than 100,000)")]
    assert seconds < 5 and peak < 100 * 2**20  # before the bound: 28-50 s and 714 MB


def test_html_up_to_the_element_bound_is_parsed(tmp_path, monkeypatch):
    from indexer.ingest import formats

    monkeypatch.setattr(formats, "MAX_HTML_ELEMENTS", 50)
    at = write(tmp_path / "at.html", "<h1>At the bound</h1>" + "<p>x</p>" * 49)
    over = write(tmp_path / "over.html", "<h1>Over the bound</h1>" + "<p>x</p>" * 50)
    assert [getattr(r, "title", None) or r.reason for r in read_releases([at, over])] == [
        "At the bound", "too many HTML elements (more than 50)"]


# ---------------------------------------------------------------- item 8: ids every URL can reach

BAD_IDS = {"/lead": "begins with '/'", "//two": "begins with '/'", "nl\nx": "holds a control character (U+000A)",
           "tab\tx": "holds a control character (U+0009)", "del\x7f": "holds a control character (U+007F)",
           "c1\x85x": "holds a control character (U+0085)", "ls\u2028x": "holds a control character (U+2028)",
           "a/../b": "has a '.' or '..' part", "./a": "has a '.' or '..' part", "..": "has a '.' or '..' part"}
GOOD_IDS = ["trail/", "a//b", "sp ace", "q?x", "h#x", "pct%41", "back\\slash", "é/ü", "semi;x", "+plus", "a.b/..c",
            "  padded  "]


def test_ids_that_no_url_reaches_are_refused_and_every_indexed_id_is_fetched(tmp_path, fast_nlp, fast_embedder):
    import json
    import urllib.parse

    from web.app import create_app

    rows = [{"id": rid, "title": f"Release {n}", "body": "Port deal."} for n, rid in enumerate([*BAD_IDS, *GOOD_IDS])]
    rows += [{"id": "x" * 1001, "title": "Long", "body": "Port deal."}, {"id": " \t ", "title": "Blank", "body": "B"}]
    feed = write(tmp_path / "in" / "feed.jsonl", "".join(json.dumps(r) + "\n" for r in rows))
    write(tmp_path / "in" / "file\nname.txt", "From a file name with a newline\n\nBody.")
    summary = build([tmp_path / "in"], tmp_path / "index", fast_nlp, fast_embedder)
    reasons = {p.origin: p.reason for p in summary.problems}
    for n, (rid, why) in enumerate(BAD_IDS.items(), start=1):
        assert reasons[f"{feed}:{n}"] == f"id {rid!r} {why}"
    assert reasons[f"{feed}:{len(rows) - 1}"] == "id longer than 1,000 characters (1,001)"
    assert reasons[f"{feed}:{len(rows)}"] == "empty id"
    assert reasons[str(tmp_path / "in" / "file\nname.txt")] == "id 'file\\nname' holds a control character (U+000A)"
    assert indexed_ids(tmp_path / "index") == sorted(rid.strip() for rid in GOOD_IDS)
    client = create_app({"INDEX_DIR": tmp_path / "index", "EMBEDDER": fast_embedder, "TESTING": True}).test_client()
    for rid in indexed_ids(tmp_path / "index"):
        for page in ("/api/releases/", "/releases/"):
            response = client.get(page + urllib.parse.quote(rid, safe="/"))
            assert response.status_code == 200, (page, rid)
        assert client.get("/api/releases/" + urllib.parse.quote(rid, safe="/")).get_json()["id"] == rid


# ---------------------------------------------------------------- item 9: a file's id does not depend on how it is named

def tree(root: Path) -> Path:
    top = root / "dir"
    write(top / "top.txt", "Top release\n\nAbout the port.")
    write(top / "sub" / "a.txt", "Release A\n\nAbout the berth.")
    write(top / "sub" / "b.md", "# Release B\n\nAbout the crane.")
    return top


def test_the_same_file_gets_one_id_however_its_path_is_given(tmp_path, fast_nlp, fast_embedder):
    top = tree(tmp_path)
    index_dir = tmp_path / "index"
    build([top], index_dir, fast_nlp, fast_embedder)
    assert indexed_ids(index_dir) == ["sub/a", "sub/b", "top"]
    for path in (top / "sub", top / "sub" / "a.txt", tmp_path / "dir" / "sub" / ".." / "sub"):
        summary = update([path], index_dir, fast_nlp, fast_embedder)
        assert summary.changes["added"] == 0 and summary.changes["unchanged"] >= 1, path
    os.symlink(top, tmp_path / "link")  # the same folder through a symbolic link
    assert update([tmp_path / "link" / "sub"], index_dir, fast_nlp, fast_embedder).changes["added"] == 0
    assert indexed_ids(index_dir) == ["sub/a", "sub/b", "top"]
    assert layout.read_json(layout.current_version(index_dir) / layout.MANIFEST)["roots"] == [str(top.resolve())]


def test_ids_given_first_stay_when_an_outer_folder_is_indexed_later(tmp_path, fast_nlp, fast_embedder):
    top = tree(tmp_path)
    index_dir = tmp_path / "index"
    build([top / "sub" / "a.txt"], index_dir, fast_nlp, fast_embedder)
    assert indexed_ids(index_dir) == ["a"]
    update([top / "sub"], index_dir, fast_nlp, fast_embedder)
    summary = update([top], index_dir, fast_nlp, fast_embedder)
    assert summary.changes == {"added": 1, "replaced": 0, "deleted": 0, "unchanged": 2}
    assert indexed_ids(index_dir) == ["a", "b", "top"]  # sub/ was a root first: its files keep their ids


def test_overlapping_paths_in_one_run_give_the_ids_of_the_outer_folder(tmp_path):
    top = tree(tmp_path)
    ids = [r.id for r in read_releases([top / "sub" / "a.txt", top / "sub", top])]
    assert ids == ["sub/a", "sub/b", "top"]
    assert ids == [r.id for r in read_releases([top])]


def test_a_missing_path_adds_no_root(tmp_path):
    from indexer.ingest.ids import index_roots

    top = tree(tmp_path)
    assert index_roots([tmp_path / "typo" / "a.txt", top / "sub" / "a.txt"]) == (str((top / "sub").resolve()),)
