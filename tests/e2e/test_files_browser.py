"""Photos, sales and statistics in a real browser: staff upload a photo of a resource from its
page and show it to visitors, a visitor sees it, staff read the sales and the statistics;
axe-core checks each page."""

from __future__ import annotations

import re

import pytest
from django.utils import timezone
from PIL import Image
from playwright.sync_api import Page, expect

from tests.commons.stats.test_stats import at, book, make_year_2025, sale
from tests.e2e.test_browser import assert_accessible
from tests.helpers import PASSWORD, make_resource

pytestmark = pytest.mark.django_db(transaction=True)


def log_in(page: Page, live_server, username: str, next_url: str) -> None:
    page.context.add_cookies([{"name": "django_language", "value": "en", "url": live_server.url}])
    page.goto(f"{live_server.url}/account/login/?next={next_url}")
    page.get_by_label("Username").fill(username)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("main").get_by_role("button", name="Log in").click()


def test_staff_add_a_photo_that_visitors_then_see(live_server, people, page: Page, tmp_path):
    resource = make_resource(people["coop"], people["admin"], name="Cinema", is_public=True)
    photo = tmp_path / "screen.jpg"
    Image.new("RGB", (64, 48), (30, 120, 60)).save(photo, "JPEG")
    fake = tmp_path / "deed.pdf"
    fake.write_bytes(b"MZ\x90\x00" + b"\x00" * 64)  # a program named .pdf

    log_in(page, live_server, "staff1", f"/c/alpha/commons/{resource.pk}/")
    expect(page.get_by_role("heading", name="Photos and documents")).to_be_visible()
    page.get_by_role("link", name="Add a photo or document").click()
    assert_accessible(page, "upload form")
    page.get_by_label("Title").fill("Deed")
    page.get_by_label("File").set_input_files(str(fake))
    page.get_by_role("button", name="Upload").click()
    expect(page.get_by_text("This type of file is not accepted")).to_be_visible()
    assert_accessible(page, "upload form with an error")

    page.get_by_label("Title").fill("The big screen")
    page.get_by_label("File").set_input_files(str(photo))
    page.get_by_label("Show this photo to visitors").check()
    page.get_by_role("button", name="Upload").click()
    image = page.get_by_role("img", name="The big screen")
    expect(image).to_be_visible()
    assert page.evaluate("(img) => img.naturalWidth", image.element_handle()) == 64
    assert_accessible(page, "resource page with a photo")

    visitor = page.context.browser.new_context()
    other = visitor.new_page()
    other.goto(f"{live_server.url}/c/alpha/commons/{resource.pk}/")
    expect(other.get_by_role("img", name="The big screen")).to_be_visible()
    page.get_by_role("button", name=re.compile(r"^Hide from visitors.*The big screen")).click()
    other.reload()
    expect(other.get_by_role("img", name="The big screen")).to_have_count(0)
    visitor.close()


def test_staff_read_sales_statistics_and_dashboard(live_server, people, page: Page):
    data = make_year_2025(people)
    today = timezone.localdate()
    room = data["room"]
    sale(on=today, amount="12.00", booking=book(room, at(today, 9), at(today, 10), price="12"))
    log_in(page, live_server, "admin1", "/c/alpha/dashboard/")
    expect(page.get_by_role("heading", name=f"Use of the commons in {today.year}")).to_be_visible()
    assert_accessible(page, "dashboard with the commons' use")

    page.get_by_role("link", name="Use statistics").click()
    page.get_by_role("spinbutton", name="Year").fill("2025")
    page.get_by_role("button", name="Show").click()
    expect(page.get_by_role("heading", name="Use of the commons in 2025")).to_be_visible()
    expect(page.get_by_role("img", name="Occupancy of all units per month")).to_be_visible()
    assert_accessible(page, "statistics")

    page.get_by_role("link", name="Sales", exact=True).first.click()
    expect(page.get_by_role("table")).to_contain_text("Booking of Room A")
    page.get_by_label("Customer").select_option("association")
    page.get_by_role("button", name="Filter").click()
    expect(page.get_by_role("table")).to_contain_text("Tour")
    expect(page.get_by_role("table")).not_to_contain_text("Room A")
    assert_accessible(page, "sales list")
