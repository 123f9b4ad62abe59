"""The member book in a real browser: a resident applies for membership, the board admits
them, and the new member logs in and sees their shares; axe-core checks each page."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import Page, expect

from comunitas.core.coops.services import role_grant
from comunitas.core.models import RoleKind
from tests.e2e.test_browser import assert_accessible
from tests.helpers import PASSWORD, PERSON, make_coop, make_user


@pytest.fixture
def alpha(territory):
    admin = make_user("board1")
    coop = make_coop("alpha", owner=admin, is_public=True)
    resident = make_user("maria")
    role_grant(actor=admin, coop=coop, user=resident, kind=RoleKind.RESIDENT)
    return coop


def log_in(page: Page, base: str, username: str) -> None:
    page.goto(base + "/account/login/")
    page.get_by_label("Username").fill(username)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("main").get_by_role("button", name="Log in").click()
    expect(page.get_by_role("button", name="Log out")).to_be_visible()


def log_out(page: Page) -> None:
    page.get_by_role("button", name="Log out").click()
    expect(
        page.get_by_role("navigation", name="Site").get_by_role("link", name="Log in")
    ).to_be_visible()


def test_a_resident_applies_the_board_admits_and_the_member_sees_the_shares(
    live_server, alpha, page: Page
):
    base = live_server.url
    page.context.add_cookies([{"name": "django_language", "value": "en", "url": base}])

    # The resident finds the application form from their (empty) membership page.
    log_in(page, base, "maria")
    page.goto(base + "/c/alpha/")
    page.get_by_role("link", name="Your membership").click()
    assert_accessible(page, "membership (none yet)")
    page.get_by_role("link", name="Apply for membership").click()
    expect(page.get_by_role("heading", level=2)).to_have_text("Become a member")
    assert_accessible(page, "application form")
    page.get_by_label("First name").fill(PERSON["first_name"])
    page.get_by_label("Last name").fill(PERSON["last_name"])
    page.get_by_role("textbox", name="Codice fiscale").fill(PERSON["fiscal_code"])
    page.get_by_label("Birth date").fill(PERSON["birth_date"].isoformat())
    page.get_by_label("Municipality of residence (or seat)").fill("Mendatica (IM)")
    page.get_by_role("textbox", name="E-mail").fill(PERSON["email"])
    page.get_by_label("Number of shares").fill("2")
    page.get_by_label(re.compile("Processing of personal data")).check()
    page.get_by_role("button", name="Send the application").click()
    expect(page).to_have_url(re.compile(r"/c/alpha/join/thanks/$"))
    assert_accessible(page, "application sent")
    log_out(page)

    # The board admits the applicant from the list of applications.
    log_in(page, base, "board1")
    page.goto(base + "/c/alpha/members/")
    assert_accessible(page, "member book")
    page.get_by_role("navigation", name="Member book").get_by_role(
        "link", name="Applications"
    ).click()
    decision = page.get_by_role("form", name="Decision on Rossi Maria")
    decision.get_by_label("Board decision").fill("CdA 25/11/2026")
    assert_accessible(page, "applications")
    decision.get_by_role("button", name="Admit Rossi Maria").click()
    page.goto(base + "/c/alpha/members/")
    row = page.get_by_role("row", name=re.compile("Rossi Maria"))
    expect(row).to_contain_text("Mendatica (IM) in territory")
    row.get_by_role("link", name="Rossi Maria").click()
    expect(page.get_by_role("heading", level=2)).to_contain_text("no. 1")
    assert_accessible(page, "member page")
    log_out(page)

    # The new member sees the number, the two shares and what is still to pay.
    log_in(page, base, "maria")
    page.goto(base + "/c/alpha/")
    page.get_by_role("link", name="Your membership").click()
    shares = page.get_by_role("region", name="Your shares")
    expect(shares).to_contain_text("2")
    expect(page.get_by_role("main")).to_contain_text("still to pay")
    expect(page.get_by_role("main")).to_contain_text("€50.00")
    assert_accessible(page, "membership")
