"""The economy in a real browser: the board closes last year from the cash book, allocates the
result within the legal minima, proposes it, records the assembly's approval, and everyone sees
where the money went in the money-flow diagram; axe-core checks each page."""

from __future__ import annotations

import re
from datetime import date
from decimal import Decimal

from playwright.sync_api import Page, expect

from comunitas.economy.cashbook import services as cashbook_services
from comunitas.economy.closing.postal_rates import postal_bond_rates_load
from comunitas.economy.models import AllocationKind, Closing
from tests.e2e.test_browser import assert_accessible
from tests.e2e.test_projects_browser import log_in
from tests.economy.closing.matrix import carried_motion, last_year
from tests.helpers import book_for


def test_close_a_year_approve_the_allocation_and_see_the_money_flow(
    live_server, people, page: Page
):
    postal_bond_rates_load()  # live-server tests start with empty tables
    book = book_for(people)
    coop, staff = book["coop"], book["staff"]
    year = last_year()
    for fields in (
        {"category": "services", "amount": Decimal("12000.00"), "description": "Biglietti"},
        {"category": "suppliers", "amount": Decimal("2000.00"), "description": "Materiali"},
    ):
        cashbook_services.movement_create(
            actor=staff, coop=coop, on_date=date(year, 6, 30), **fields
        )
    motion = carried_motion(book, title=f"Approvazione del bilancio {year}")
    base = live_server.url

    # The board closes the year: the result comes from the cash book.
    log_in(page, base, "admin1", "/c/alpha/economy/closings/new/")
    page.get_by_label(re.compile(r"^Year:?$")).fill(str(year))
    page.get_by_role("button", name="Prepare the closing").click()
    expect(page.get_by_role("heading", level=2)).to_contain_text(f"Closing of {year}")
    expect(page.locator(".card.kpi").first).to_contain_text("10,000.00")
    assert_accessible(page, "closing draft")

    # Below the legal minimum the form says why and saves nothing; at 30% it allocates.
    page.get_by_role("link", name="Allocate the result").click()
    page.get_by_label("Legal reserve (% of the profit)").fill("20")
    page.get_by_role("button", name="Save the allocation").click()
    expect(page.locator(".errorlist").first).to_contain_text("30")
    assert not Closing.objects.get(coop=coop, year=year).lines.exists()
    page.get_by_label("Legal reserve (% of the profit)").fill("30")
    page.get_by_label("Community reinvestment fund (% of the rest)").fill("60")
    page.get_by_role("button", name="Save the allocation").click()
    expect(page.get_by_role("main")).to_contain_text("3,000.00")  # the legal reserve
    assert_accessible(page, "closing allocated")

    # Proposed to the assembly, then approved by the motion it carried: locked.
    page.get_by_role("button", name="Propose to the assembly").click()
    expect(page.get_by_role("note")).to_contain_text("Proposed to the assembly")
    page.get_by_label("Motion carried by the assembly").select_option(str(motion.pk))
    page.get_by_role("button", name="Record the approval").click()
    expect(page.get_by_role("note")).to_contain_text("are locked")
    closing = Closing.objects.get(coop=coop, year=year)
    lines = {line.kind: line.amount for line in closing.lines.all()}
    assert closing.locked and sum(lines.values()) == Decimal("10000.00")
    assert lines[AllocationKind.LEGAL_RESERVE] == Decimal("3000.00")
    assert lines[AllocationKind.MUTUAL_FUNDS] == Decimal("300.00")
    assert lines[AllocationKind.REINVESTMENT_FUND] == Decimal("4020.00")  # 60% of 6,700

    # Anyone, signed in or not, sees where the money went.
    page.context.clear_cookies()
    page.context.add_cookies([{"name": "django_language", "value": "en", "url": base}])
    page.goto(f"{base}/c/alpha/economy/flow/{year}/")
    diagram = page.get_by_role("img", name=re.compile(str(year)))
    expect(diagram).to_be_visible()
    expect(page.get_by_role("main")).to_contain_text("4,020.00")
    assert_accessible(page, "money flow")
    pdf = page.request.get(f"{base}/c/alpha/economy/flow/{year}/pdf/")
    assert pdf.status == 200 and pdf.body().startswith(b"%PDF")
