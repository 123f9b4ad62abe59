"""The commons registry in a real browser: staff of Brigì open the refuge from the menu, record
work done on it and mark an obligation done; axe-core checks each page."""

from __future__ import annotations

import re

from playwright.sync_api import Page, expect

from comunitas.cli import DEFAULT_DEMO_PASSWORD
from tests.e2e.test_browser import assert_accessible, demo  # noqa: F401 (fixture)


def test_staff_keep_the_refuge(live_server, demo, page: Page):  # noqa: F811
    page.context.add_cookies([{"name": "django_language", "value": "en", "url": live_server.url}])
    page.goto(live_server.url + "/account/login/?next=/c/brigi/dashboard/")
    page.get_by_label("Username").fill("brigi.staff")
    page.get_by_label("Password").fill(DEFAULT_DEMO_PASSWORD)
    page.get_by_role("main").get_by_role("button", name="Log in").click()
    expect(page.get_by_role("heading", name="Common resources: deadlines")).to_be_visible()
    assert_accessible(page, "dashboard with the reminders")

    sections = page.get_by_role("navigation", name="Brigì sections")
    sections.get_by_role("link", name="Common resources").click()
    expect(page).to_have_url(re.compile(r"/c/brigi/commons/$"))
    expect(page.get_by_role("rowheader")).to_have_count(2)
    assert_accessible(page, "commons list")

    page.get_by_role("link", name="Rifugio Cà da Cardella").click()
    expect(page.get_by_role("heading", level=2)).to_contain_text("Rifugio Cà da Cardella")
    page.get_by_text("Record what was done").click()
    page.get_by_label("What was done").fill("Gutters cleaned")
    page.get_by_role("button", name="Record").last.click()
    expect(page.get_by_text("Gutters cleaned")).to_be_visible()
    expect(page.get_by_role("status")).to_be_visible()  # the flash message, checked by axe too
    page.get_by_text("Record a legal basis").click()
    assert_accessible(page, "resource page with a form open")

    buttons = page.get_by_role("button", name=re.compile(r"^Mark done"))
    before = buttons.count()
    buttons.first.click()
    expect(page.get_by_text(re.compile(r"Done\. The next one is due on"))).to_be_visible()
    expect(page.get_by_role("button", name=re.compile(r"^Mark done"))).to_have_count(before)
