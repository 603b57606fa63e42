"""What the HTML pages tell a reader at a glance: the home page's figures, one h1 and a skip link, results before
the filter panel, OR facets that keep their siblings, a histogram with every month, summaries and error pages that
keep the query, a release body rendered from markdown safely, paged entity pages."""
from __future__ import annotations

import json
import random
import re
from html import unescape

import pytest

from tests.standins import NER_NAME

MONTHS = ["2023-01", "2023-02", "2023-05", "2023-06", "2023-07", "2023-09"]  # 2023-03, -04, -08 have none
WORDS = ("turbine harbour lidar sensor factory grant contract bank loan board vote dividend warehouse robot crane "
         "port cable solar wind battery chip clinic vaccine school bridge railway tunnel").split()


def _ui_rows() -> list[dict]:
    """45 distinct releases naming Acme Robotics over six months (three empty months between them), one titled
    with an HTML entity and a markdown body."""
    rng = random.Random(16)
    rows = []
    for n in range(45):
        month = MONTHS[n % len(MONTHS)]
        words = " ".join(rng.sample(WORDS, 12))
        rows.append({"id": f"u{n:02d}", "date": f"{month}-{1 + n // len(MONTHS) * 3:02d}", "source": "wire-a",
                     "title": f"Acme Robotics note {n}: {words[:40]}",
                     "body": f"Acme Robotics reports item {n}. {words}. Reference {n * 7919}."})
    rows.append({"id": "md", "date": "2023-09-28", "source": "wire-b", "url": "https://example.com/md",
                 "title": "Harbor Bank &amp; Acme Robotics sign a loan",
                 "body": "* First point\n* Second point with https://example.com/terms\n\n"
                         "Read [the terms](javascript:alert(1)) or [the summary](https://example.com/summary). "
                         "<script>alert(2)</script>\n\n# Background\n\nHarbor Bank lends to Acme Robotics."})
    return rows


@pytest.fixture(scope="module")
def ui(tmp_path_factory, fast_nlp, fast_embedder):
    from indexer.ingest.build import build_index
    from web.app import create_app

    corpus = tmp_path_factory.mktemp("ui") / "ui.jsonl"
    corpus.write_text("".join(json.dumps(r) + "\n" for r in _ui_rows()), encoding="utf-8")
    index_dir = tmp_path_factory.mktemp("ui-index")
    build_index([corpus], index_dir, nlp=fast_nlp, embedder=fast_embedder, progress=False, ner_model=NER_NAME)
    return create_app({"INDEX_DIR": index_dir, "EMBEDDER": fast_embedder, "TESTING": True}).test_client()


def page(client, url: str, status: int = 200) -> str:
    res = client.get(url)
    assert res.status_code == status, url
    return res.get_data(as_text=True)


def h1s(html: str) -> list[str]:
    return [unescape(re.sub(r"<[^>]+>", "", h)).strip() for h in re.findall(r"<h1[^>]*>(.*?)</h1>", html, re.S)]


def total(html: str) -> int:
    return int(re.search(r'<h1 class="summary">([\d,]+) releases?', html).group(1).replace(",", ""))


def facet(html: str, type_: str) -> dict[str, tuple[str, int, bool]]:
    """{value: (href, count, checked)} of one facet of the filter panel."""
    section = html.split(f'id="facet-{type_}"')[1].split("</section>")[0]
    found = re.findall(r'<a href="([^"]+)" data-value="([^"]+)" title="[^"]*: (\d+) releases?" class="refine" '
                       r'role="checkbox" aria-checked="(true|false)">', section)
    return {unescape(v): (unescape(h), int(c), checked == "true") for h, v, c, checked in found}


def test_home_page_shows_the_corpus_before_anything_is_typed(fast_client):
    html = page(fast_client, "/")
    assert h1s(html) == ["Search 6 corporate announcements"]
    assert "<dt>Dated from</dt><dd>2024-01 to 2025-03</dd>" in html and "<dt>Undated</dt><dd>1</dd>" in html
    newest = re.findall(r'class="title" href="/releases/([^"]+)"', html)
    assert newest[:3] == ["t6", "t4", "t3"] and "t5" not in newest[:5]  # newest first, the undated one last
    issuers = re.findall(r'<a href="/search\?issuer=([^"]+)" title', html)
    assert issuers[0] == "Acme+Robotics"
    assert 'href="/search?q=agreements+involving+ports"' in html
    assert [c for _, c, _ in bars(html)] == [1, 2, 1] + [0] * 11 + [1]  # the corpus by month, 2024-01 to 2025-03
    assert " autofocus " in html  # the box has the focus on the home page only
    assert " autofocus " not in page(fast_client, "/search?q=robots")


def test_a_results_page_has_one_h1_a_skip_link_and_results_before_the_filters(fast_client):
    html = page(fast_client, "/search?q=robots&mode=keyword")
    assert h1s(html) == ["4 releases for “robots”"]
    assert '<a class="skip" href="#results">Skip to results</a>' in html and 'id="results"' in html
    assert html.index('class="hits"') < html.index('<details class="refine"') < html.index('id="facet-org"')
    link_texts = [unescape(re.sub(r"<[^>]+>", "", t)).strip() for t in re.findall(r"<a\b[^>]*>(.*?)</a>", html, re.S)]
    assert link_texts and all(len(t) > 1 for t in link_texts)  # no link named "i" or "⌕"


def test_a_quoted_query_keeps_its_own_quotes_and_no_result_is_not_numbered(fast_client):
    html = page(fast_client, "/search?q=%22lidar+factory%22&mode=keyword")
    assert h1s(html) == ['1 release for "lidar factory"']
    none = page(fast_client, "/search?q=zeppelin&mode=keyword")
    assert h1s(none) == ["0 releases for “zeppelin”"]
    assert '<ol class="hits"' not in none and '<p class="none">No release matches.' in none


