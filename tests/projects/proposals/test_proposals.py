"""Proposals through their services: what they may answer and use, the support threshold of
the statute that puts them on the board's agenda, comments, withdrawal and the board's three
answers (an accepted proposal becomes a project with its needs, resource and estimates)."""

from __future__ import annotations

from decimal import Decimal

import pytest

from comunitas.core.coops.services import role_grant, statute_create
from comunitas.core.models import AuditEntry, Municipality, RoleKind
from comunitas.projects.models import (
    BudgetLine,
    NeedStatus,
    Project,
    Proposal,
    ProposalComment,
    ProposalStatus,
    ProposalSupport,
)
from comunitas.projects.needs import services as needs_services
from comunitas.projects.proposals import services as proposals_services
from tests.helpers import (
    STATUTE_FORM,
    assert_refused,
    make_need,
    make_proposal,
    make_resource,
    make_user,
)

pytestmark = pytest.mark.django_db


def fresh(proposal: Proposal) -> Proposal:
    return Proposal.objects.get(pk=proposal.pk)


@pytest.fixture
def threshold_two(people):
    """The statute in force says two supports put a proposal on the board's agenda."""
    statute_create(
        actor=people["admin"],
        coop=people["coop"],
        **{**STATUTE_FORM, "valid_from": "2025-01-01", "proposal_support_threshold": 2},
    )
    assert proposals_services.support_threshold(people["coop"]) == 2


@pytest.fixture
def need(people):
    return make_need(people["coop"], people["resident"])


@pytest.fixture
def proposal(people, need):
    return make_proposal(people["coop"], people["member"], [need])


# --- submission ---------------------------------------------------------------------------------
def test_a_member_proposes_an_answer_to_a_need(people, need):
    resource = make_resource(people["coop"], people["admin"])
    proposal = make_proposal(people["coop"], people["member"], [need], resource=resource)
    proposal = fresh(proposal)
    assert proposal.status == ProposalStatus.OPEN
    assert proposal.proposed_by == people["member"]
    assert list(proposal.needs.all()) == [need]
    assert proposal.resource == resource
    assert proposal.estimated_costs == Decimal("18000.00")
    assert proposal.support_count == 0
    assert AuditEntry.objects.filter(action="proposal.submit", object_id=str(proposal.pk)).exists()


def test_needs_of_another_cooperative_are_refused_and_nothing_is_saved(people, need):
    foreign = make_need(people["other"], people["stranger"])
    assert_refused(
        lambda: make_proposal(people["coop"], people["member"], [need, foreign]), on="needs"
    )
    assert_refused(lambda: make_proposal(people["coop"], people["member"], []), on="needs")
    assert not Proposal.objects.exists()
    assert not AuditEntry.objects.filter(action="proposal.submit").exists()


@pytest.mark.parametrize("status", [NeedStatus.DECLINED, NeedStatus.MERGED])
def test_a_declined_or_merged_need_cannot_be_answered(people, need, status):
    if status == NeedStatus.DECLINED:
        needs_services.need_set_status(
            actor=people["staff"], need=need, status=status, reason="No."
        )
    else:
        other = make_need(people["coop"], people["admin"])
        needs_services.need_merge(actor=people["staff"], duplicate=need, into=other)
    need.refresh_from_db()
    assert_refused(lambda: make_proposal(people["coop"], people["member"], [need]), on="needs")
    assert not Proposal.objects.exists()


def test_a_resource_of_another_cooperative_is_refused(people, need):
    foreign = make_resource(
        people["other"], people["stranger"], municipality=Municipality.objects.get(pk="066004")
    )
    assert_refused(
        lambda: make_proposal(people["coop"], people["member"], [need], resource=foreign),
        on="resource",
    )
    assert not Proposal.objects.exists()


