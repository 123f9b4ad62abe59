"""Participatory budgets' services: setting one up, the phases and their checks, proposing and
reviewing projects, ballots (each refusal names its field and records nothing), the count by
both rules and the follow-up of the funded projects, with their audit rows."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

import pytest
from django.utils import timezone

from comunitas.core.coops.services import role_grant
from comunitas.core.models import AuditEntry
from comunitas.decisions.budgets import services
from comunitas.decisions.budgets.selectors import budget_tally
from comunitas.decisions.models.budgets import (
    BudgetBallot,
    BudgetChoice,
    BudgetPhase,
    BudgetProject,
    BudgetReviewStatus,
    ParticipatoryBudget,
)
from tests.decisions.budgets.matrix import (
    count,
    feasible,
    make_budget,
    open_vote,
    propose,
    refuse,
    vote,
    voting_budget,
)
from tests.helpers import assert_refused, make_need, make_project, make_proposal, make_user

pytestmark = pytest.mark.django_db


def nothing_recorded(budget, before: int) -> None:
    assert not BudgetBallot.objects.filter(budget=budget).exists()
    assert not BudgetChoice.objects.filter(ballot__budget=budget).exists()
    assert AuditEntry.objects.count() == before
    budget.refresh_from_db()
    assert budget.ballot_count == 0


# --- setting up ---------------------------------------------------------------------------------
def test_a_budget_is_set_up_collecting_and_audited(people):
    budget = make_budget(people["coop"], people["staff"], amount=Decimal("12500.50"))
    assert budget.phase == BudgetPhase.COLLECTING
    assert budget.amount == Decimal("12500.50") and budget.created_by == people["staff"]
    entry = AuditEntry.objects.get(action="budget.create")
    assert entry.changes["amount"]["after"] == "12500.50"
    assert entry.changes["earmark_reference"]["after"].startswith("Assemblea")


@pytest.mark.parametrize(
    ("fields", "field", "message"),
    [
        ({"amount": Decimal("0")}, "amount", "more than zero"),
        ({"amount": Decimal("-5")}, "amount", "more than zero"),
        ({"amount": Decimal("10.005")}, "amount", "to the cent"),
        ({"amount": Decimal("1e15")}, "amount", "more than zero"),
        ({"title": "  "}, "title", "blank"),
        ({"earmark_reference": ""}, "earmark_reference", "blank"),
        ({"method": "knapsack", "max_choices": 3}, "max_choices", "knapsack"),
        ({"max_choices": 0}, "max_choices", "from 1"),
        ({"method": "ranked"}, "method", "approval or knapsack"),
        ({"audience": "everyone"}, "audience", "who votes"),
        ({"official_rule": "random"}, "official_rule", "official result"),
    ],
)
def test_a_bad_budget_is_refused_on_its_field(people, fields, field, message):
    assert_refused(make_budget, people["coop"], people["staff"], on=field, saying=message, **fields)
    assert not ParticipatoryBudget.objects.exists()


def test_a_budget_has_no_other_fields(people):
    # The service's keywords are the budget's fields: any other is refused by name.
    with pytest.raises(TypeError, match="'colour'"):
        make_budget(people["coop"], people["staff"], colour="red")
    assert not ParticipatoryBudget.objects.exists()


def test_the_vote_must_close_after_it_opens(people):
    now = timezone.now()
    assert_refused(
        make_budget,
        people["coop"],
        people["staff"],
        on="voting_closes_at",
        saying="close after it opens",
        voting_opens_at=now,
        voting_closes_at=now,
    )


def test_the_rules_are_fixed_once_the_vote_is_prepared_but_the_texts_are_not(people):
    staff = people["staff"]
    budget, _projects = voting_budget(people["coop"], staff)
    assert_refused(
        services.budget_update,
        on="amount",
        saying="no longer change",
        actor=staff,
        budget=budget,
        fields={"amount": Decimal("99999.00")},
    )
    assert_refused(
        services.budget_update,
        on="official_rule",
        saying="no longer change",
        actor=staff,
        budget=budget,
        fields={"official_rule": "greedy"},
    )
    # The same value again is no change.
    services.budget_update(actor=staff, budget=budget, fields={"amount": budget.amount})
    budget = services.budget_update(actor=staff, budget=budget, fields={"title": "Nuovo titolo"})
    assert budget.title == "Nuovo titolo"
    assert AuditEntry.objects.filter(action="budget.update").count() == 2  # dates, then title


# --- phases -------------------------------------------------------------------------------------
def test_the_phases_move_in_order_and_each_move_is_audited(people):
    staff, coop = people["staff"], people["coop"]
    budget = make_budget(coop, staff)
    assert_refused(
        services.budget_phase_set,
        on="phase",
        saying="cannot move",
        actor=staff,
        budget=budget,
        phase="voting",
    )
    assert_refused(
        services.budget_phase_set,
        on="phase",
        saying="cannot move",
        actor=staff,
        budget=budget,
        phase="results",
    )
    assert_refused(
        services.budget_phase_set,
        on="phase",
        saying="phase of the budget",
        actor=staff,
        budget=budget,
        phase="x",
    )
    budget = services.budget_phase_set(actor=staff, budget=budget, phase="review")
    budget = services.budget_phase_set(actor=staff, budget=budget, phase="collecting")
    assert budget.phase == "collecting"
    assert AuditEntry.objects.filter(action="budget.phase").count() == 2


def test_the_vote_does_not_open_before_every_project_is_reviewed_and_one_is_feasible(people):
    staff, coop = people["staff"], people["coop"]
    now = timezone.now()
    budget = make_budget(coop, staff)
    waiting = propose(budget, people["member"], "Sedute nuove")
    budget = services.budget_phase_set(actor=staff, budget=budget, phase="review")
    error = assert_refused(
        services.budget_phase_set,
        on=None,
        saying="Review every project",
        actor=staff,
        budget=budget,
        phase="voting",
    )
    messages = [e.message for e in error.errors]
    assert any("dates" in m or "opens" in m for m in messages)  # every problem at once
    refuse(waiting, staff)
    assert_refused(
        services.budget_phase_set,
        on=None,
        saying="feasible project",
        actor=staff,
        budget=budget,
        phase="voting",
    )
    services.budget_update(
        actor=staff,
        budget=budget,
        fields={
            "voting_opens_at": now - timedelta(days=3),
            "voting_closes_at": now - timedelta(days=1),
        },
    )
    budget.refresh_from_db()
    problems = services.voting_blockers(budget)
    assert [p.field for p in problems] == [None, "voting_closes_at"]
    assert budget.phase == "review"


def test_closing_the_vote_early_closes_it_now_and_counts(people):
    staff = people["staff"]
    budget, (first, second) = voting_budget(people["coop"], staff)
    vote(budget, people["member"], [first])
    vote(budget, people["resident"], [first, second])
    before = timezone.now()
    budget = count(budget, staff)
    assert budget.phase == BudgetPhase.RESULTS
    assert before <= budget.voting_closes_at <= timezone.now()
    assert budget.tally["voters"] == 2
    assert budget.tally["projects"][str(first.pk)]["votes"] == 2
    first.refresh_from_db()
    second.refresh_from_db()
    assert (first.votes, first.funded, second.votes, second.funded) == (2, True, 1, True)
    entry = AuditEntry.objects.get(action="budget.count")
    assert entry.changes["funded"]["after"] == sorted([first.pk, second.pk])
    # Counted once: moving on to the follow-up, the tally stays as it was.
    stored = budget.tally
    budget = services.budget_phase_set(actor=staff, budget=budget, phase="follow_up")
    assert budget.tally == stored


def test_a_count_that_did_not_finish_is_run_again_by_moving_to_the_results(people):
    staff = people["staff"]
    budget, (first, _second) = voting_budget(people["coop"], staff)
    vote(budget, people["member"], [first])
    ParticipatoryBudget.objects.filter(pk=budget.pk).update(phase="results")  # as if it crashed
    budget.refresh_from_db()
    assert budget.tally is None
    budget = services.budget_phase_set(actor=staff, budget=budget, phase="results")
    assert budget.tally["voters"] == 1


def test_the_official_rule_decides_which_projects_are_funded(people):
    """The classic example: 3 voters want projects 1 and 2, 2 voters want 3; a fund for two.
    By votes 1 and 2; by equal shares one of the majority's and the minority's."""
    staff, coop = people["staff"], people["coop"]
    voters = [people["member"], people["resident"], people["admin"]]
    for n in range(2):
        user = make_user(f"vicino{n}")
        role_grant(actor=people["admin"], coop=coop, user=user, kind="resident")
        voters.append(user)
    for rule, expected in [("greedy", {0, 1}), ("equal_shares", {0, 2})]:
        budget, projects = voting_budget(
            coop,
            staff,
            costs=("4000.00", "4000.00", "4000.00"),
            official_rule=rule,
            amount=Decimal("8000.00"),
            title=f"Bilancio {rule}",
        )
        for voter in voters[:3]:
            vote(budget, voter, projects[:2])
        for voter in voters[3:]:
            vote(budget, voter, projects[2:])
        budget = count(budget, staff)
        funded = {i for i, p in enumerate(projects) if BudgetProject.objects.get(pk=p.pk).funded}
        assert funded == expected, rule
        assert budget.tally["rules"]["greedy"]["satisfied"] == 3
        assert budget.tally["rules"]["equal_shares"]["satisfied"] == 5


# --- projects -----------------------------------------------------------------------------------
def test_anyone_with_a_role_proposes_a_project_of_the_coops_proposal_or_need(people):
    coop = people["coop"]
    budget = make_budget(coop, people["staff"])
    need = make_need(coop, people["resident"])
    proposal = make_proposal(coop, people["member"], [need])
    project = propose(
        budget, people["resident"], "Navetta", "1500.00", proposal=proposal, need=need
    )
    assert (
        project.status == BudgetReviewStatus.PROPOSED and project.proposed_by == people["resident"]
    )
    assert project.cost == Decimal("1500.00")
    entry = AuditEntry.objects.get(action="budget_project.propose")
    assert entry.changes["need"]["after"] == need.pk


def test_a_project_is_refused_outside_collection_or_with_another_coops_links(people):
    coop, other, stranger = people["coop"], people["other"], people["stranger"]
    budget = make_budget(coop, people["staff"])
    foreign_need = make_need(other, stranger)
    foreign_proposal = make_proposal(other, stranger, [foreign_need])
    assert_refused(
        propose, budget, people["member"], on="need", saying="this cooperative", need=foreign_need
    )
    assert_refused(
        propose,
        budget,
        people["member"],
        on="proposal",
        saying="this cooperative",
        proposal=foreign_proposal,
    )
    assert_refused(
        propose, budget, people["member"], on="estimated_cost", saying="more than zero", cost="0"
    )
    services.budget_phase_set(actor=people["staff"], budget=budget, phase="review")
    assert_refused(propose, budget, people["member"], on=None, saying="no longer collects")
    assert not BudgetProject.objects.exists()


def test_staff_review_gives_the_cost_or_a_public_reason(people):
    staff = people["staff"]
    budget = make_budget(people["coop"], staff)
    project = propose(budget, people["member"])
    assert_refused(
        services.budget_project_review,
        on="reviewed_cost",
        saying="cost the project will have",
        actor=staff,
        project=project,
        status="feasible",
    )
    assert_refused(
        services.budget_project_review,
        on="reviewed_cost",
        saying="more than the whole budget",
        actor=staff,
        project=project,
        status="feasible",
        reviewed_cost=Decimal("10000.01"),
    )
    assert_refused(
        services.budget_project_review,
        on="review_reason",
        saying="publicly why",
        actor=staff,
        project=project,
        status="not_feasible",
    )
    assert_refused(
        services.budget_project_review,
        on="status",
        saying="feasible",
        actor=staff,
        project=project,
        status="maybe",
    )
    project = feasible(project, staff, "3800.00")
    assert project.status == BudgetReviewStatus.FEASIBLE and project.cost == Decimal("3800.00")
    project = refuse(project, staff, "Serve il permesso dei Vigili del Fuoco.")
    assert project.status == BudgetReviewStatus.NOT_FEASIBLE
    entry = AuditEntry.objects.filter(action="budget_project.review").latest("id")
    assert entry.changes["status"] == {"before": "feasible", "after": "not_feasible"}


def test_no_review_once_the_vote_is_prepared(people):
    staff = people["staff"]
    _budget, (first, _second) = voting_budget(people["coop"], staff)
    assert_refused(feasible, first, staff, "10.00", on=None, saying="no longer be reviewed")


def test_follow_up_links_a_funded_project_to_one_of_the_coops_projects(people):
    staff, coop = people["staff"], people["coop"]
    budget, (first, second) = voting_budget(coop, staff, costs=("6000.00", "6000.00"))
    mine = make_project(coop, staff)
    assert_refused(
        services.budget_project_follow_up,
        on=None,
        saying="once the results",
        actor=staff,
        project=first,
        follow_up=mine,
    )
    vote(budget, people["member"], [first])
    count(budget, staff)
    first.refresh_from_db()
    second.refresh_from_db()
    assert first.funded and second.funded is False
    foreign = make_project(people["other"], people["stranger"])
    assert_refused(
        services.budget_project_follow_up,
        on="follow_up",
        saying="this cooperative",
        actor=staff,
        project=first,
        follow_up=foreign,
    )
    assert_refused(
        services.budget_project_follow_up,
        on=None,
        saying="Only a funded project",
        actor=staff,
        project=second,
        follow_up=mine,
    )
    linked = services.budget_project_follow_up(actor=staff, project=first, follow_up=mine)
    assert linked.follow_up == mine
    assert (
        AuditEntry.objects.get(action="budget_project.follow_up").changes["follow_up"]["after"]
        == mine.pk
    )
    assert (
        services.budget_project_follow_up(actor=staff, project=first, follow_up=None).follow_up
        is None
    )


# --- ballots ------------------------------------------------------------------------------------
def test_a_ballot_is_cast_once_with_the_voters_role_and_audited_without_its_choices(people):
    budget, (first, second) = voting_budget(people["coop"], people["staff"])
    ballot = vote(budget, people["resident"], [second, first, second])
    assert ballot.role == "resident" and ballot.total_cost == Decimal("3000.00")
    assert sorted(ballot.choices.values_list("project_id", flat=True)) == sorted(
        [first.pk, second.pk]
    )
    budget.refresh_from_db()
    assert budget.ballot_count == 1
    entry = AuditEntry.objects.get(action="budget.vote")
    assert entry.actor == people["resident"] and entry.object_id == str(ballot.pk)
    assert set(entry.changes) == {"budget", "projects_chosen", "total_cost"}
    assert entry.changes["projects_chosen"]["after"] == 2  # how many, never which
    audits = AuditEntry.objects.count()
    assert_refused(vote, budget, people["resident"], [first], on=None, saying="already voted")
    assert AuditEntry.objects.count() == audits
    assert BudgetBallot.objects.filter(budget=budget).count() == 1


@pytest.mark.parametrize(
    ("case", "field", "message"),
    [
        ("empty", "projects", "at least one"),
        ("unknown", "projects", "is not on the ballot"),
        ("other budget", "projects", "is not on the ballot"),
        ("not feasible", "projects", "is not on the ballot"),
        ("too many", "projects", "at most 1"),
    ],
)
def test_a_bad_ballot_names_the_projects_field_and_records_nothing(people, case, field, message):
    staff, coop = people["staff"], people["coop"]
    budget = make_budget(coop, staff, max_choices=1)
    first = feasible(propose(budget, staff, "Uno", "1000.00"), staff)
    second = feasible(propose(budget, staff, "Due", "1000.00"), staff)
    refused = refuse(propose(budget, staff, "Tre", "1000.00"), staff)
    budget = open_vote(budget, staff)
    _other, (foreign, _) = voting_budget(coop, staff, title="Altro bilancio")
    chosen = {
        "empty": [],
        "unknown": [987_654],
        "other budget": [foreign.pk],
        "not feasible": [refused.pk],
        "too many": [first.pk, second.pk],
    }[case]
    audits = AuditEntry.objects.count()
    assert_refused(
        services.budget_vote,
        on=field,
        saying=message,
        actor=people["member"],
        budget=budget,
        project_ids=chosen,
    )
    nothing_recorded(budget, audits)


def test_a_knapsack_ballot_over_the_budget_is_refused_and_one_within_it_is_not(people):
    staff = people["staff"]
    budget, projects = voting_budget(
        people["coop"], staff, costs=("6000.00", "3000.00", "1500.00"), method="knapsack"
    )
    audits = AuditEntry.objects.count()
    error = assert_refused(
        vote, budget, people["member"], projects, on="projects", saying="more than the"
    )
    assert "10,500.00" in error.errors[0].message and "500.00" in error.errors[0].message
    nothing_recorded(budget, audits)
    ballot = vote(budget, people["member"], projects[:2])
    assert ballot.total_cost == Decimal("9000.00")
    # Exactly the budget fits too.
    budget2, exact = voting_budget(
        people["coop"], staff, costs=("6000.00", "4000.00"), method="knapsack", title="Esatto"
    )
    assert vote(budget2, people["member"], exact).total_cost == Decimal("10000.00")


def test_votes_are_refused_outside_the_vote_even_before_staff_move_the_phase(people):
    staff, member = people["staff"], people["member"]
    budget, (first, _second) = voting_budget(people["coop"], staff)
    now = timezone.now()
    audits = AuditEntry.objects.count()
    # Past the close, still in the voting phase: refused.
    ParticipatoryBudget.objects.filter(pk=budget.pk).update(
        voting_closes_at=now - timedelta(minutes=1)
    )
    assert_refused(vote, budget, member, [first], on=None, saying="closed on")
    # Before the opening: refused too.
    ParticipatoryBudget.objects.filter(pk=budget.pk).update(
        voting_opens_at=now + timedelta(hours=1), voting_closes_at=now + timedelta(days=1)
    )
    assert_refused(vote, budget, member, [first], on=None, saying="opens on")
    nothing_recorded(budget, audits)
    # Collecting, or counted: refused.
    collecting = make_budget(people["coop"], staff, title="Nuovo")
    assert_refused(
        services.budget_vote,
        on=None,
        saying="not open yet",
        actor=member,
        budget=collecting,
        project_ids=[first.pk],
    )


@pytest.mark.parametrize(
    ("audience", "allowed"),
    [
        ("members", {"admin", "staff", "member"}),
        ("residents", {"resident"}),
        ("both", {"admin", "staff", "member", "resident"}),
    ],
)
def test_only_the_audience_votes(people, audience, allowed):
    staff = people["staff"]
    budget, (first, _second) = voting_budget(people["coop"], staff, audience=audience)
    for who in ("admin", "staff", "member", "resident"):
        if who in allowed:
            assert vote(budget, people[who], [first]).role == who
        else:
            assert_refused(vote, budget, people[who], [first], on=None, saying="Only the")
    # Someone without a role in the cooperative is no voter either.
    assert_refused(vote, budget, people["stranger"], [first], on=None, saying="Only the")


# --- the count reads the database in a constant number of queries ---------------------------------
def test_the_count_reads_every_ballot_in_two_queries(people, django_assert_num_queries):
    """The projects on the ballot, then every choice of every ballot: 2 queries for 3 ballots as
    for 30."""
    staff, coop = people["staff"], people["coop"]
    for size in (3, 30):
        budget, projects = voting_budget(
            coop, staff, costs=[f"{100 * (n + 1)}.00" for n in range(size)], title=f"B{size}"
        )
        for n in range(size):
            user = make_user(f"elettore{size}-{n}")
            role_grant(actor=people["admin"], coop=coop, user=user, kind="resident")
            vote(budget, user, projects[n % size : n % size + 2])
        with django_assert_num_queries(2):
            tally = budget_tally(budget=budget)
        assert tally.voters == size
