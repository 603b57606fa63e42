"""Every page in headless Chromium at a desktop width (1366 px) and a phone width (390 px), under the real
Content-Security-Policy: no horizontal overflow, no serious or critical axe-core violation, the first result within
the first screen on a phone and within five Tab presses, the filter panel closed on a phone and beside the results on
a desktop (also without JavaScript), the month histogram above the results. A screenshot of each page at each width
goes to test-artifacts/screenshots/ (CI keeps the folder).

axe-core comes with the `axe-playwright-python` package (its axe.min.js, run offline). Needs /usr/bin/chromium
(`make test` installs it); never downloads a browser.
"""
from __future__ import annotations

from pathlib import Path

import pytest


SCREENSHOTS = Path(__file__).resolve().parents[2] / "test-artifacts" / "screenshots"
WIDTHS = {"desktop": (1366, 900), "phone": (390, 844)}
PAGES = {
    "home": "/",
    "search": "/search?q=robots",
    "filtered": "/search?q=Acme&category=results&category=acquisition",
    "no-results": "/search?q=zeppelin&mode=keyword",
    "release": "/releases/t1",
    "entity": "/entities/org/Acme%20Robotics",
    "entities": "/entities?q=a",
    "error": "/search?q=robots&limit=0",
    "not-found": "/releases/nope",
}
FIRST_RESULT = "ol.hits li.hit a.title"


@pytest.fixture(scope="module")
def axe():
    from axe_playwright_python.sync_playwright import Axe

    return Axe()


def _open(browser, width: str, **options):
    w, h = WIDTHS[width]
    context = browser.new_context(viewport={"width": w, "height": h}, **options)
    return context, context.new_page()


def _serious(results) -> list[str]:
    """'rule: where' for each serious or critical violation."""
    return [f"{v['id']}: {[n['target'] for n in v['nodes']][:3]}"
            for v in results.response["violations"] if v.get("impact") in ("serious", "critical")]


@pytest.mark.parametrize("width", sorted(WIDTHS))
def test_every_page_fits_the_width_and_passes_axe(base_url, browser, axe, width):
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    context, page = _open(browser, width)
    blocked: list[str] = []
    page.on("console", lambda m: blocked.append(m.text) if "Content Security Policy" in m.text else None)
    problems = {}
    for name, path in PAGES.items():
        page.goto(base_url + path)
        page.wait_for_load_state("load")
        overflow = page.evaluate("document.documentElement.scrollWidth - window.innerWidth")
        headings = page.locator("h1").count()
        serious = _serious(axe.run(page))
        page.screenshot(path=str(SCREENSHOTS / f"{name}-{width}.png"), full_page=True)
        if overflow > 0 or headings != 1 or serious:
            problems[name] = {"overflow_px": overflow, "h1": headings, "axe": serious}
    context.close()
    assert problems == {} and blocked == [], "\n".join(f"{k}: {v}" for k, v in problems.items())


@pytest.mark.parametrize("width", sorted(WIDTHS))
def test_tab_reaches_the_first_result_within_five_presses(base_url, browser, width):
    context, page = _open(browser, width)
    page.goto(base_url + PAGES["search"])
    first = page.locator(FIRST_RESULT).first
    presses = None
    for n in range(1, 6):
        page.keyboard.press("Tab")
        if first.evaluate("a => a === document.activeElement"):
            presses = n
            break
    assert presses is not None and presses <= 5
    outline = first.evaluate("a => getComputedStyle(a).outlineStyle")
    assert outline != "none"  # the focus is visible
    # The skip link is the first stop and leads to the results.
    page.goto(base_url + PAGES["search"])
    page.keyboard.press("Tab")
    skip = page.locator("a.skip")
    assert skip.evaluate("a => a === document.activeElement") and skip.get_attribute("href") == "#results"
    assert skip.is_visible()
    context.close()


def test_on_a_phone_results_come_first_and_the_filters_fold(base_url, browser):
    context, page = _open(browser, "phone")
    page.goto(base_url + PAGES["search"])
    first = page.locator(FIRST_RESULT).first.bounding_box()
    assert first["y"] + first["height"] <= WIDTHS["phone"][1]  # within the first screen
    panel = page.locator("details.refine")
    assert panel.get_attribute("open") is None and not page.locator("#facet-org").is_visible()
    histogram = page.locator("figure.histogram").bounding_box()
    assert histogram["y"] + histogram["height"] <= first["y"]  # the histogram sits above the results
    page.click("details.refine > summary")
    assert page.locator("#facet-org").is_visible()
    page.click('#facet-org a[data-value="Acme Robotics"]')
    page.wait_for_selector("p.active-filters")
    assert page.locator("p.active-filters").inner_text() == "Filtered by: org: Acme Robotics ✕"
    assert page.locator("details.refine > summary").inner_text() == "Filters and options (1 active)"
    context.close()


@pytest.mark.parametrize("javascript", [True, False])
def test_on_a_desktop_the_filters_sit_beside_the_results(base_url, browser, javascript):
    context, page = _open(browser, "desktop", java_script_enabled=javascript)
    page.goto(base_url + PAGES["filtered"])
    facet = page.locator("#facet-category")
    assert facet.is_visible()
    results = page.locator("#results").bounding_box()
    assert facet.bounding_box()["x"] + facet.bounding_box()["width"] <= results["x"]  # a column on the left
    histogram = page.locator("figure.histogram").bounding_box()
    assert histogram["y"] + histogram["height"] <= page.locator(FIRST_RESULT).first.bounding_box()["y"]
    checked = page.locator('#facet-category a[aria-checked="true"] .name').all_inner_texts()
    assert sorted(checked) == ["acquisition / merger", "results / earnings"]
    assert page.locator('#facet-category a[aria-checked="false"]').count() >= 1  # the siblings stay listed
    context.close()