@pytest.mark.parametrize(
    ("fields", "field"),
    [
        ({"estimated_costs": Decimal("-0.01")}, "estimated_costs"),
        ({"estimated_revenues": Decimal("-100")}, "estimated_revenues"),
        ({"estimated_costs": Decimal("1.001")}, "estimated_costs"),
        ({"volunteers_needed": -1}, "volunteers_needed"),
        ({"title": " "}, "title"),
        ({"title": "x" * 201}, "title"),
        ({"description": "x" * 5001}, "description"),
    ],
)
def test_bad_figures_and_text_are_refused(people, need, fields, field):
    assert_refused(
        lambda: make_proposal(people["coop"], people["member"], [need], **fields), on=field
    )
    assert not Proposal.objects.exists()


# --- supports and the threshold -----------------------------------------------------------------
def test_without_a_statute_in_force_the_threshold_is_ten(people):
    """The cooperative's first statute takes the default; the service reads it."""
    assert proposals_services.support_threshold(people["coop"]) == 10


def test_the_support_that_reaches_the_threshold_puts_it_before_the_board_once(
    people, proposal, threshold_two, mailoutbox, django_capture_on_commit_callbacks
):
    coop = people["coop"]
    second_admin = make_user("admin2")
    role_grant(actor=people["admin"], coop=coop, user=second_admin, kind=RoleKind.ADMIN)
    with django_capture_on_commit_callbacks(execute=True):
        proposals_services.proposal_support(actor=people["staff"], proposal=proposal)
    assert fresh(proposal).status == ProposalStatus.OPEN
    assert mailoutbox == []

    with django_capture_on_commit_callbacks(execute=True):
        proposals_services.proposal_support(actor=people["resident"], proposal=proposal)
    proposal = fresh(proposal)
    assert proposal.status == ProposalStatus.BOARD_REVIEW
    assert proposal.support_count == 2 and proposal.review_due_since is not None
    assert sorted(m.to[0] for m in mailoutbox) == ["admin1@example.org", "admin2@example.org"]
    assert all(proposal.title in m.subject for m in mailoutbox)

    # More supports, or one taken back and given again, do not tell the board again.
    with django_capture_on_commit_callbacks(execute=True):
        proposals_services.proposal_support(actor=people["admin"], proposal=proposal)
        proposals_services.proposal_unsupport(actor=people["resident"], proposal=proposal)
        proposals_services.proposal_support(actor=people["resident"], proposal=proposal)
    assert len(mailoutbox) == 2
    proposal = fresh(proposal)
    assert proposal.status == ProposalStatus.BOARD_REVIEW and proposal.support_count == 3


def test_a_support_is_given_once_and_not_by_the_proposer(people, proposal):
    proposals_services.proposal_support(actor=people["staff"], proposal=proposal)
    assert_refused(
        lambda: proposals_services.proposal_support(actor=people["staff"], proposal=proposal),
        saying="You already support this proposal.",
    )
    assert_refused(
        lambda: proposals_services.proposal_support(actor=people["member"], proposal=proposal)
    )
    assert fresh(proposal).support_count == 1
    assert ProposalSupport.objects.filter(proposal=proposal).count() == 1


def test_unsupporting_keeps_the_count_equal_to_the_rows(people, proposal):
    proposals_services.proposal_support(actor=people["staff"], proposal=proposal)
    proposals_services.proposal_unsupport(actor=people["staff"], proposal=proposal)
    assert_refused(
        lambda: proposals_services.proposal_unsupport(actor=people["staff"], proposal=proposal)
    )
    assert fresh(proposal).support_count == 0
    assert not ProposalSupport.objects.exists()


# --- comments -----------------------------------------------------------------------------------
def test_comments_are_kept_as_typed_and_bad_ones_refused(people, proposal):
    comment = proposals_services.proposal_comment(
        actor=people["resident"], proposal=proposal, text="<b>Ottimo</b>, ci sto!"
    )
    assert ProposalComment.objects.get(pk=comment.pk).text == "<b>Ottimo</b>, ci sto!"
    assert_refused(
        lambda: proposals_services.proposal_comment(
            actor=people["resident"], proposal=proposal, text=" "
        ),
        on="text",
    )
    assert_refused(
        lambda: proposals_services.proposal_comment(
            actor=people["resident"], proposal=proposal, text="x" * 2001
        ),
        on="text",
    )
    assert ProposalComment.objects.count() == 1


