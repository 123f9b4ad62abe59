"""Participatory budgets' pages: the list, setting up and editing, a budget's page in each
phase, proposing and reviewing, the ballot with its running total, the phase buttons, the
results explained and compared, the follow-up; inline errors and constant query counts."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from comunitas.core.coops.services import role_grant
from comunitas.decisions.models.budgets import BudgetBallot, BudgetProject, ParticipatoryBudget
from tests.decisions.budgets.matrix import (
    BUDGET_FORM,
    PROJECT_FORM,
    count,
    make_budget,
    propose,
    refuse,
    vote,
    voting_budget,
)
from tests.helpers import make_project, make_user

pytestmark = pytest.mark.django_db


def text(response) -> str:
    return response.content.decode()


def url(budget, tail: str = "") -> str:
    return f"/c/alpha/budgets/{budget.pk}/{tail}"


def residents(people, n: int, prefix: str = "vicino") -> list:
    users = [make_user(f"{prefix}{i}") for i in range(n)]
    for user in users:
        role_grant(actor=people["admin"], coop=people["coop"], user=user, kind="resident")
    return users


def classic(people):
    """Three voters for projects 1 and 2, two for project 3, a fund for two: counted."""
    staff = people["staff"]
    budget, projects = voting_budget(
        people["coop"],
        staff,
        costs=("4000.00", "4000.00", "4000.00"),
        amount=Decimal("8000.00"),
    )
    majority = [people["member"], people["resident"], people["admin"]]
    for voter in majority:
        vote(budget, voter, projects[:2])
    for voter in residents(people, 2):
        vote(budget, voter, projects[2:])
    return count(budget, staff), projects


# --- the list and setting up --------------------------------------------------------------------
def test_the_list_shows_budgets_with_their_counts_to_visitors(client, people):
    budget, _projects = voting_budget(people["coop"], people["staff"])
    page = text(client.get("/c/alpha/budgets/"))
    assert budget.title in page and "Voting" in page
    assert "Set up a budget" not in page
    client.force_login(people["staff"])
    assert "Set up a budget" in text(client.get("/c/alpha/budgets/"))


def test_the_list_is_a_constant_number_of_queries(client, people):
    """Session, user, cooperative, roles (for the navigation), the page's count and rows."""
    client.force_login(people["member"])
    counts = []
    for total in (3, 30):
        for n in range(total - ParticipatoryBudget.objects.count()):
            make_budget(people["coop"], people["staff"], title=f"Bilancio {n}")
        with CaptureQueriesContext(connection) as captured:
            assert client.get("/c/alpha/budgets/").status_code == 200
        counts.append(len(captured))
    assert counts[0] == counts[1], counts


def test_staff_set_up_a_budget_and_bad_input_shows_on_the_field(client, people):
    client.force_login(people["staff"])
    response = client.post("/c/alpha/budgets/new/", {**BUDGET_FORM, "amount": "0"})
    assert response.status_code == 200
    assert 'id="id_amount_error"' in text(response) or "errorlist" in text(response)
    assert not ParticipatoryBudget.objects.exists()
    response = client.post(
        "/c/alpha/budgets/new/", {**BUDGET_FORM, "method": "knapsack", "max_choices": "3"}
    )
    assert "limited by the budget" in text(response)
    response = client.post("/c/alpha/budgets/new/", BUDGET_FORM)
    budget = ParticipatoryBudget.objects.get()
    assert response["Location"] == url(budget)
    assert budget.amount == Decimal("8000.00") and budget.method == "knapsack"


def test_the_edit_form_keeps_the_rules_once_the_vote_is_prepared(client, people):
    budget, _projects = voting_budget(people["coop"], people["staff"])
    client.force_login(people["staff"])
    page = text(client.get(url(budget, "edit/")))
    assert "The vote is prepared" in page and "disabled" in page
    response = client.post(
        url(budget, "edit/"),
        {
            "title": "Nuovo titolo",
            "description": "",
            "earmark_reference": "CdA",
            "amount": "1.00",  # disabled: ignored
        },
    )
    assert response.status_code == 302
    budget.refresh_from_db()
    assert budget.title == "Nuovo titolo" and budget.amount == Decimal("10000.00")


