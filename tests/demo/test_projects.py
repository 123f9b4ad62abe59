"""The case studies' needs, proposals and projects: plausible, synthetic, consistent with the
rules the services keep, deterministic with the seed, written once.

Both tests start from the demo loaded once for tests/demo (conftest.py): the first checks much
of it, the second regenerates only two cooperatives' needs and projects. Written once: loading
again changes no row of any table (test_demo.py::test_loading_twice_changes_nothing)."""

import random
from collections import Counter

import pytest
from django.db.models import Count, F

from comunitas.core.models import Cooperative, Role, RoleKind
from comunitas.demo.generators.projects import PLANS, RESIDENTS, projects_generate
from comunitas.demo.plans import CASES
from comunitas.demo.steps import generate
from comunitas.projects.models import (
    AgeGroup,
    BudgetLine,
    Measurement,
    Milestone,
    Need,
    NeedStatus,
    NeedStatusChange,
    NeedSupport,
    Objective,
    Project,
    ProjectUpdate,
    Proposal,
    ProposalComment,
    ProposalStatus,
    ProposalSupport,
    TeamMember,
)
from comunitas.projects.needs.selectors import coverage
from comunitas.projects.projects.selectors import progress_of, project_list
from comunitas.projects.proposals.services import support_threshold
from tests.demo.conftest import PASSWORD, SEED
from tests.demo.wipe_economy import economy_wipe

pytestmark = pytest.mark.django_db
SLUGS = [case.slug for case in CASES]


def projects_state(coop: Cooperative) -> list:
    """Everything the step wrote for ``coop``, by natural values (not ids)."""
    return [
        list(
            Need.objects.filter(coop=coop)
            .order_by("pk")
            .values_list(
                "title",
                "status",
                "status_reason",
                "support_count",
                "urgency",
                "people_affected",
                "locality",
                "channel",
                "contact_email",
                "submitted_by__username",
                "merged_into__title",
                "created_at",
                "status_changed_at",
            )
        ),
        sorted(
            NeedSupport.objects.filter(need__coop=coop).values_list(
                "need__title", "user__username", "created_at"
            )
        ),
        list(
            NeedStatusChange.objects.filter(need__coop=coop)
            .order_by("pk")
            .values_list("need__title", "status", "at")
        ),
        list(
            Proposal.objects.filter(coop=coop)
            .order_by("pk")
            .values_list(
                "title",
                "status",
                "support_count",
                "proposed_by__username",
                "created_at",
                "review_due_since",
                "decided_at",
            )
        ),
        sorted(
            ProposalSupport.objects.filter(proposal__coop=coop).values_list(
                "proposal__title", "user__username"
            )
        ),
        sorted(
            ProposalComment.objects.filter(proposal__coop=coop).values_list(
                "proposal__title", "author__username", "text", "created_at"
            )
        ),
        list(
            Project.objects.filter(coop=coop)
            .order_by("pk")
            .values_list("title", "status", "start_on", "end_on", "created_at")
        ),
        list(
            Measurement.objects.filter(objective__project__coop=coop)
            .order_by("pk")
            .values_list("objective__description", "measured_on", "value", "note")
        ),
        list(
            Milestone.objects.filter(project__coop=coop)
            .order_by("pk")
            .values_list("title", "due_on", "done_on")
        ),
        list(
            TeamMember.objects.filter(project__coop=coop)
            .order_by("pk")
            .values_list("role", "name", "user__username", "is_volunteer")
        ),
    ]


def wipe(coop: Cooperative) -> None:
    """The step's rows of ``coop`` (its residents stay, as the other demo logins do), and the
    decisions' rows that name them (consultations about them, budgets that fund them)."""
    from comunitas.decisions.models.budgets import ParticipatoryBudget
    from comunitas.decisions.models.consultations import Consultation

    economy_wipe(coop)  # its movements, jobs, hours and earmark name projects
    Consultation.objects.filter(coop=coop).delete()
    ParticipatoryBudget.objects.filter(coop=coop).delete()
    for model, path in (
        (Measurement, "objective__project__coop"),
        (Objective, "project__coop"),
        (Milestone, "project__coop"),
        (BudgetLine, "project__coop"),
        (TeamMember, "project__coop"),
        (ProjectUpdate, "project__coop"),
        (Project, "coop"),
        (Proposal, "coop"),
    ):
        model.objects.filter(**{path: coop}).delete()
    Need.objects.filter(coop=coop, status=NeedStatus.MERGED).delete()
    Need.objects.filter(coop=coop).delete()


