"""Supports, merges and decisions at the same instant, on real threads with their own database
connections (as concurrent requests): no support is lost or counted twice, a person supports a
need once however fast they click, the board is told once and a proposal becomes one project.
Runs on SQLite (transactions BEGIN IMMEDIATE: they queue for the write lock) and on PostgreSQL
(DATABASE_URL=postgres://…: row locks, the unique constraints and UPDATE … SET n = n + 1).

Transactional tests empty the tables afterwards: the territory comes back with the ``people``
fixture (``territory``) and the shared indicators with ``catalogue_load``."""

from __future__ import annotations

import pytest
from django.contrib.auth import get_user_model

from comunitas.core.coops.services import role_grant
from comunitas.core.errors import ValidationError
from comunitas.core.models import RoleKind, StatuteParameters
from comunitas.projects.models import (
    Indicator,
    Need,
    NeedStatus,
    NeedSupport,
    Project,
    Proposal,
    ProposalStatus,
    ProposalSupport,
)
from comunitas.projects.needs import services as needs_services
from comunitas.projects.projects import services as project_services
from comunitas.projects.projects.catalogue import catalogue_load
from comunitas.projects.proposals import services as proposals_services
from tests.helpers import make_need, make_proposal, make_user, run_together

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture(autouse=True)
def catalogue(people):
    """The shared indicators, emptied by an earlier transactional test."""
    catalogue_load()


def crowd(n: int) -> list:
    return [make_user(f"neighbour{i}") for i in range(n)]


def as_user(username: str, service, **kwargs):
    """A job as a request runs it: its own copy of the user, the object read afresh."""

    def job():
        actor = get_user_model().objects.get(username=username)
        return service(actor=actor, **kwargs)

    return job


def test_many_people_supporting_one_need_at_once_are_all_counted(people):
    need = make_need(people["coop"], people["resident"])
    users = crowd(12)
    results = run_together(
        [as_user(u.username, needs_services.need_support, need=need) for u in users]
    )
    assert all(isinstance(r, NeedSupport) for r in results), results
    need.refresh_from_db()
    assert need.support_count == 12 == NeedSupport.objects.filter(need=need).count()


def test_the_same_person_supporting_twice_at_once_counts_once(people):
    need = make_need(people["coop"], people["resident"])
    results = run_together(
        [as_user("member1", needs_services.need_support, need=need) for _ in range(6)]
    )
    won = [r for r in results if isinstance(r, NeedSupport)]
    refused = [r for r in results if isinstance(r, ValidationError)]
    assert len(won) == 1 and len(refused) == 5, results
    assert all("You already support this need." in str(r) for r in refused)
    need.refresh_from_db()
    assert need.support_count == 1 == NeedSupport.objects.filter(need=need).count()


def test_supports_and_withdrawals_at_once_keep_the_count_equal_to_the_rows(people):
    need = make_need(people["coop"], people["resident"])
    users = crowd(10)
    for user in users[:5]:
        needs_services.need_support(actor=user, need=need)
    jobs = [as_user(u.username, needs_services.need_unsupport, need=need) for u in users[:5]]
    jobs += [as_user(u.username, needs_services.need_support, need=need) for u in users[5:]]
    results = run_together(jobs)
    assert not any(isinstance(r, Exception) for r in results), results
    need.refresh_from_db()
    assert need.support_count == 5 == NeedSupport.objects.filter(need=need).count()
    supporters = set(NeedSupport.objects.filter(need=need).values_list("user_id", flat=True))
    assert supporters == {u.pk for u in users[5:]}


def test_merging_a_pair_both_ways_at_once_merges_once_and_loses_nobody(people):
    coop = people["coop"]
    first = make_need(coop, people["resident"])
    second = make_need(coop, people["member"])
    users = crowd(4)
    for user in users[:3]:
        needs_services.need_support(actor=user, need=first)
    for user in users[1:]:
        needs_services.need_support(actor=user, need=second)
    results = run_together(
        [
            as_user("staff1", needs_services.need_merge, duplicate=first, into=second),
            as_user("admin1", needs_services.need_merge, duplicate=second, into=first),
        ]
    )
    merged = [r for r in results if isinstance(r, Need)]
    refused = [r for r in results if isinstance(r, ValidationError)]
    assert len(merged) == 1 and len(refused) == 1, results
    target = Need.objects.get(pk=merged[0].pk)
    duplicate = Need.objects.get(pk=({first.pk, second.pk} - {target.pk}).pop())
    assert duplicate.status == NeedStatus.MERGED and duplicate.merged_into == target
    assert duplicate.support_count == 0 and not duplicate.supports.exists()
    followers = set(target.supports.values_list("user_id", flat=True))
    expected = {u.pk for u in users} | {people["resident"].pk, people["member"].pk}
    assert followers == expected - {target.submitted_by_id}
    assert target.support_count == len(followers)


def test_the_board_is_told_once_when_supports_cross_the_threshold_together(people, mailoutbox):
    coop = people["coop"]
    StatuteParameters.objects.filter(coop=coop).update(proposal_support_threshold=3)
    need = make_need(coop, people["resident"])
    proposal = make_proposal(coop, people["member"], [need])
    users = crowd(8)
    results = run_together(
        [as_user(u.username, proposals_services.proposal_support, proposal=proposal) for u in users]
    )
    assert all(isinstance(r, ProposalSupport) for r in results), results
    proposal = Proposal.objects.get(pk=proposal.pk)
    assert proposal.status == ProposalStatus.BOARD_REVIEW
    assert proposal.support_count == 8 == ProposalSupport.objects.filter(proposal=proposal).count()
    board = [m for m in mailoutbox if "awaits the board" in m.subject]
    assert [m.to for m in board] == [["admin1@example.org"]], [m.subject for m in mailoutbox]


def test_two_board_members_accepting_at_once_make_one_project(people):
    coop = people["coop"]
    need = make_need(coop, people["resident"])
    proposal = make_proposal(coop, people["member"], [need])
    role_grant(actor=people["admin"], coop=coop, user=make_user("admin2"), kind=RoleKind.ADMIN)
    results = run_together(
        [
            as_user(name, proposals_services.proposal_decide, proposal=proposal, decision="accept")
            for name in ("admin1", "admin2", "admin1")
        ]
    )
    made = [r for r in results if isinstance(r, Project)]
    assert len(made) == 1, results
    assert all(isinstance(r, ValidationError) for r in results if r not in made), results
    assert Project.objects.filter(proposal=proposal).count() == 1
    assert Proposal.objects.get(pk=proposal.pk).status == ProposalStatus.ACCEPTED


def test_the_same_indicator_code_created_at_once_is_refused_not_an_error(people):
    fields = {
        "code": "guided-tours",
        "name": "Visite guidate",
        "kind": "economic",
        "unit": "visite",
        "method": "Biglietti venduti.",
    }
    results = run_together(
        [
            as_user("staff1", project_services.indicator_create, coop=people["coop"], **fields)
            for _ in range(8)
        ]
    )
    made = [r for r in results if isinstance(r, Indicator)]
    refused = [r for r in results if isinstance(r, ValidationError)]
    assert len(made) == 1 and len(refused) == 7, results
    assert all("code" in r.as_dict() for r in refused)
    assert Indicator.objects.filter(coop=people["coop"], code="guided-tours").count() == 1
