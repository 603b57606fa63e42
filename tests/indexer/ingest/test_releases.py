"""Reading releases (indexer.ingest.releases, formats, dates): real files under tmp_path, exact expected values."""
from __future__ import annotations

import datetime
import gzip
import itertools
import json
from pathlib import Path

import pytest

from indexer.ingest.dates import find_date
from indexer.ingest.formats import parse_html, parse_markdown, parse_record, parse_text
from indexer.ingest.releases import Problem, iter_release_files, read_releases
from indexer.store.records import Release
from tests.files import write

ROOT = Path(__file__).resolve().parents[3]
SEEDS = ROOT / "seeds"
D = datetime.date


def split(results) -> tuple[list[Release], list[Problem]]:
    results = list(results)
    return ([r for r in results if isinstance(r, Release)],
            [r for r in results if isinstance(r, Problem)])




def jsonl(*records: dict) -> str:
    return "".join(json.dumps(r) + "\n" for r in records)


def rec(rid: str = "a", **fields) -> dict:
    return {"id": rid, "title": f"Title {rid}", "date": "2023-06-26", "body": "Body.",
            "source": "wire", "url": f"https://example.com/{rid}"} | fields


# ---------------------------------------------------------------- seeds

def test_seeds_folder():
    releases, problems = split(read_releases([SEEDS]))
    assert problems == []
    assert [r.id for r in releases] == ["000_1afde4e98ac703ce", "004_adb0e8ee3c5d47dd"]
    cimc, sitc = releases
    assert cimc.title == ("Strategic cooperation agreement between CIMC and "
                          "Yunnan Provincial Government")
    assert cimc.date is None  # "On 29 May" has no year
    assert cimc.body.startswith("On 29 May, Gao Xiang, President of CIMC,")
    assert "News Release" not in cimc.body
    assert cimc.origin == str(SEEDS / "000_1afde4e98ac703ce.txt")
    assert cimc.source == "" and cimc.url == ""
    assert sitc.title == (
        "The strategic agreement is signed by SITC, Hisense and Qingdao Port to promote "
        "industrial integration, mutual benefit, and win-win cooperation")
    assert sitc.date == D(2023, 6, 26)
    assert sitc.body.startswith("On June 19, SITC, Hisense and Qingdao Port signed")
    assert "June 26, 2023" not in sitc.body
    assert "\n\n\n" not in sitc.body
    assert sitc.body == sitc.body.strip()


def test_seed_named_directly_uses_stem():
    (release,) = read_releases([SEEDS / "004_adb0e8ee3c5d47dd.txt"])
    assert release.id == "004_adb0e8ee3c5d47dd"


# ---------------------------------------------------------------- plain text

def test_text_boilerplate_bom_and_blank_runs():
    text = ("\ufeffPRESS RELEASE:\n\nFor Immediate Release\n  \nAcme Buys Widgets   \n"
            "News\n26 June 2023\n\nFirst paragraph.  \n\n\n\n\nSecond paragraph.\n\n")
    release = parse_text(text, release_id="x", origin="x.txt")
    assert release == Release("x", "Acme Buys Widgets", "First paragraph.\n\nSecond paragraph.",
                              D(2023, 6, 26), origin="x.txt")


@pytest.mark.parametrize("line, expected", [
    ("2023-06-26", D(2023, 6, 26)),
    ("26 June 2023", D(2023, 6, 26)),
    ("June 26, 2023", D(2023, 6, 26)),
    ("Jun. 26, 2023", D(2023, 6, 26)),
    ("Monday, June 26th, 2023", D(2023, 6, 26)),
    ("On 29 May", None),
    ("29 May", None),
    ("June 26", None),
    ("February 30, 2023", None),
    ("Sales rose on June 26, 2023 after the deal", None),
])
def test_find_date_whole_line(line, expected):
    assert find_date(f"Intro line\n{line}\nMore text") == expected


@pytest.mark.parametrize("first_paragraph, expected", [
    ("QINGDAO, April 27, 2026 (NEWMEDIAWIRE) - Haier Smart Home reported results.",
     D(2026, 4, 27)),
    ("VANCOUVER, BRITISH COLUMBIA - June 2, 2026 (NEWMEDIAWIRE) - Yocale.ai appointed.",
     D(2026, 6, 2)),
    ("TORONTO - (NewMediaWire) - October 9, 2024 - Canadian Club released a whisky.",
     D(2024, 10, 9)),
    ("On June 19, 2023 the parties signed.", None),
    ("On 29 May, the parties signed.", None),
])
def test_text_dateline(first_paragraph, expected):
    release = parse_text(f"Title\n\n{first_paragraph}\n\nMore.", release_id="x")
    assert release.date == expected
    assert release.body == f"{first_paragraph}\n\nMore."  # the dateline stays in the body