@pytest.mark.parametrize("ending", ["withdraw", "decline", "accept"])
def test_a_withdrawn_or_decided_proposal_no_longer_changes(people, proposal, ending):
    if ending == "withdraw":
        proposals_services.proposal_withdraw(actor=people["member"], proposal=proposal)
    else:
        proposals_services.proposal_decide(
            actor=people["admin"], proposal=proposal, decision=ending, reason="Il cda."
        )
    # Each attempt reads the proposal afresh, as the request that makes it would.
    attempts = [
        lambda: proposals_services.proposal_comment(
            actor=people["resident"], proposal=fresh(proposal), text="Ok"
        ),
        lambda: proposals_services.proposal_support(
            actor=people["resident"], proposal=fresh(proposal)
        ),
        lambda: proposals_services.proposal_update(
            actor=people["member"], proposal=fresh(proposal), fields={"title": "Altro"}
        ),
        lambda: proposals_services.proposal_withdraw(
            actor=people["member"], proposal=fresh(proposal)
        ),
        lambda: proposals_services.proposal_decide(
            actor=people["admin"], proposal=fresh(proposal), decision="accept"
        ),
    ]
    status = fresh(proposal).status
    for attempt in attempts:
        assert_refused(attempt)
    proposal = fresh(proposal)
    assert proposal.status == status and proposal.title == "Riaprire la bottega"
    assert proposal.support_count == 0 and not ProposalComment.objects.exists()
    assert Project.objects.count() == (1 if ending == "accept" else 0)


def test_a_comment_sent_from_a_page_loaded_before_the_decision_is_refused(people, proposal):
    """The comment's request read the proposal while it was open; the board declined it
    before the comment was saved: the service must check the proposal as it is now."""
    page = fresh(proposal)
    proposals_services.proposal_decide(
        actor=people["admin"], proposal=proposal, decision="decline", reason="Il cda."
    )
    assert_refused(
        lambda: proposals_services.proposal_comment(
            actor=people["resident"], proposal=page, text="Ok"
        )
    )
    assert not ProposalComment.objects.exists()


def test_withdrawing_is_recorded(people, proposal):
    proposals_services.proposal_withdraw(actor=people["member"], proposal=proposal)
    assert fresh(proposal).status == ProposalStatus.WITHDRAWN
    assert AuditEntry.objects.filter(
        action="proposal.withdraw", object_id=str(proposal.pk)
    ).exists()


# --- the board's decision -----------------------------------------------------------------------
def test_accepting_makes_a_project_with_the_needs_resource_and_estimates(people, need):
    coop = people["coop"]
    second = make_need(coop, people["staff"])
    resource = make_resource(coop, people["admin"])
    proposal = make_proposal(coop, people["member"], [need, second], resource=resource)

    project = proposals_services.proposal_decide(
        actor=people["admin"], proposal=proposal, decision="accept"
    )

    proposal = fresh(proposal)
    assert proposal.status == ProposalStatus.ACCEPTED
    assert proposal.decided_by == people["admin"] and proposal.decided_at is not None
    project = Project.objects.get(pk=project.pk)
    assert project.proposal == proposal and project.coop == coop
    assert project.title == proposal.title and project.summary == proposal.description
    assert set(project.needs.all()) == {need, second}
    need.refresh_from_db()
    second.refresh_from_db()
    assert need.status == second.status == NeedStatus.ANSWERED
    assert list(project.resources.all()) == [resource]
    lines = {(b.kind, b.amount) for b in BudgetLine.objects.filter(project=project)}
    assert lines == {("cost", Decimal("18000.00")), ("revenue", Decimal("25000.00"))}
    assert AuditEntry.objects.filter(action="proposal.decide", object_id=str(proposal.pk)).exists()


