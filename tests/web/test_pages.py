"""The HTML pages: results, facet toggles, release and entity pages, escaping."""
import re
from html import unescape

PORTS = "004_adb0e8ee3c5d47dd"
CIMC = "000_1afde4e98ac703ce"


def facet_links(html):
    """{facet value: href} from the sidebar."""
    return {unescape(v): unescape(h) for h, v in re.findall(r'<a href="([^"]+)" data-value="([^"]+)"', html)}


def test_search_page_lists_results_and_facets(client):
    html = client.get("/search?q=agreements+involving+ports").get_data(as_text=True)
    titles = re.findall(r'class="title" href="/releases/([^"]+)"', html)
    assert titles == [PORTS, CIMC]
    assert "2 releases" in html and "2023-06-26" in html and "undated" in html
    assert {"SITC", "Hisense", "CIMC", "Qingdao Port"} <= set(facet_links(html))


def test_facet_click_filters_and_second_click_unfilters(client):
    html = client.get("/search?q=agreements+involving+ports").get_data(as_text=True)
    filtered_url = facet_links(html)["CIMC"]
    assert "entity=org%3ACIMC" in filtered_url
    filtered = client.get(filtered_url).get_data(as_text=True)
    assert re.findall(r'class="title" href="/releases/([^"]+)"', filtered) == [CIMC]
    assert "1 release " in filtered
    unfilter_url = facet_links(filtered)["CIMC"]
    assert "entity" not in unfilter_url
    again = client.get(unfilter_url).get_data(as_text=True)
    assert re.findall(r'class="title" href="/releases/([^"]+)"', again) == [PORTS, CIMC]


def test_release_page_links_entities_to_their_pages_and_searches(client):
    html = client.get(f"/releases/{PORTS}").get_data(as_text=True)
    assert "<h1>The strategic agreement is signed by SITC" in html
    assert 'href="/entities/org/SITC"' in html
    assert 'href="/search?entity=org%3ASITC"' in html
    entity = client.get("/entities/org/SITC").get_data(as_text=True)
    assert f'href="/releases/{PORTS}"' in entity and f'href="/releases/{CIMC}"' not in entity


def test_user_input_is_never_rendered_unescaped(client):
    res = client.get("/search?q=%3Cscript%3Ealert(1)%3C/script%3E")
    html = res.get_data(as_text=True)
    assert res.status_code == 200
    assert "<script>alert(1)</script>" not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html
    bad = client.get("/search?mode=%3Cb%3Ex")
    assert bad.status_code == 400 and "<b>x" not in bad.get_data(as_text=True)
    missing = client.get("/releases/%3Cscript%3E")
    assert missing.status_code == 404 and "<script>" not in missing.get_data(as_text=True)


def test_home_page_has_a_search_box(client):
    html = client.get("/").get_data(as_text=True)
    assert 'name="q"' in html and "class=\"hit\"" not in html