def test_text_date_far_below_title_is_not_taken():
    lines = "\n".join(f"Line {i}." for i in range(6))
    release = parse_text(f"Title\n{lines}\n2023-06-26\n", release_id="x")
    assert release.date is None
    assert release.body.endswith("2023-06-26")


def test_text_without_title_raises():
    with pytest.raises(ValueError, match="no title"):
        parse_text("News Release\n\n  \nFor immediate release:\n", release_id="x")


# ---------------------------------------------------------------- markdown

def test_markdown_front_matter():
    text = ('---\ntitle: "Acme Buys Widgets"\ndate: 2023-06-26\nsource: newmediawire\n'
            "url: https://example.com/a\nauthor: ignored\n---\n\n# Acme Buys Widgets\n\n"
            "Acme **bought** widgets.\n\n- one\n- two\n")
    release = parse_markdown(text, release_id="a", origin="a.md")
    assert release == Release("a", "Acme Buys Widgets", "Acme **bought** widgets.\n\n- one\n- two",
                              D(2023, 6, 26), "newmediawire", "https://example.com/a", "a.md")


def test_markdown_heading_and_date_line():
    text = "Press Release\n\n# Acme Buys Widgets #\n\n*June 26, 2023*\n\n## Details\n\nText.\n"
    release = parse_markdown(text, release_id="a")
    assert (release.title, release.date) == ("Acme Buys Widgets", D(2023, 6, 26))
    assert release.body == "## Details\n\nText."


def test_markdown_without_heading_uses_first_line():
    release = parse_markdown("Plain title line\n\nBody text.\n", release_id="a")
    assert (release.title, release.body, release.date) == ("Plain title line", "Body text.", None)


# ---------------------------------------------------------------- HTML

HTML = """<!doctype html><html><head><title>Acme | Newsroom</title>
<meta property="article:published_time" content="2023-06-26T09:00:00Z">
<style>body { color: red }</style><script>var x = 1;</script></head>
<body><header><nav><a href="/">Home</a></nav></header>
<article><h1>Acme  Buys
Widgets</h1>
<p>Acme&nbsp;bought <b>widgets</b> today.<script>alert(1)</script></p>
<!-- a comment -->
<ul><li>First point</li><li>Second point</li></ul>
<div>Loose div text<p>Nested paragraph</p>tail text</div>
<noscript>Enable JavaScript</noscript><svg><text>icon</text></svg>
<table><tr><td>Cell 1</td><td>Cell 2</td></tr></table></article>
<footer>Copyright Acme</footer></body></html>"""


def test_html():
    release = parse_html(HTML, release_id="a", origin="a.html")
    assert release.title == "Acme Buys Widgets"
    assert release.date == D(2023, 6, 26)
    assert release.body == ("Acme bought widgets today.\n\nFirst point\n\nSecond point\n\n"
                            "Loose div text\n\nNested paragraph\n\ntail text\n\nCell 1\n\nCell 2")
    for junk in ("alert(1)", "color: red", "var x", "Home", "Copyright", "JavaScript", "icon",
                 "comment", "Newsroom"):
        assert junk not in release.body


def test_html_title_tag_time_and_text_date():
    html = ('<title>Page Title</title><p>Page Title</p><time datetime="2024-01-02">Jan 2</time>'
            "<p>Body.</p>")
    release = parse_html(html, release_id="a")
    assert (release.title, release.date, release.body) == ("Page Title", D(2024, 1, 2),
                                                           "Jan 2\n\nBody.")
    fragment = parse_html("<p>First line title</p><p>26 June 2023</p><p>Body.</p>", release_id="b")
    assert (fragment.title, fragment.date) == ("First line title", D(2023, 6, 26))


def test_html_prefers_article_h1_over_header_h1():
    html = ("<svg><title>logo</title></svg><header><h1>Acme Newsroom</h1></header>"
            "<main><h1>Real Title</h1><p>Body.</p></main>")
    release = parse_html(html, release_id="a")
    assert (release.title, release.body) == ("Real Title", "Body.")
    assert parse_html("<header><h1>Only Header</h1></header><p>Body.</p>",
                      release_id="b").title == "Only Header"