# --- a budget's page in each phase --------------------------------------------------------------
def test_a_collecting_budget_invites_proposals_and_staff_see_the_review_links(client, people):
    budget = make_budget(people["coop"], people["staff"])
    project = propose(budget, people["member"], "Rampa per le carrozzine", "3000.00")
    page = text(client.get(url(budget)))
    assert "Log in to propose a project" in page and project.title in page
    assert "(estimate)" in page
    client.force_login(people["member"])
    page = text(client.get(url(budget)))
    assert "Propose a project" in page and "your project" in page
    assert f"projects/{project.pk}/review/" not in page
    client.force_login(people["staff"])
    page = text(client.get(url(budget)))
    assert f"projects/{project.pk}/review/" in page and "Move to: Feasibility" in page


def test_proposing_a_project_on_the_page(client, people):
    budget = make_budget(people["coop"], people["staff"])
    client.force_login(people["resident"])
    response = client.post(url(budget, "projects/new/"), {**PROJECT_FORM, "estimated_cost": "-1"})
    assert response.status_code == 200 and "errorlist" in text(response)
    response = client.post(url(budget, "projects/new/"), PROJECT_FORM)
    project = BudgetProject.objects.get()
    assert response["Location"] == url(budget, f"projects/{project.pk}/")
    assert project.proposed_by == people["resident"]


def test_reviewing_a_project_on_its_page(client, people):
    budget = make_budget(people["coop"], people["staff"])
    project = propose(budget, people["member"])
    client.force_login(people["staff"])
    review = url(budget, f"projects/{project.pk}/review/")
    response = client.post(review, {"review-status": "not_feasible", "review-review_reason": ""})
    assert response.status_code == 200 and "publicly why" in text(response)
    response = client.post(review, {"review-status": "feasible", "review-reviewed_cost": "3900.00"})
    assert response.status_code == 302
    project.refresh_from_db()
    assert project.status == "feasible" and project.reviewed_cost == Decimal("3900.00")


def test_the_staff_see_what_keeps_the_vote_from_opening(client, people):
    staff = people["staff"]
    budget = make_budget(people["coop"], staff)
    propose(budget, people["member"])
    client.force_login(staff)
    client.post(url(budget, "phase/"), {"phase": "review"})
    page = text(client.get(url(budget)))
    assert (
        "Before the vote can open" in page and "Review every project first: 1 still wait." in page
    )
    response = client.post(url(budget, "phase/"), {"phase": "voting"}, follow=True)
    assert "Review every project first" in text(response)
    budget.refresh_from_db()
    assert budget.phase == "review"


def test_a_voting_budget_sends_voters_to_the_ballot_and_tells_the_others_why_not(client, people):
    budget, _projects = voting_budget(people["coop"], people["staff"], audience="members")
    page = text(client.get(url(budget)))
    assert "Log in to vote" in page
    assert "Only the members and residents of the cooperative vote in its budgets." in page
    client.force_login(people["resident"])
    assert "Only the members vote in this budget." in text(client.get(url(budget)))
    client.force_login(people["member"])
    page = text(client.get(url(budget)))
    assert f'href="{url(budget, "vote/")}"' in page