def test_a_bad_search_keeps_what_was_typed_in_the_box(fast_client):
    html = page(fast_client, "/search?q=lidar+%3Cb%3E&limit=0", status=400)
    assert 'name="q" value="lidar &lt;b&gt;"' in html and "&#39;limit&#39; must be from 1 to 100" in html
    assert h1s(html) == ["Search"]
    assert 'name="q" value=""' in page(fast_client, "/entities?q=acme")  # another page's q is not a search


def test_an_or_facet_keeps_its_siblings_and_a_click_adds_one(fast_client):
    base = facet(page(fast_client, "/search?q=Acme&mode=keyword"), "category")
    chosen = page(fast_client, "/search?q=Acme&mode=keyword&category=results")
    assert total(chosen) == base["results"][1]
    listed = facet(chosen, "category")
    assert listed.keys() == base.keys()  # the siblings stay, with the counts they had
    assert {v: c for v, (_, c, _) in listed.items()} == {v: c for v, (_, c, _) in base.items()}
    assert [v for v, (_, _, checked) in listed.items() if checked] == ["results"]
    sibling = next(v for v in listed if v != "results")
    both = page(fast_client, listed[sibling][0])
    assert total(both) == base["results"][1] + base[sibling][1]  # OR: the click adds the sibling's releases
    assert sorted(v for v, (_, _, checked) in facet(both, "category").items() if checked) == sorted(["results", sibling])
    assert total(page(fast_client, listed["results"][0])) == total(page(fast_client, "/search?q=Acme&mode=keyword"))


def bars(html: str) -> list[tuple[str, int, bool]]:
    figure = html.split('<figure class="histogram"')[1].split("</figure>")[0]
    return [(m, int(c), "selected" in cls) for m, c, cls in
            re.findall(r'data-value="([\d-]+)" title="[^"]*: (\d+) releases?[^"]*" class="([^"]*)"', figure)]


def test_the_histogram_has_every_month_with_zeros_an_axis_and_counts(fast_client):
    html = page(fast_client, "/search?date_from=2024-01-01")
    months = bars(html)
    assert [m for m, _, _ in months] == [f"2024-{m:02d}" for m in range(1, 13)] + ["2025-01", "2025-02", "2025-03"]
    assert [c for _, c, _ in months] == [1, 2, 1] + [0] * 11 + [1]
    assert '<div class="y-axis" aria-hidden="true"><span>2</span><span>0</span></div>' in html
    assert '<span class="n" aria-hidden="true">0</span>' in html  # 15 bars: each count printed over its bar
    one = page(fast_client, "/search?date_from=2024-02-01&date_to=2024-02-29")
    assert total(one) == 2
    assert [(m, s) for m, _, s in bars(one) if s] == [("2024-02", True)]  # the whole track, the chosen month marked
    assert len(bars(one)) == 15


def test_a_title_with_an_html_entity_and_a_markdown_body(ui):
    html = page(ui, "/releases/md")
    assert h1s(html) == ["Harbor Bank & Acme Robotics sign a loan"] and "&amp;amp;" not in html
    body = html.split('<div class="body">')[1].split('<section class="related"')[0]
    assert "<ul>\n<li>First point</li>" in body
    assert '<a href="https://example.com/terms" rel="nofollow noopener noreferrer">https://example.com/terms</a>' in body
    assert '<a href="https://example.com/summary" rel="nofollow noopener noreferrer">the summary</a>' in body
    assert "javascript:" not in re.sub(r"\[the terms\]\(javascript:alert\(1\)\)", "", body)  # shown as text only
    assert "<script>" not in body and "&lt;script&gt;alert(2)&lt;/script&gt;" in body
    assert "<h3>Background</h3>" in body  # a heading in the body never makes a second h1
    hits = page(ui, "/search?q=lends&mode=keyword")
    assert ">Harbor Bank &amp; Acme Robotics sign a loan</a>" in hits  # one escape: shows "&"


def test_an_entity_page_is_paged_with_a_chart_of_every_month(ui):
    first = page(ui, "/entities/org/Acme%20Robotics")
    listed = re.findall(r'class="title" href="/releases/([^"]+)"', first)
    assert len(listed) == 20 and "(1–20 of 46)" in first and "page 1 of 3" in first
    assert '<a class="skip" href="#releases">Skip to releases</a>' in first and 'id="releases"' in first
    assert '<a rel="next" href="/entities/org/Acme%20Robotics?page=2">' in first
    assert re.search(r'<p class="type-evidence">Typed org: (\d+) of \1 mentions read as org\.</p>', first)
    third = page(ui, "/entities/org/Acme%20Robotics?page=3")
    rest = re.findall(r'class="title" href="/releases/([^"]+)"', third)
    assert len(rest) == 6 and not set(rest) & set(listed) and '<ol class="hits" start="41">' in third
    assert '<a rel="prev" href="/entities/org/Acme%20Robotics?page=2">' in third and 'rel="next"' not in third
    months = bars(first)
    assert [m for m, _, _ in months] == [f"2023-{m:02d}" for m in range(1, 10)]
    assert dict((m, c) for m, c, _ in months)["2023-03"] == 0 and sum(c for _, c, _ in months) == 46
    for bad in ("0", "4", "two"):
        res = ui.get(f"/entities/org/Acme%20Robotics?page={bad}")
        assert res.status_code == 400 and "page must be a whole number from 1 to 3" in res.get_data(as_text=True)