def test_an_estimate_of_zero_makes_no_budget_line(people, need):
    proposal = make_proposal(people["coop"], people["member"], [need], estimated_revenues=0)
    project = proposals_services.proposal_decide(
        actor=people["admin"], proposal=proposal, decision="accept"
    )
    assert list(BudgetLine.objects.filter(project=project).values_list("kind", flat=True)) == [
        "cost"
    ]


@pytest.mark.parametrize("decision", ["changes", "decline"])
def test_asking_for_changes_or_declining_needs_a_reason(people, proposal, decision):
    assert_refused(
        lambda: proposals_services.proposal_decide(
            actor=people["admin"], proposal=proposal, decision=decision, reason="  "
        ),
        on="reason",
    )
    assert fresh(proposal).status == ProposalStatus.OPEN
    proposals_services.proposal_decide(
        actor=people["admin"], proposal=proposal, decision=decision, reason="Costi alti."
    )
    proposal = fresh(proposal)
    assert proposal.board_reason == "Costi alti."
    assert proposal.status == {"changes": "changes", "decline": "declined"}[decision]
    assert not Project.objects.exists()


def test_an_unknown_decision_is_refused(people, proposal):
    assert_refused(
        lambda: proposals_services.proposal_decide(
            actor=people["admin"], proposal=proposal, decision="maybe", reason="Boh."
        ),
        on="decision",
    )
    assert fresh(proposal).status == ProposalStatus.OPEN


def test_a_proposal_is_accepted_only_once(people, proposal):
    proposals_services.proposal_decide(actor=people["admin"], proposal=proposal, decision="accept")
    assert_refused(
        lambda: proposals_services.proposal_decide(
            actor=people["admin"], proposal=proposal, decision="decline", reason="Ripensato."
        )
    )
    assert fresh(proposal).status == ProposalStatus.ACCEPTED
    assert Project.objects.filter(proposal=proposal).count() == 1


def test_after_changes_an_update_goes_back_to_collecting_supports(people, proposal, threshold_two):
    proposals_services.proposal_support(actor=people["staff"], proposal=proposal)  # one of two
    proposals_services.proposal_decide(
        actor=people["admin"], proposal=proposal, decision="changes", reason="Più dettagli."
    )
    proposals_services.proposal_update(
        actor=people["member"], proposal=proposal, fields={"description": "Con orari e costi."}
    )
    proposal = fresh(proposal)
    assert proposal.status == ProposalStatus.OPEN
    assert proposal.description == "Con orari e costi."


def test_after_changes_an_update_with_enough_supports_goes_back_to_the_board(
    people, proposal, threshold_two
):
    for user in ("staff", "resident"):
        proposals_services.proposal_support(actor=people[user], proposal=proposal)
    assert fresh(proposal).status == ProposalStatus.BOARD_REVIEW
    proposals_services.proposal_decide(
        actor=people["admin"], proposal=proposal, decision="changes", reason="Più dettagli."
    )
    assert fresh(proposal).status == ProposalStatus.CHANGES
    proposals_services.proposal_update(
        actor=people["member"], proposal=proposal, fields={"title": "Bottega e navetta"}
    )
    proposal = fresh(proposal)
    assert proposal.status == ProposalStatus.BOARD_REVIEW
    assert proposal.title == "Bottega e navetta"


def test_an_update_cannot_answer_a_need_of_another_cooperative(people, proposal, need):
    foreign = make_need(people["other"], people["stranger"])
    assert_refused(
        lambda: proposals_services.proposal_update(
            actor=people["member"], proposal=proposal, fields={}, needs=[foreign]
        ),
        on="needs",
    )
    assert list(fresh(proposal).needs.all()) == [need]
