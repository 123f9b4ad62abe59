"""An assembly in a real browser: staff register arrivals and a proxy at the attendance desk and
watch the quorum, put a motion to a secret ballot, a member votes from their phone (the page),
the vote closes with its result, the minutes are written, signed by the board and printed as
PDF; axe-core checks each page."""

from __future__ import annotations

import re

from playwright.sync_api import Page, expect

from comunitas.decisions.models import Minutes, Motion, Vote
from tests.e2e.test_browser import assert_accessible
from tests.e2e.test_projects_browser import log_in
from tests.helpers import book_for, convene, open_session


def test_attendance_with_a_proxy_a_secret_ballot_and_the_minutes(live_server, people, page: Page):
    session = open_session(convene(book_for(people)))
    assembly, members = session["assembly"], session["members"]
    base = live_server.url
    desk = f"/c/alpha/assemblies/{assembly.pk}/desk/"

    # Staff at the desk: four arrivals and a proxy.
    log_in(page, base, "staff1", desk)
    expect(page.get_by_role("heading", level=2, name="Attendance desk")).to_be_visible()
    for key in ("member", "admin", 3, 5):
        page.get_by_label("Register number").first.fill(str(members[key].number))
        page.get_by_role("button", name="Present").click()
        expect(page.get_by_role("status")).to_contain_text(f"no. {members[key].number} is present")
    page.get_by_label("Member represented (register number)").fill(str(members[4].number))
    page.get_by_label("Represented by (register number)").fill(str(members[3].number))
    page.get_by_role("button", name="Register the proxy").click()
    expect(page.get_by_role("status")).to_contain_text("The proxy is registered")
    expect(page.locator("#quorum")).to_contain_text("Quorate")
    expect(page.locator("#quorum")).to_contain_text("5")  # 5 votes of 8
    assert_accessible(page, "attendance desk")

    # Staff put a motion to a secret ballot.
    page.goto(f"{base}/c/alpha/assemblies/{assembly.pk}/motions/new/")
    page.get_by_label("Title").fill("Approvazione del bilancio 2025")
    page.get_by_label("Ballot").select_option("secret")
    page.get_by_role("button", name="Save").click()
    page.get_by_role("button", name=re.compile("Open the vote")).click()
    expect(page.get_by_role("status")).to_contain_text("The vote is open")
    motion = Motion.objects.get(title="Approvazione del bilancio 2025")

    # A member votes; the page says the vote is secret and no longer offers a ballot.
    log_in(page, base, "member1", f"/c/alpha/assemblies/{assembly.pk}/")
    expect(page.get_by_text("You are registered as present.")).to_be_visible()
    assert_accessible(page, "assembly page with a ballot")
    ballot = page.locator(f"#motion-{motion.pk}")
    ballot.get_by_label("Against").check()
    ballot.get_by_role("button", name=re.compile("^Vote")).click()
    expect(page.get_by_role("status")).to_contain_text("nobody can see how you voted")
    expect(page.locator(f"#motion-{motion.pk}")).to_contain_text("1 member has voted so far")
    assert Vote.objects.get(motion=motion).choice == ""

    # Staff close the vote and the assembly; the result is on the page.
    log_in(page, base, "staff1", f"/c/alpha/assemblies/{assembly.pk}/")
    page.get_by_role("button", name=re.compile("Close the vote")).click()
    expect(page.locator(f"#motion-{motion.pk}")).to_contain_text("Not carried.")
    page.get_by_role("button", name="Close the assembly").click()
    expect(page.get_by_role("heading", level=2, name="Draft minutes")).to_be_visible()
    page.get_by_label(re.compile(r"^Chair:?$")).fill("Ada Board")
    page.get_by_label("Chair's role").fill("Presidente")
    page.get_by_label(re.compile(r"^Secretary:?$")).fill("Sara Staff")
    page.get_by_role("textbox", name="Narrative").fill("La presidente illustra il bilancio.")
    page.get_by_role("button", name="Save").click()
    expect(page.get_by_role("status")).to_contain_text("The minutes are saved")
    assert_accessible(page, "minutes draft")

    # The board signs; the minutes enter the book and print as PDF.
    log_in(page, base, "admin1", f"/c/alpha/assemblies/{assembly.pk}/minutes/")
    page.get_by_role("button", name=re.compile("^Sign")).click()
    expect(page.get_by_role("heading", level=2, name="Minutes no. 1", exact=True)).to_be_visible()
    expect(page.get_by_text("Approvazione del bilancio 2025").first).to_be_visible()
    pdf = page.request.get(f"{base}/c/alpha/assemblies/{assembly.pk}/minutes.pdf")
    assert pdf.status == 200 and pdf.headers["content-type"] == "application/pdf"
    assert pdf.body().startswith(b"%PDF")
    assert Minutes.objects.get(assembly=assembly).number == 1
    page.goto(f"{base}/c/alpha/minutes/")
    expect(page.get_by_role("link", name=re.compile("Minutes no. 1"))).to_be_visible()
    assert_accessible(page, "minute book")