def _assert_needs(coop: Cooperative, slug: str):
    """Needs inside the territory, with supports from the coop's logins and a full history."""
    needs = Need.objects.filter(coop=coop)
    assert 10 <= needs.count() <= 25, slug
    assert not needs.filter(synthetic=False).exists()
    statuses = Counter(needs.values_list("status", flat=True))
    assert {"new", "under_review", "answered", "declined", "merged"} <= set(statuses), slug
    assert not needs.filter(status=NeedStatus.DECLINED, status_reason="").exists()
    # Inside the territory, with the categories and age groups of the model.
    served = {coop.seat_id, *coop.territory.values_list("pk", flat=True)}
    assert set(needs.values_list("municipality_id", flat=True)) <= served
    assert len(set(needs.values_list("category", flat=True))) >= 5
    ages = [set(groups) for groups in needs.values_list("age_groups", flat=True)]
    assert all(groups <= set(AgeGroup.values) for groups in ages) and any(ages)
    # One support per person, the counts equal to the rows; never the author's own.
    counted = needs.annotate(rows=Count("supports"))
    assert all(n.rows == n.support_count for n in counted), slug
    assert not NeedSupport.objects.filter(need__coop=coop, need__submitted_by=F("user")).exists()
    assert NeedSupport.objects.filter(need__coop=coop).count() >= 3 * needs.count()
    # Supporters are the coop's logins: its demo roles and a dozen synthetic residents.
    supporters = set(NeedSupport.objects.filter(need__coop=coop).values_list("user_id", flat=True))
    with_role = set(Role.objects.filter(coop=coop).values_list("user_id", flat=True))
    assert supporters <= with_role
    residents = Role.objects.filter(
        coop=coop, kind=RoleKind.RESIDENT, user__username__startswith=f"{slug}.residente"
    )
    assert residents.count() == RESIDENTS + 1


def _assert_proposals(coop: Cooperative, slug: str):
    """Proposals in every state, their supports counted and the threshold kept."""
    proposals = Proposal.objects.filter(coop=coop)
    assert not proposals.filter(synthetic=False).exists()
    kinds = set(proposals.values_list("status", flat=True))
    assert {"open", "board_review", "declined", "accepted"} <= kinds, slug
    threshold = support_threshold(coop)
    for proposal in proposals.annotate(rows=Count("supports")):
        assert proposal.rows == proposal.support_count
        if proposal.status == ProposalStatus.BOARD_REVIEW:
            assert proposal.support_count >= threshold and proposal.review_due_since
        if proposal.status == ProposalStatus.OPEN:
            assert proposal.support_count < threshold
        if proposal.status in (ProposalStatus.DECLINED, ProposalStatus.CHANGES):
            assert proposal.board_reason and proposal.decided_at
        if proposal.status == ProposalStatus.ACCEPTED:
            assert proposal.project.synthetic and proposal.project.needs.exists()
        assert proposal.created_at <= (proposal.decided_at or proposal.created_at)


def _assert_projects(coop: Cooperative):
    """Projects with economic and social objectives, milestones, budget, team and progress."""
    projects = list(project_list(coop=coop))
    assert len(projects) >= 2 and all(p.synthetic for p in projects)
    resources = set(coop.resources.values_list("pk", flat=True))
    for project in projects:
        kinds = Counter(o.indicator.kind for o in project.objectives.all())
        assert kinds["economic"] >= 1 and kinds["social"] >= 1, project.title
        assert all(o.indicator.coop_id is None for o in project.objectives.all())
        assert project.milestones.all() and project.budget_lines.exists()
        assert project.team.exists() and project.updates.exists()
        assert set(project.resources.values_list("pk", flat=True)) <= resources
        assert project.needs.exists()
        percent = progress_of(project).percent
        assert percent is not None and 0 <= percent <= 100
    running = [p for p in projects if p.status == "running"]
    assert running and all(progress_of(p).objectives[0].latest for p in running)
    assert Milestone.objects.filter(project__coop=coop, done_on__isnull=False).exists()
    assert Milestone.objects.filter(project__coop=coop, done_on__isnull=True).exists()
    assert any(p.resources.exists() for p in projects)


