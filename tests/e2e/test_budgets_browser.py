"""A participatory budget in a real browser: a member opens the ballot of a knapsack budget,
ticks projects and watches the running total the server computes (over the budget, then within
it), casts the ballot; staff close the vote and count it; the member reads the results page
comparing the two rules. axe-core checks each page."""

from __future__ import annotations

import re
from decimal import Decimal

from playwright.sync_api import Page, expect

from comunitas.decisions.models.budgets import BudgetBallot, ParticipatoryBudget
from tests.decisions.budgets.matrix import vote, voting_budget
from tests.e2e.test_browser import assert_accessible
from tests.e2e.test_projects_browser import log_in


def test_a_member_votes_with_a_knapsack_ballot_and_reads_the_results(
    live_server, people, page: Page
):
    base = live_server.url
    staff = people["staff"]
    budget, (audio, seats, subtitles) = voting_budget(
        people["coop"],
        staff,
        costs=("6000.00", "3000.00", "2000.00"),
        method="knapsack",
        title="Bilancio partecipativo del cinema",
    )
    for project, title in [
        (audio, "Nuovo impianto audio"),
        (seats, "Poltrone in sala 2"),
        (subtitles, "Sottotitoli per chi non sente"),
    ]:
        type(project).objects.filter(pk=project.pk).update(title=title)
    vote(budget, people["resident"], [seats, subtitles])  # another voter, for the comparison

    log_in(page, base, "member1", f"/c/alpha/budgets/{budget.pk}/")
    expect(page.get_by_role("heading", level=2)).to_contain_text("Bilancio partecipativo")
    assert_accessible(page, "budget page in its vote")
    page.get_by_role("main").get_by_role("link", name="Vote", exact=True).click()
    expect(page.get_by_role("group", name="Projects you choose")).to_be_visible()
    total = page.get_by_role("status")
    expect(total).to_contain_text("0 projects chosen: €0.00 of €10,000.00.")
    assert_accessible(page, "ballot")

    # The running total follows the ticks; over the budget it warns before anything is sent.
    page.get_by_label(re.compile("Nuovo impianto audio")).check()
    expect(total).to_contain_text("1 project chosen: €6,000.00 of €10,000.00.")
    page.get_by_label(re.compile("Poltrone in sala 2")).check()
    page.get_by_label(re.compile("Sottotitoli per chi non sente")).check()
    expect(total).to_contain_text("3 projects chosen: €11,000.00 of €10,000.00.")
    expect(total).to_contain_text("Over the budget")
    # The server is the judge: cast over the budget, the ballot comes back with the error.
    page.get_by_role("button", name="Cast my ballot").click()
    expect(page.get_by_text(re.compile("Your choices cost €11,000.00"))).to_be_visible()
    assert not BudgetBallot.objects.filter(voter=people["member"]).exists()
    assert_accessible(page, "ballot with an error")
    page.get_by_label(re.compile("Sottotitoli per chi non sente")).uncheck()
    expect(total).to_contain_text("€1,000.00 left.")
    page.get_by_role("button", name="Cast my ballot").click()
    expect(page.get_by_role("status")).to_contain_text("your ballot is cast")
    expect(page.get_by_text(re.compile("You voted on"))).to_be_visible()
    ballot = BudgetBallot.objects.get(voter=people["member"])
    assert ballot.total_cost == Decimal("9000.00")

    # Staff close the vote; the ballots are counted.
    log_in(page, base, "staff1", f"/c/alpha/budgets/{budget.pk}/")
    page.get_by_role("button", name="Close the vote and count the ballots").click()
    expect(page).to_have_url(re.compile(rf"/c/alpha/budgets/{budget.pk}/results/$"))
    assert ParticipatoryBudget.objects.get(pk=budget.pk).tally["voters"] == 2

    # The member reads the results, comparing the two rules.
    log_in(page, base, "member1", f"/c/alpha/budgets/{budget.pk}/results/")
    expect(page.get_by_role("heading", name="The two rules compared")).to_be_visible()
    expect(
        page.get_by_text("Official result: Method of Equal Shares (proportional).")
    ).to_be_visible()
    expect(page.get_by_role("img", name=re.compile("Votes for each project"))).to_be_visible()
    table = page.get_by_role("table", name="Why each project was funded or not, by rule")
    expect(table).to_contain_text("Funded in round 1")
    expect(table.get_by_role("row", name=re.compile("Poltrone in sala 2"))).to_contain_text(
        "funded"
    )
    assert_accessible(page, "results page")