def test_html_without_text_raises():
    with pytest.raises(ValueError, match="no title"):
        parse_html("<html><script>alert(1)</script></html>", release_id="a")


def test_html_deeply_nested_does_not_crash(tmp_path):
    write(tmp_path / "deep.html", "<h1>Deep</h1>" + "<div>" * 5000 + "text")
    path = tmp_path / "deep.html"
    assert list(read_releases([path])) == [Release("deep", "Deep", "text", None, origin=str(path))]


# ---------------------------------------------------------------- JSONL records

def test_parse_record():
    release = parse_record(rec("a", title="  Acme\n buys  "), origin="f.jsonl:1")
    assert release == Release("a", "Acme buys", "Body.", D(2023, 6, 26), "wire",
                              "https://example.com/a", "f.jsonl:1")
    assert parse_record(rec(7, date=None)).id == "7"
    assert parse_record({"id": "b", "title": "T", "body": ""}).date is None


@pytest.mark.parametrize("record, reason", [
    ({"id": "a", "body": "x"}, "missing field 'title'"),
    ({"title": "T", "body": "x"}, "missing field 'id'"),
    ({"id": "a", "title": "T", "body": 5}, "field 'body' must be a string, not int"),
    ({"id": True, "title": "T", "body": "x"}, "field 'id' must be a string, not bool"),
    ({"id": "a", "title": "  ", "body": "x"}, "empty title"),
    ([1, 2], "not a JSON object (list)"),
])
def test_parse_record_rejects(record, reason):
    with pytest.raises(ValueError) as excinfo:
        parse_record(record)
    assert str(excinfo.value) == reason


def test_jsonl_file_with_bad_lines(tmp_path):
    lines = [json.dumps(rec("a")), '{"id": "b", "title": "T" "body": "x"}', "",
             json.dumps({"id": "c", "body": "x"}), json.dumps(rec("d", body=12)),
             json.dumps(rec("e", date="someday", url=5)), json.dumps(rec("a", title="Again")),
             json.dumps(rec(9, date="June 26, 2023"))]
    path = write(tmp_path / "f.jsonl", "\n".join(lines) + "\n")
    releases, problems = split(read_releases([path]))
    assert [(r.id, r.date, r.url) for r in releases] == [
        ("a", D(2023, 6, 26), "https://example.com/a"), ("e", None, ""),
        ("9", D(2023, 6, 26), "https://example.com/9")]
    assert releases[0].origin == f"{path}:1"
    assert problems == [
        Problem(f"{path}:2", "invalid JSON: Expecting ',' delimiter"),
        Problem(f"{path}:4", "missing field 'title'"),
        Problem(f"{path}:5", "field 'body' must be a string, not int"),
        Problem(f"{path}:6", "unparseable date 'someday'"),
        Problem(f"{path}:6", "field 'url' must be a string, not int"),
        Problem(f"{path}:7", f"duplicate id 'a' (first seen at {path}:1)"),
    ]


def test_jsonl_gzip_and_magic_bytes(tmp_path):
    write(tmp_path / "a.jsonl.gz", gzip.compress(jsonl(rec("a"), rec("b")).encode()))
    write(tmp_path / "c.jsonl", gzip.compress(jsonl(rec("c")).encode()))  # gzip without .gz
    releases, problems = split(read_releases([tmp_path]))
    assert problems == []
    assert [r.id for r in releases] == ["a", "b", "c"]