def _assert_coverage(coop: Cooperative, slug: str):
    """Needs are answered by projects; the coverage is neither nothing nor everything."""
    needs = Need.objects.filter(coop=coop)
    answered = needs.filter(status__in=[NeedStatus.ANSWERED, NeedStatus.MET])
    assert answered.exists()
    assert not answered.filter(projects__isnull=True).exists()
    found = coverage(coop=coop)
    assert 0 < found.percent < 100 and 0 < found.supports_percent < 100, slug

    # Dates are in the past and each need's history is in order.
    for need in needs.prefetch_related("changes"):
        moments = [c.at for c in need.changes.all()]
        assert moments[0] == need.created_at and moments == sorted(moments)
        assert need.status_changed_at == moments[-1]


def _assert_public_facts() -> Project:
    """What each cooperative does: a few of the projects of DOMAIN.md §6."""
    titles = set(Project.objects.values_list("title", flat=True))
    assert "Visite guidate alle catacombe: lavoro per i giovani della Sanità" in titles
    assert "Parco Avventura" in titles and "Riapertura del cinema Modernissimo" in titles
    tours = Project.objects.get(title__startswith="Visite guidate alle catacombe")
    assert set(tours.resources.values_list("name", flat=True)) == {
        "Catacombe di San Gennaro",
        "Catacombe di San Gaudioso",
    }
    codes = set(tours.objectives.values_list("indicator__code", flat=True))
    assert {"jobs-young-fte", "users", "participants"} <= codes
    visitors = Measurement.objects.filter(
        objective__project=tours, note__startswith="Dato pubblico"
    )
    assert sorted(int(v) for v in visitors.values_list("value", flat=True)) == [
        80_000,
        160_000,
        200_000,
    ]
    return tours


def test_each_case_study_has_needs_proposals_and_projects(demo_loaded, db, client):
    """Needs, proposals and projects for every case study, the public facts among them, the
    pages marking them synthetic; nobody told anything."""
    # The shared load ran its on-commit work too (tests/demo/conftest.py): what it sent is here.
    assert demo_loaded.outbox == []  # synthetic people are told nothing, nor is the board
    assert set(PLANS) == set(SLUGS)
    for slug in SLUGS:
        coop = Cooperative.objects.get(slug=slug)
        _assert_needs(coop, slug)
        _assert_proposals(coop, slug)
        _assert_projects(coop)
        _assert_coverage(coop, slug)
    tours = _assert_public_facts()

    # The pages mark them synthetic, and the project says which figures are public.
    client.cookies["django_language"] = "en"
    for path in ("/c/la-paranza/needs/", "/c/la-paranza/projects/"):
        page = client.get(path)
        assert page.status_code == 200, path
        assert 'class="badge synthetic"' in page.content.decode(), path
    page = client.get(f"/c/la-paranza/projects/{tours.pk}/").content.decode()
    assert 'class="badge synthetic"' in page and "Dati pubblici (2WEL 3/2021)" in page


def test_the_same_seed_gives_the_same_needs_and_projects(demo_loaded, db):
    """Two cooperatives' needs and projects wiped and generated again: the same with the shared
    load's seed, others with another seed."""
    coops = list(Cooperative.objects.filter(slug__in=["la-paranza", "brigi"]).order_by("slug"))
    first = [projects_state(coop) for coop in coops]
    for coop in coops:
        wipe(coop)
        generate(coop, seed=SEED, password=PASSWORD)  # every step; only this one writes again
    assert [projects_state(coop) for coop in coops] == first
    for coop in coops:
        wipe(coop)
        projects_generate(coop, random.Random(f"8:{coop.slug}:projects"), PASSWORD)
    assert [projects_state(coop) for coop in coops] != first
