"""Buying a ticket for a screening in a real browser: a visitor picks the screening from what
is on, buys two seats and sees the ticket codes; staff check one in at the door (htmx answer,
then "already checked in" the second time) and see it on the event's attendance; axe-core
checks each page."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from django.utils import timezone
from playwright.sync_api import Page, expect

from comunitas.commons.models import Ticket
from comunitas.commons.ticketing import catalogue as ticketing_catalogue
from comunitas.core.coops.services import role_grant
from comunitas.core.models import RoleKind
from tests.e2e.test_browser import assert_accessible
from tests.e2e.test_members_browser import log_in, log_out
from tests.helpers import make_coop, make_user


@pytest.fixture
def cinema(territory):
    board = make_user("board1")
    coop = make_coop("alpha", owner=board, is_public=True)
    role_grant(actor=board, coop=coop, user=make_user("cassa"), kind=RoleKind.STAFF)
    screening = ticketing_catalogue.service_create(
        actor=board,
        coop=coop,
        name="Nuovo Cinema Paradiso",
        kind="screening",
        is_public=True,
        prices={"public": "7.00", "member": "5.00", "resident": "6.00"},
    )
    starts = (timezone.localtime() + timedelta(days=2)).replace(hour=21, minute=0)
    return ticketing_catalogue.event_create(
        actor=board, service=screening, starts_at=starts, seats=5
    )


def test_a_visitor_buys_a_ticket_and_staff_check_it_in(live_server, cinema, page: Page):
    base = live_server.url
    page.context.add_cookies([{"name": "django_language", "value": "en", "url": base}])

    # A visitor finds the screening among what is on and buys two seats.
    page.goto(base + "/c/alpha/events/")
    expect(page.get_by_role("heading", name="Events and services")).to_be_visible()
    expect(page.get_by_role("rowheader", name="Nuovo Cinema Paradiso")).to_be_visible()
    assert_accessible(page, "what is on")
    page.get_by_role("link", name=re.compile(r"^Buy tickets: Nuovo Cinema Paradiso")).click()
    expect(page.get_by_text("Price: €7.00 each (Public price).")).to_be_visible()
    assert_accessible(page, "buying form")
    page.get_by_label("How many").fill("2")
    page.get_by_label("Pay at the desk").check()
    page.get_by_label("Your name").fill("Vera Visitor")
    page.get_by_label("Your e-mail").fill("vera@example.org")
    page.get_by_role("button", name="Buy").click()

    expect(page).to_have_url(re.compile(r"/c/alpha/events/orders/\d+/$"))
    expect(page.get_by_role("status")).to_contain_text("Thank you: your order is placed.")
    codes = page.locator("code.ticket-code")
    expect(codes).to_have_count(2)
    shown = sorted(codes.all_inner_texts())
    assert shown == sorted(Ticket.objects.values_list("code", flat=True))
    assert_accessible(page, "order with the tickets")

    # At the door, staff check the first ticket in; the second scan is refused.
    log_in(page, base, "cassa")
    page.goto(base + "/c/alpha/events/check-in/")
    assert_accessible(page, "door")
    page.get_by_label("Ticket code").fill(shown[0].lower())
    page.get_by_role("button", name="Check in").click()
    answer = page.locator("#check-in-result")
    expect(answer).to_contain_text("Valid: welcome!")
    expect(answer).to_contain_text("Still to pay: €14.00")
    expect(page.get_by_label("Ticket code")).to_have_value("")  # ready for the next one
    assert_accessible(page, "door with an answer")
    page.get_by_label("Ticket code").fill(shown[0])
    page.get_by_role("button", name="Check in").click()
    expect(answer).to_contain_text(re.compile(r"Already checked in at \d\d:\d\d\."))

    # The event's page counts who came in.
    page.goto(base + f"/c/alpha/events/{cinema.pk}/")
    expect(page.locator(".kpi", has_text="checked in")).to_contain_text("1")
    expect(page.locator(".kpi", has_text="tickets sold")).to_contain_text("2")
    assert_accessible(page, "event attendance")
    log_out(page)