def test_truncated_gzip_keeps_what_was_read(tmp_path):
    records = [rec(f"r{i}", body="word " * 200) for i in range(200)]
    data = gzip.compress(jsonl(*records).encode())
    path = write(tmp_path / "t.jsonl.gz", data[: len(data) * 2 // 3])
    releases, problems = split(read_releases([path]))
    assert 0 < len(releases) < 200
    assert [r.id for r in releases] == [f"r{i}" for i in range(len(releases))]
    assert len(problems) == 1
    assert problems[0].origin == f"{path}:{len(releases) + 1}"
    assert problems[0].reason.startswith("truncated or corrupt gzip data")


def test_empty_and_binary_jsonl(tmp_path):
    empty = write(tmp_path / "e.jsonl", "\n  \n")
    binary = write(tmp_path / "b.jsonl", b"\x00\x01\x02\n\x00\n")
    assert list(read_releases([empty, binary])) == [Problem(str(empty), "empty file"),
                                                    Problem(str(binary), "binary file")]


# ---------------------------------------------------------------- files and folders

def test_bad_files_are_problems(tmp_path):
    empty = write(tmp_path / "empty.txt", " \n\n")
    binary = write(tmp_path / "bin.txt", b"Title\x00\x01")
    latin = write(tmp_path / "latin.txt", "Café news\n".encode("latin-1"))
    no_title = write(tmp_path / "none.txt", "Press Release\n\nNEWS:\n")
    good = write(tmp_path / "good.txt", "Good\n\nBody.")
    assert list(read_releases([tmp_path])) == [
        Problem(str(binary), "binary file"),
        Problem(str(empty), "empty file"),
        Release("good", "Good", "Body.", None, origin=str(good)),
        Problem(str(latin), "not UTF-8 text (invalid byte at offset 3)"),
        Problem(str(no_title), "no title"),
    ]


def test_unsupported_and_missing_paths(tmp_path):
    pdf = write(tmp_path / "doc.pdf", "%PDF")
    missing = tmp_path / "missing.txt"
    assert list(read_releases([pdf, missing])) == [
        Problem(str(pdf), "unsupported file type '.pdf'"),
        Problem(str(missing), "no such file or directory"),
    ]


def test_too_large_file(tmp_path):
    big = tmp_path / "big.txt"
    with open(big, "wb") as fh:
        fh.truncate(21 * 1024 * 1024)  # sparse: cheap to create
    assert list(read_releases([big])) == [Problem(str(big), "file too large (21 MB, limit 20 MB)")]


def test_folder_ids_order_and_ignored_files(tmp_path):
    write(tmp_path / "b.txt", "B\n\nb")
    write(tmp_path / "a.txt", "A text\n\na")
    write(tmp_path / "a.md", "# A markdown\n\na")
    write(tmp_path / "sub" / "dir" / "x.html", "<h1>X</h1><p>x</p>")
    write(tmp_path / "notes.pdf", "ignored")
    write(tmp_path / ".hidden.txt", "Hidden\n\nh")
    write(tmp_path / ".git" / "c.txt", "Hidden dir\n\nh")
    write(tmp_path / "data.jsonl", jsonl(rec("b")))
    results = list(read_releases([tmp_path]))
    assert [(type(r).__name__, getattr(r, "id", r.origin)) for r in results] == [
        ("Release", "a"), ("Release", "a.txt"), ("Release", "b"),
        ("Problem", f"{tmp_path / 'data.jsonl'}:1"), ("Problem", str(tmp_path / "notes.pdf")), ("Release", "sub/dir/x")]
    assert (results[0].title, results[1].title) == ("A markdown", "A text")  # a.md sorts first
    assert results[3].reason == f"duplicate id 'b' (first seen at {tmp_path / 'b.txt'})"
    assert results == list(read_releases([tmp_path]))  # deterministic
    assert list(iter_release_files([tmp_path])) == [
        tmp_path / "a.md", tmp_path / "a.txt", tmp_path / "b.txt", tmp_path / "data.jsonl",
        Problem(str(tmp_path / "notes.pdf"), "unsupported file type '.pdf'"), tmp_path / "sub" / "dir" / "x.html"]


def test_same_file_twice_is_read_once(tmp_path):
    path = write(tmp_path / "a.txt", "A\n\na")
    assert [r.id for r in read_releases([tmp_path, path])] == ["a"]


# ---------------------------------------------------------------- real data

def test_first_50_shared_press_releases(tmp_path, press_releases):
    with gzip.open(press_releases, "rt", encoding="utf-8") as fh:
        lines = list(itertools.islice(fh, 50))
    path = write(tmp_path / "sample.jsonl.gz", gzip.compress("".join(lines).encode()))
    releases, problems = split(read_releases([path]))
    assert problems == []
    assert len(releases) == 50
    assert all(r.title and r.date and r.body and r.source for r in releases)
    assert len({r.id for r in releases}) == 50
    first = json.loads(lines[0])
    assert (releases[0].id, releases[0].title) == (first["id"], first["title"])
    assert releases[0].date == D.fromisoformat(first["date"])
