"""The site in a real browser: a visitor switches to English, logs in with the demo login that
``comunitas demo`` prints and opens a cooperative's dashboard; axe-core checks every page."""

from __future__ import annotations

import re

import pytest
from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import Page, expect

from comunitas.cli import DEFAULT_DEMO_PASSWORD, DEMO_USERNAME
from comunitas.demo.load import demo_admin_ensure, demo_load

BLOCKING_IMPACTS = {"serious", "critical"}
AXE = Axe()


def assert_accessible(page: Page, name: str) -> None:
    """No serious or critical axe-core violation on the page as it is now."""
    violations = AXE.run(page).response["violations"]
    blocking = [v for v in violations if v.get("impact") in BLOCKING_IMPACTS]
    if blocking:
        lines = [f"{name} ({page.url}): {len(blocking)} serious/critical axe violation(s)"]
        for v in blocking:
            lines.append(f"- {v['id']} [{v['impact']}] {v['help']} ({v.get('helpUrl', '')})")
            for node in v["nodes"]:
                lines.append(f"    {node['target']}: {node.get('failureSummary', '')}")
        pytest.fail("\n".join(lines), pytrace=False)


def expect_language(page: Page, code: str) -> None:
    """The page is in ``code``: <html lang> and the pressed language button say so."""
    expect(page.locator("html")).to_have_attribute("lang", code)
    expect(page.locator(f".lang-switch button[value='{code}']")).to_have_attribute(
        "aria-pressed", "true"
    )
    for other in page.locator(f".lang-switch button:not([value='{code}'])").all():
        expect(other).to_have_attribute("aria-pressed", "false")


@pytest.fixture
def demo(territory):
    """The demo as ``comunitas demo`` loads it (live-server tests start with empty tables)."""
    demo_load(seed=2021, password=DEFAULT_DEMO_PASSWORD)
    return demo_admin_ensure(username=DEMO_USERNAME, password=DEFAULT_DEMO_PASSWORD)


def test_switch_language_log_in_and_open_a_dashboard(live_server, demo, page: Page):
    # The home page, in Italian for an Italian browser.
    page.goto(live_server.url + "/")
    expect_language(page, "it")
    expect(page.get_by_role("link", name="La Paranza")).to_be_visible()
    assert_accessible(page, "home (it)")

    # Switch to English with the header's language buttons (a POST to set_language).
    page.locator(".lang-switch").get_by_role("button", name="English").click()
    expect_language(page, "en")
    expect(page.get_by_role("heading", level=1)).to_have_text("Community cooperatives")
    assert_accessible(page, "home (en)")

    # Log in with the login `comunitas demo` prints.
    page.get_by_role("navigation", name="Site").get_by_role("link", name="Log in").click()
    expect(page).to_have_url(re.compile(r"/account/login/"))
    expect(page.get_by_role("heading", level=1)).to_have_text("Log in")
    expect_language(page, "en")
    assert_accessible(page, "login")
    page.get_by_label("Username").fill(DEMO_USERNAME)
    page.get_by_label("Password").fill(DEFAULT_DEMO_PASSWORD)
    page.get_by_role("main").get_by_role("button", name="Log in").click()
    expect(page.get_by_role("button", name="Log out")).to_be_visible()
    expect(page).to_have_url(live_server.url + "/")
    expect_language(page, "en")
    assert_accessible(page, "home (logged in)")

    # A cooperative's public page, then its dashboard, following the links.
    page.get_by_role("link", name="La Paranza").click()
    expect(page).to_have_url(re.compile(r"/c/la-paranza/$"))
    expect(page.get_by_role("heading", level=1)).to_have_text("La Paranza")
    assert_accessible(page, "cooperative page")
    sections = page.get_by_role("navigation", name="La Paranza sections")
    sections.get_by_role("link", name="Dashboard").click()
    expect(page).to_have_url(re.compile(r"/c/la-paranza/dashboard/$"))
    expect(page.get_by_role("heading", level=1)).to_have_text("La Paranza")
    expect(page.get_by_role("heading", level=2, name="Dashboard")).to_be_visible()
    expect(page.get_by_role("heading", name="Statute in force")).to_be_visible()
    expect(sections.get_by_role("link", name="Dashboard")).to_have_attribute("aria-current", "page")
    assert_accessible(page, "dashboard")

    # The territory search, with a query.
    page.get_by_role("navigation", name="Site").get_by_role("link", name="Territory").click()
    search = page.get_by_role("search")
    search.get_by_label("Municipality").fill("mendatica")
    search.get_by_role("button", name="Search").click()
    expect(page).to_have_url(re.compile(r"/territory/\?q=mendatica"))
    results = page.locator("#results table")
    expect(results.get_by_role("rowheader")).to_have_count(1)
    expect(results.get_by_role("rowheader")).to_contain_text("Mendatica")
    assert_accessible(page, "territory search")

    # The account page lists the demo cooperatives the admin runs.
    page.get_by_role("link", name="Your account").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Your account")
    expect(page.get_by_role("main").get_by_role("link", name="La Paranza")).to_be_visible()
    assert_accessible(page, "account")


@pytest.mark.parametrize("language", ["it", "en"])
def test_unknown_page_is_a_friendly_404_in_the_page_language(live_server, page: Page, language):
    page.goto(live_server.url + "/")
    if language != "it":
        page.locator(".lang-switch").get_by_role("button", name="English").click()
    expect_language(page, language)

    response = page.goto(live_server.url + "/no-such-page/")
    assert response is not None and response.status == 404
    expect_language(page, language)
    expect(page.get_by_role("heading", level=1)).to_be_visible()
    back = page.get_by_role("main").get_by_role("link")
    expect(back).to_have_attribute("href", "/")
    assert_accessible(page, f"404 ({language})")
    back.click()
    expect(page).to_have_url(live_server.url + "/")
    expect_language(page, language)


def test_wide_table_on_a_phone_scrolls_with_the_keyboard(live_server, territory, page: Page):
    page.set_viewport_size({"width": 360, "height": 740})
    page.goto(live_server.url + "/territory/?q=mendatica")
    scroller = page.locator("#results .table-wrap")
    expect(scroller.get_by_role("rowheader")).to_contain_text("Mendatica")
    assert scroller.evaluate("el => el.scrollWidth > el.clientWidth"), "the table should overflow"
    assert_accessible(page, "territory search (360px wide)")

    # The scrolling region is a tab stop, so a keyboard user can scroll it.
    page.get_by_role("search").locator("button[type=submit]").focus()
    page.keyboard.press("Tab")
    expect(scroller).to_be_focused()
    page.keyboard.press("ArrowRight")
    page.wait_for_function("el => el.scrollLeft > 0", arg=scroller.element_handle())