# --- the ballot ---------------------------------------------------------------------------------
def test_a_knapsack_ballot_shows_a_running_total_the_server_computes(client, people):
    budget, (a, b, c) = voting_budget(
        people["coop"], people["staff"], costs=("6000.00", "3000.00", "2000.00"), method="knapsack"
    )
    client.force_login(people["member"])
    page = text(client.get(url(budget, "vote/")))
    assert 'type="checkbox"' in page and "hx-get" in page and 'role="status"' in page
    assert "0 projects chosen: €0.00 of €10,000.00." in page
    fragment = text(
        client.get(
            url(budget, "vote/"), {"total": "1", "projects": [a.pk, b.pk]}, HTTP_HX_REQUEST="true"
        )
    )
    assert (
        "2 projects chosen: €9,000.00 of €10,000.00." in fragment and "€1,000.00 left" in fragment
    )
    assert "<html" not in fragment
    fragment = text(
        client.get(url(budget, "vote/"), {"total": "1", "projects": [a.pk, b.pk, c.pk, "x"]})
    )
    assert "Over the budget" in fragment
    # The server is the judge: over the budget, refused on the field, nothing recorded.
    response = client.post(url(budget, "vote/"), {"projects": [a.pk, b.pk, c.pk]})
    assert response.status_code == 200 and "more than the" in text(response)
    assert "Over the budget" in text(response)  # the total shows what was ticked
    assert not BudgetBallot.objects.exists()
    response = client.post(url(budget, "vote/"), {"projects": [a.pk, c.pk]})
    assert response.status_code == 302 and response["Location"] == url(budget)
    ballot = BudgetBallot.objects.get()
    assert ballot.voter == people["member"] and ballot.total_cost == Decimal("8000.00")
    page = text(client.get(url(budget, "vote/")))
    assert "You voted on" in page and "A ballot is final." in page
    # Voting again from the page: refused with a message, still one ballot.
    response = client.post(url(budget, "vote/"), {"projects": [b.pk]}, follow=True)
    assert "already voted" in text(response)
    assert BudgetBallot.objects.count() == 1


def test_a_project_not_on_the_ballot_is_a_field_error(client, people):
    budget, (_a, _b) = voting_budget(people["coop"], people["staff"])
    _other, (foreign, _) = voting_budget(people["coop"], people["staff"], title="Altro")
    client.force_login(people["member"])
    response = client.post(url(budget, "vote/"), {"projects": [foreign.pk]})
    assert response.status_code == 200
    assert f"Project no. {foreign.pk} is not on the ballot of this budget." in text(response)
    response = client.post(url(budget, "vote/"), {})
    assert "Choose at least one project." in text(response)
    assert not BudgetBallot.objects.exists()


def test_the_ballot_page_past_the_close_says_it_is_closed(client, people):
    budget, (a, _b) = voting_budget(people["coop"], people["staff"])
    ParticipatoryBudget.objects.filter(pk=budget.pk).update(
        voting_closes_at=timezone.now() - timedelta(minutes=5)
    )
    client.force_login(people["member"])
    page = text(client.get(url(budget, "vote/")))
    assert "The vote closed on" in page and 'type="checkbox"' not in page
    response = client.post(url(budget, "vote/"), {"projects": [a.pk]}, follow=True)
    assert "The vote closed on" in text(response)
    assert not BudgetBallot.objects.exists()


# --- results ------------------------------------------------------------------------------------
def test_results_are_not_shown_before_the_count(client, people):
    budget, (a, _b) = voting_budget(people["coop"], people["staff"])
    vote(budget, people["member"], [a])
    page = text(client.get(url(budget, "results/")))
    assert "published here when the vote closes" in page and "<svg" not in page


def test_closing_the_vote_from_the_page_counts_and_shows_the_results(client, people):
    budget, (a, _b) = voting_budget(people["coop"], people["staff"])
    vote(budget, people["member"], [a])
    client.force_login(people["staff"])
    page = text(client.get(url(budget)))
    assert "Close the vote and count the ballots" in page
    response = client.post(url(budget, "phase/"), {"phase": "results"})
    assert response["Location"] == url(budget, "results/")
    budget.refresh_from_db()
    assert budget.tally["voters"] == 1


