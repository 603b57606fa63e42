"""The search box's type-ahead in headless Chromium under the real Content-Security-Policy (issue 15, items 1-2):
suggest.js runs (script-src 'self'), fetches /api/suggest (connect-src 'self') and fills the datalist; with
JavaScript off the box still searches; "Did you mean" links the corrected search.

Needs /usr/bin/chromium (`make test` installs it); never downloads a browser.
"""
from __future__ import annotations






def test_typing_fills_the_datalist_under_the_csp(base_url, browser):
    page = browser.new_page()
    blocked: list[str] = []
    page.on("console", lambda m: blocked.append(m.text) if "Content Security Policy" in m.text else None)
    page.goto(base_url + "/")
    page.locator("header input[name=q]").press_sequentially("acme r", delay=20)
    page.locator("#suggestions option").nth(1).wait_for(state="attached")  # (wait_for_function would need eval)
    options = page.eval_on_selector_all("#suggestions option", "os => os.map(o => [o.value, o.label])")
    assert options[0] == ["Acme Robotics", "org · 4 releases"]
    values = [value for value, _ in options]
    assert "acme robots" in values and "acme robotics" not in values  # a completion that is a listed name: once
    assert blocked == []
    page.close()


def test_without_javascript_the_box_searches_and_did_you_mean_links(base_url, browser):
    context = browser.new_context(java_script_enabled=False)
    page = context.new_page()
    page.goto(base_url + "/")
    page.fill("header input[name=q]", "lidr sensors")
    page.press("header input[name=q]", "Enter")
    page.wait_for_selector("p.did-you-mean a")
    assert page.locator("p.did-you-mean").inner_text() == "Did you mean lidar sensors?"
    page.click("p.did-you-mean a")
    page.wait_for_selector("ol.hits li.hit")
    assert page.locator("header input[name=q]").input_value() == "lidar sensors"
    assert page.locator("p.did-you-mean").count() == 0
    context.close()
