"""A release's url is untrusted (issue 18, item 3): only http(s) URLs become links, and every response carries a
Content-Security-Policy, X-Content-Type-Options and X-Frame-Options."""
from __future__ import annotations

import re
from html import unescape

import pytest

from tests.web.hostile import HOSTILE_URLS as URLS


def test_only_http_and_https_urls_are_links():
    from web.links import safe_link

    for url, allowed in URLS.items():
        assert (safe_link(url) is not None) == allowed, repr(url)
    assert safe_link(" HTTP://example.com/upper") == "HTTP://example.com/upper"
    assert safe_link("") is None and safe_link(None) is None


@pytest.mark.parametrize("n", range(len(URLS)))
def test_a_release_page_links_its_url_only_if_http(hostile_client, n):
    url, allowed = list(URLS.items())[n]
    html = hostile_client.get(f"/releases/u{n}").get_data(as_text=True)
    hrefs = [unescape(h) for h in re.findall(r'href="([^"]*)"', html)]
    assert not any(re.match(r"\W*(java|vb)\s*script|\W*data:", h, re.I) for h in hrefs), hrefs
    links = re.findall(r'<a href="[^"]*"[^>]*>original</a>', html)
    assert len(links) == (1 if allowed else 0), html
    if not allowed and url.strip():
        assert "original" in html  # still shown, as text


SECURITY_HEADERS = {"X-Content-Type-Options": "nosniff", "X-Frame-Options": "DENY"}


@pytest.mark.parametrize("url", ["/", "/search?q=lidar", "/api/search?q=lidar", "/releases/t1", "/api/releases/t1",
                                 "/entities", "/api/entities", "/entities/org/Acme%20Robotics", "/healthz",
                                 "/api/openapi.json", "/static/style.css", "/no/such/page", "/api/no/such",
                                 "/api/search?limit=0", "/search?limit=0", "/releases/nope"])
def test_every_response_carries_the_security_headers(fast_client, url):
    res = fast_client.get(url)
    for name, value in SECURITY_HEADERS.items():
        assert res.headers.get(name) == value, (url, name)
    policy = res.headers["Content-Security-Policy"]
    assert "default-src 'none'" in policy and "frame-ancestors 'none'" in policy
    assert "script-src 'self';" in policy and "'unsafe-inline'" not in policy  # our own script file, nothing inline


def test_the_pages_need_nothing_the_policy_forbids(fast_client):
    """No inline script (only script files of our own, which script-src 'self' allows), no inline event handler, no
    style attribute outside what style-src allows."""
    policy = fast_client.get("/").headers["Content-Security-Policy"]
    assert policy.split("script-src", 1)[1].split(";")[0].strip() == "'self'"
    for url in ["/", "/search?q=robots", "/releases/t1", "/entities", "/entities/org/Acme%20Robotics"]:
        html = fast_client.get(url).get_data(as_text=True)
        scripts = re.findall(r"<script\b[^>]*>(.*?)</script>", html, re.S)
        assert html.count("<script") == len(scripts) and not any(s.strip() for s in scripts), url  # no inline code
        assert re.findall(r"<script\b([^>]*)>", html) == [' src="/static/suggest.js" defer',
                                                        ' src="/static/layout.js" defer'], url
        assert fast_client.get("/static/suggest.js").status_code == 200
        assert fast_client.get("/static/layout.js").status_code == 200
        assert not re.search(r"\son\w+=", html), url
        if 'style="' in html:
            assert "'unsafe-inline'" in policy.split("style-src", 1)[1].split(";")[0], url