def test_the_results_explain_each_project_and_compare_the_rules(client, people):
    budget, (p1, p2, p3) = classic(people)
    page = text(client.get(url(budget, "results/")))
    assert "Official result: Method of Equal Shares (proportional)." in page
    # Greedy: by votes 1 and 2; 3 did not fit in what was left.
    assert "No. 3 by votes (2 votes): it costs €4,000.00 but only €0.00 were left" in page
    # Equal shares: 1,600 € each fund project 1 only (1,333.33 € from each of the three); the
    # two cannot pay 4,000 € with 3,200. Raised to 2,000 € each (add1), project 3 fits too and
    # the fund is spent; the majority, with 666.67 € each left, cannot afford project 2.
    assert "Funded in round 1: each of its 3 supporters paid €1,333.33." in page
    assert "Funded in round 2: each of its 2 supporters paid €2,000.00." in page
    assert "its 3 supporters had €2,000.00 left together, less than its cost of €4,000.00" in page
    assert "€1,600.00 each" in page and "raised 400 times, to €2,000.00" in page
    # Compared: who is funded by one rule and not the other, and the voters satisfied.
    assert "Only by most votes first" in page and "Only by equal shares" in page
    assert "3 (60 %)" in page and "5 (100 %)" in page
    assert page.count("<svg") == 2 and 'role="img"' in page and "<desc" in page
    assert "add1" in page and "cost satisfaction" in page
    for project in (p1, p2, p3):
        project.refresh_from_db()
    assert (p1.funded, p2.funded, p3.funded) == (True, False, True)


def test_the_italian_results_speak_plainly(client, people):
    """No jargon of the trade or names of libraries on a page residents read."""
    budget, _projects = classic(people)
    client.cookies["django_language"] = "it"
    page = text(client.get(url(budget, "results/")))
    assert "Metodo delle quote uguali" in page
    for word in ("greedy", "MES", "pabutools"):
        assert word not in page, word


def test_the_results_page_is_a_constant_number_of_queries(client, people):
    """The budget, its projects (the tally is stored), besides session, user and roles."""
    counts = []
    for size in (3, 30):
        budget, projects = voting_budget(
            people["coop"], people["staff"], costs=["100.00"] * size, title=f"B{size}"
        )
        for n, voter in enumerate(residents(people, size, prefix=f"v{size}-")):
            vote(budget, voter, projects[n : n + 3])
        budget = count(budget, people["staff"])
        client.force_login(people["member"])
        with CaptureQueriesContext(connection) as captured:
            page = client.get(url(budget, "results/"))
        assert page.status_code == 200
        counts.append(len(captured))
    assert counts[0] == counts[1], counts


def test_the_project_page_explains_its_result_and_staff_link_the_follow_up(client, people):
    budget, (p1, p2, _p3) = classic(people)
    project = make_project(people["coop"], people["staff"], title="Rampa in sala 2")
    page = text(client.get(url(budget, f"projects/{p2.pk}/")))
    assert "No. 2 by votes (3 votes)" in page and "Dropped in round" in page
    client.force_login(people["staff"])
    page = text(client.get(url(budget, f"projects/{p1.pk}/")))
    assert "Project that carries it out" in page
    assert "Project that carries it out" not in text(client.get(url(budget, f"projects/{p2.pk}/")))
    response = client.post(
        url(budget, f"projects/{p1.pk}/follow-up/"), {"follow-follow_up": project.pk}
    )
    assert response.status_code == 302
    p1.refresh_from_db()
    assert p1.follow_up == project
    page = text(client.get(url(budget)))
    assert f'href="/c/alpha/projects/{project.pk}/"' in page


def test_refused_projects_show_their_public_reason(client, people):
    staff = people["staff"]
    budget = make_budget(people["coop"], staff)
    project = propose(budget, people["member"], "Un bar in sala 2")
    refuse(project, staff, "La sala è vincolata dalla Soprintendenza.")
    assert "vincolata dalla Soprintendenza" in text(client.get(url(budget)))
