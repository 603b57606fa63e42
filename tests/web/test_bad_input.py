"""Bad HTTP input on every endpoint: a 400 (or 404) that says what to send, never a 500 or a stack trace; nothing
a user typed is rendered unescaped."""
from urllib.parse import quote

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from search.request import PARAMETERS

ENDPOINTS = ["/api/search", "/search", "/", "/api/entities", "/api/releases/004_adb0e8ee3c5d47dd",
             "/releases/004_adb0e8ee3c5d47dd", "/api/entities/org/SITC", "/entities/org/SITC", "/healthz",
             "/api/openapi.json"]
XSS = "<script>alert(1)</script>"


@pytest.mark.parametrize(("url", "message"), [
    ('/api/search?q="Qingdao+Port', '\'q\' has an unclosed double quote; close the "phrase" or remove the quote'),
    ("/api/search?q=(port+deal", "'q' has a '(' without a matching ')'"),
    ("/api/search?q=port)+(deal", "'q' has a ')' without a matching '('"),
    ("/api/search?q=%FF%FEport", "the query string is not UTF-8"),
    ("/api/entities?q=%C3", "the query string is not UTF-8"),
    ("/api/entities?colour=red", "unknown parameter 'colour'; known parameters: type, q, limit"),
    ("/api/entities?limit=-1", "'limit' must be from 1 to 200"),
    ("/api/entities?type=ship", "'type' must be one of org, person, place, facility"),
    ("/api/releases/004_adb0e8ee3c5d47dd?full=1", "unknown parameter 'full'; this address takes no parameters"),
    ("/api/entities/org/SITC?page=2", "unknown parameter 'page'"),
    ("/healthz?x=1", "unknown parameter 'x'"),
])
def test_bad_api_input_is_a_400_that_says_what_to_send(client, url, message):
    res = client.get(url)
    assert res.status_code == 400 and res.get_json() == {"error": {"status": 400, "message": res.get_json()["error"]["message"]}}
    assert message in res.get_json()["error"]["message"]


def test_bad_page_input_is_a_readable_400_page(client):
    for url in ["/releases/004_adb0e8ee3c5d47dd?x=1", "/entities/org/SITC?x=1", "/search?q=%FF"]:
        res = client.get(url)
        html = res.get_data(as_text=True)
        assert res.status_code == 400 and res.mimetype == "text/html", url
        assert "unknown parameter" in html or "not UTF-8" in html, url
    res = client.get('/search?q="open')
    assert res.status_code == 400 and "unclosed double quote" in res.get_data(as_text=True)
    assert 'value="' in res.get_data(as_text=True)  # the search form is still there to fix the query


def test_nothing_typed_is_rendered_unescaped_on_any_page(client):
    x = quote(XSS)
    for url in [f"/search?q={x}", f"/?q={x}", f"/search?entity=org:{x}", f"/search?{x}=1", f"/search?mode={x}",
                f"/releases/{x}", f"/entities/org/{x}", f"/entities/{x}/SITC", f"/no/such/{x}",
                f"/releases/004_adb0e8ee3c5d47dd?{x}=1", f"/search?q={x}&date_from={x}"]:
        res = client.get(url)
        assert res.status_code in (200, 400, 404), url
        body = res.get_data(as_text=True)
        assert XSS not in body and "<script>" not in body, url


@settings(max_examples=120, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(path=st.sampled_from(ENDPOINTS),
       params=st.lists(st.tuples(st.sampled_from(sorted(PARAMETERS) + ["type", "limit", "zz", ""]),
                                 st.one_of(st.text(max_size=40), st.binary(max_size=12).map(
                                     lambda b: "".join(f"%{c:02X}" for c in b)))), max_size=5))
def test_random_query_strings_never_cause_a_server_error(client, path, params):
    query = "&".join(f"{quote(k)}={v if v.startswith('%') else quote(v)}" for k, v in params)
    res = client.get(f"{path}?{query}")
    body = res.get_data(as_text=True)
    assert res.status_code in (200, 400, 404), (path, query, body[:300])
    assert "Traceback" not in body
    if path.startswith("/api/") and res.status_code != 200:
        assert res.get_json()["error"]["status"] == res.status_code
