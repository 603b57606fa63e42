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


def test_home_page_has_a_search_box_and_the_corpus_at_a_glance(client):
    html = client.get("/").get_data(as_text=True)
    assert 'name="q"' in html and 'class="summary"' not in html  # a home page, not a results page
    assert "<h1>Search 2 corporate announcements</h1>" in html
    assert "<dt>Dated from</dt><dd>2023-06 to 2023-06</dd>" in html and "<dt>Undated</dt><dd>1</dd>" in html
    newest = re.findall(r'class="title" href="/releases/([^"]+)"', html)
    assert newest == [PORTS, CIMC]  # newest first, the undated one last
    assert 'href="/search?issuer=SITC"' in html  # top issuers
    assert 'href="/search?q=agreements+involving+ports"' in html  # an example search


def test_month_histogram_click_sets_the_month_and_a_second_click_clears_it(client):
    page = client.get("/search?q=agreement").get_data(as_text=True)
    assert 'data-value="2023-06"' in page
    assert "date_from=2023-06-01&amp;date_to=2023-06-30" in page
    filtered = client.get("/search?q=agreement&date_from=2023-06-01&date_to=2023-06-30").get_data(as_text=True)
    assert "bar selected" in filtered and "1 release for" in filtered
    assert 'href="/search?q=agreement" data-value="2023-06"' in filtered


def test_issuer_and_type_facets_and_the_facet_search_form(client):
    default = client.get("/search?q=agreement").get_data(as_text=True)
    assert 'id="facet-issuer"' in default and 'href="/search?q=agreement&amp;issuer=SITC"' in default
    page = client.get("/search?q=agreement&facet_size=10").get_data(as_text=True)  # 14 orgs: 10 listed
    assert "agreement / partnership" in page and "issued by" in page
    assert 'name="facet_q"' in page
    org = page.split('id="facet-org"')[1].split("</section>")[0]
    shown, more = org.split('<details class="show-more">')
    assert shown.count('role="checkbox"') == 8 and more.count('role="checkbox"') == 2  # 8 shown, 2 behind "more"
    assert '<summary><span class="closed-label">Show 2 more</span><span class="open-label">Show less</span>' in more
    # The engine had more than 10: one link asks for a longer list, for that facet's anchor only.
    assert '<a class="more" href="/search?q=agreement&amp;facet_size=200#facet-org">List more organisations</a>' in more
    everything = client.get("/search?q=agreement&facet_size=200").get_data(as_text=True)
    assert 'class="more"' not in everything  # all listed: no "List more"
    assert "Yunnan Provincial Party Committee" in everything and "Yunnan Provincial Party Committee" not in page
    narrowed = client.get("/search?q=agreement&facet_q=port&facet_size=50").get_data(as_text=True)
    assert "Qingdao Port" in narrowed and "Gao Xiang" not in narrowed.split('<details class="refine"')[1]


def test_entity_page_shows_aliases_chart_cooccurring_and_escapes(client):
    page = client.get("/entities/org/SITC").get_data(as_text=True)
    assert "<h1>SITC" in page and "SITC Logistics Group" in page  # the alias
    assert 'title="2023-06: 1 release"' in page  # the month chart: one bar, its count in its label
    assert 'href="/search?entity=org%3ASITC&amp;date_from=2023-06-01&amp;date_to=2023-06-30"' in page
    assert 'href="/entities/org/Hisense"' in page
    listing = client.get("/entities?type=org&q=qing").get_data(as_text=True)
    assert "Qingdao Port" in listing and "CIMC" not in listing.split("<ul")[1]
    hostile = client.get("/entities?q=%3Cscript%3Ealert(1)%3C/script%3E").get_data(as_text=True)
    assert "<script>alert(1)" not in hostile and "&lt;script&gt;" in hostile


def test_release_page_names_its_issuer(client):
    page = client.get("/releases/004_adb0e8ee3c5d47dd").get_data(as_text=True)
    assert 'issued by <a href="/entities/org/SITC">SITC</a>' in page
    assert "issued by" not in client.get("/releases/nope").get_data(as_text=True)


def hidden_fields(html, form_class):
    form = html.split(f'<form class="{form_class}"')[1].split("</form>")[0]
    return [(n, unescape(v)) for n, v in re.findall(r'<input type="hidden" name="([^"]+)" value="([^"]*)"', form)]


def test_links_and_forms_keep_every_search_parameter(client):
    query = "q=agreement&limit=5&entity=org:CIMC&fusion=convex&alpha=0.3&exact=0&facet_q=cimc&offset=0"
    html = client.get("/search?" + query).get_data(as_text=True)
    kept = "q=agreement&limit=5&entity=org%3ACIMC"
    options = "fusion=convex&alpha=0.3&exact=0"
    assert facet_links(html)["CIMC Wetrans"] == f"/search?{kept}&entity=org%3ACIMC+Wetrans&facet_q=cimc&{options}"
    assert facet_links(html)["CIMC"] == f"/search?q=agreement&limit=5&facet_q=cimc&{options}"
    assert hidden_fields(html, "facet-search") == [("q", "agreement"), ("limit", "5"), ("entity", "org:CIMC"),
                                                   ("fusion", "convex"), ("alpha", "0.3"), ("exact", "0"),
                                                   ("facet_size", "50")]  # the form's own
    assert hidden_fields(html, "options") == [("q", "agreement"), ("limit", "5"), ("entity", "org:CIMC"),
                                              ("facet_q", "cimc"), ("fusion", "convex"), ("alpha", "0.3"),
                                              ("exact", "0")]
