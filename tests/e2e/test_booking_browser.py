"""Booking a room in a real browser: a resident logs in, opens the booking page, the room's
availability, books an evening and finds it in "my bookings"; axe-core checks each page."""

from __future__ import annotations

import re

from playwright.sync_api import Page, expect

from tests.commons.bookings.matrix import day_ahead, make_unit
from tests.e2e.test_browser import assert_accessible
from tests.helpers import PASSWORD, make_resource


def test_a_resident_books_a_room(live_server, people, page: Page):
    resource = make_resource(people["coop"], people["admin"], name="Casa del popolo")
    unit = make_unit(resource, people["admin"], name="Sala prove", max_minutes=240)
    day = day_ahead(7)

    page.context.add_cookies([{"name": "django_language", "value": "en", "url": live_server.url}])
    page.goto(live_server.url + "/account/login/?next=/c/alpha/bookings/")
    page.get_by_label("Username").fill("resident1")
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("main").get_by_role("button", name="Log in").click()
    expect(page.get_by_role("heading", name="Book a space or equipment")).to_be_visible()
    assert_accessible(page, "booking page")

    page.get_by_role("link", name="Sala prove").click()
    expect(page).to_have_url(re.compile(rf"/c/alpha/bookings/units/{unit.pk}/$"))
    expect(page.get_by_role("heading", level=2)).to_have_text("Sala prove")
    assert_accessible(page, "availability")
    page.get_by_role("link", name=re.compile("Next week")).click()
    expect(page).to_have_url(re.compile(r"\?view=week&start="))
    page.get_by_role("link", name=re.compile("Show the month")).click()
    expect(page.get_by_role("heading", level=3, name=re.compile("^Month"))).to_be_visible()

    page.get_by_label("Day").fill(day.isoformat())
    page.get_by_label("From").fill("18:00")
    page.get_by_label("Until").fill("20:00")
    page.get_by_label("Purpose").fill("Band rehearsal")
    page.get_by_role("main").get_by_role("button", name="Book", exact=True).click()
    expect(page.get_by_role("status")).to_contain_text("Booked.")
    expect(page.get_by_role("heading", level=2)).to_contain_text("Booking no.")
    expect(page.get_by_text("Band rehearsal")).to_be_visible()
    assert_accessible(page, "booking")

    page.get_by_role("link", name="My bookings").click()
    expect(page).to_have_url(re.compile(r"/c/alpha/bookings/mine/$"))
    row = page.get_by_role("row", name=re.compile("Band rehearsal"))
    expect(row).to_contain_text("Sala prove")
    expect(row).to_contain_text("Confirmed")
    expect(row).to_contain_text("24.00")
    assert_accessible(page, "my bookings")

    # The booked evening now shows on the room's week as the resident's own.
    page.goto(f"{live_server.url}/c/alpha/bookings/units/{unit.pk}/?start={day.isoformat()}")
    expect(page.get_by_text("your booking")).to_be_visible()
