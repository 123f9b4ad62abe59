"""Projects through their services: the needs and resources they serve, their status, the
economic and social objectives with their measurements, milestones, budget, team and public
updates."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal

import pytest
from django.utils import timezone

from comunitas.core.models import AuditEntry, Municipality
from comunitas.projects.models import (
    BudgetLine,
    Measurement,
    Milestone,
    NeedStatus,
    Objective,
    Project,
    ProjectStatus,
    ProjectUpdate,
    TeamMember,
)
from comunitas.projects.needs import services as needs_services
from comunitas.projects.projects import services as ps
from tests.helpers import (
    add_objective,
    assert_refused,
    indicator,
    make_need,
    make_project,
    make_resource,
)

pytestmark = pytest.mark.django_db


def fresh(project: Project) -> Project:
    return Project.objects.get(pk=project.pk)


@pytest.fixture
def project(people):
    return make_project(people["coop"], people["staff"])


# --- creation -----------------------------------------------------------------------------------
def test_a_project_answers_its_needs_and_uses_its_resources(people):
    coop, staff = people["coop"], people["staff"]
    need = make_need(coop, people["resident"])
    reviewed = make_need(coop, people["member"])
    needs_services.need_set_status(actor=staff, need=reviewed, status=NeedStatus.UNDER_REVIEW)
    resource = make_resource(coop, people["admin"])
    project = ps.project_create(
        actor=staff,
        coop=coop,
        title="Bottega",
        summary="L'emporio.",
        start_on=date(2026, 3, 1),
        needs=[need, reviewed],
        resources=[resource],
    )
    project = fresh(project)
    assert project.status == ProjectStatus.PLANNED
    assert set(project.needs.all()) == {need, reviewed}
    assert list(project.resources.all()) == [resource]
    for answered in (need, reviewed):
        answered.refresh_from_db()
        assert answered.status == NeedStatus.ANSWERED
        assert "Bottega" in answered.status_reason
    entry = AuditEntry.objects.get(action="project.create", object_id=str(project.pk))
    assert entry.changes["needs"]["after"] == sorted([need.pk, reviewed.pk])


def test_needs_and_resources_of_another_cooperative_are_refused(people):
    coop, staff = people["coop"], people["staff"]
    foreign_need = make_need(people["other"], people["stranger"])
    foreign_resource = make_resource(
        people["other"], people["stranger"], municipality=Municipality.objects.get(pk="066004")
    )
    assert_refused(
        lambda: make_project(coop, staff, needs=[make_need(coop, people["member"]), foreign_need]),
        on="needs",
    )
    assert_refused(
        lambda: ps.project_create(
            actor=staff,
            coop=coop,
            title="B",
            summary="S",
            resources=[foreign_resource],
        ),
        on="resources",
    )
    assert not Project.objects.exists()
    foreign_need.refresh_from_db()
    assert foreign_need.status == NeedStatus.NEW


def test_a_merged_need_cannot_be_linked(people):
    coop, staff = people["coop"], people["staff"]
    duplicate, target = make_need(coop, people["resident"]), make_need(coop, people["member"])
    needs_services.need_merge(actor=staff, duplicate=duplicate, into=target)
    duplicate.refresh_from_db()
    assert_refused(lambda: make_project(coop, staff, needs=[duplicate]), on="needs")
    assert not Project.objects.exists()


@pytest.mark.parametrize(
    ("fields", "field"),
    [
        ({"title": ""}, "title"),
        ({"summary": "  "}, "summary"),
        ({"title": "x" * 201}, "title"),
        ({"summary": "x" * 5001}, "summary"),
        ({"status": "dreaming"}, "status"),
        ({"start_on": date(2026, 5, 1), "end_on": date(2026, 4, 30)}, "end_on"),
        ({"start_on": date(1899, 12, 31)}, "start_on"),
    ],
)
def test_bad_project_input_is_refused(people, fields, field):
    assert_refused(lambda: make_project(people["coop"], people["staff"], **fields), on=field)
    assert not Project.objects.exists()


# --- status -------------------------------------------------------------------------------------
def test_a_project_runs_is_suspended_resumes_and_completes(people, project):
    staff = people["staff"]
    for status in ("running", "suspended", "running", "completed", "running", "completed"):
        ps.project_update(actor=staff, project=project, fields={"status": status})
        assert fresh(project).status == status
    assert (
        AuditEntry.objects.filter(action="project.update", object_id=str(project.pk)).count() == 6
    )


@pytest.mark.parametrize(
    ("path", "jump"),
    [
        ([], "completed"),
        (["running", "completed"], "planned"),
        (["running", "completed"], "suspended"),
        (["suspended"], "completed"),
        ([], "finished"),
    ],
)
def test_jumps_outside_the_status_workflow_are_refused(people, project, path, jump):
    for status in path:
        ps.project_update(actor=people["staff"], project=project, fields={"status": status})
    before = fresh(project).status
    assert_refused(
        lambda: ps.project_update(actor=people["staff"], project=project, fields={"status": jump}),
        on="status",
    )
    assert fresh(project).status == before


def test_an_update_may_link_more_needs_which_become_answered(people, project):
    need = make_need(people["coop"], people["resident"])
    ps.project_update(actor=people["staff"], project=project, fields={}, needs=[need])
    need.refresh_from_db()
    assert need.status == NeedStatus.ANSWERED
    assert list(fresh(project).needs.all()) == [need]


# --- objectives and measurements ----------------------------------------------------------------
def test_economic_and_social_objectives_take_their_kind_and_method_from_the_indicator(
    people, project
):
    jobs = add_objective(project, people["staff"], code="jobs-fte")
    social = add_objective(
        project,
        people["staff"],
        code="participants",
        description="Persone coinvolte",
        unit="persone",
        baseline=Decimal("10"),
        target=Decimal("80"),
        method="Registri delle presenze.",
    )
    jobs, social = Objective.objects.get(pk=jobs.pk), Objective.objects.get(pk=social.pk)
    assert jobs.kind == "economic" and social.kind == "social"
    assert jobs.method == indicator("jobs-fte").method  # not told: the catalogue's
    assert social.method == "Registri delle presenze."
    assert jobs.unit == "FTE" and jobs.target_date == date(2027, 12, 31)


@pytest.mark.parametrize(
    ("fields", "field"),
    [
        ({"unit": ""}, "unit"),
        ({"unit": "   "}, "unit"),
        ({"target_date": None}, "target_date"),
        ({"baseline": Decimal("2"), "target": Decimal("2.00")}, "target"),
        ({"target": None}, "target"),
        ({"target": Decimal("1.005")}, "target"),
        ({"description": ""}, "description"),
        ({"indicator": None}, "indicator"),
    ],
)
def test_an_objective_without_unit_date_or_distinct_target_is_refused(
    people, project, fields, field
):
    assert_refused(lambda: add_objective(project, people["staff"], **fields), on=field)
    assert not Objective.objects.exists()


def test_an_indicator_of_another_cooperative_is_refused(people, project):
    foreign = ps.indicator_create(
        actor=people["stranger"],
        coop=people["other"],
        code="guided-tours",
        name="Visite",
        kind="economic",
        unit="visite",
        method="Biglietti.",
    )
    assert_refused(
        lambda: add_objective(project, people["staff"], indicator=foreign), on="indicator"
    )
    own = ps.indicator_create(
        actor=people["staff"],
        coop=people["coop"],
        code="guided-tours",
        name="Visite",
        kind="economic",
        unit="visite",
        method="Biglietti.",
    )
    objective = add_objective(project, people["staff"], indicator=own)
    assert objective.indicator == own and objective.method == "Biglietti."


def test_an_objective_update_keeps_the_rules(people, project):
    objective = add_objective(project, people["staff"])
    ps.objective_update(actor=people["staff"], objective=objective, fields={"target": Decimal(3)})
    assert_refused(
        lambda: ps.objective_update(
            actor=people["staff"], objective=objective, fields={"target": Decimal(0)}
        ),
        on="target",
    )
    assert Objective.objects.get(pk=objective.pk).target == Decimal("3.00")


def test_measurements_are_recorded_with_who_and_when(people, project):
    objective = add_objective(project, people["staff"])
    ps.measurement_add(
        actor=people["staff"],
        objective=objective,
        measured_on=date(2026, 6, 30),
        value=Decimal("0.5"),
        note=" primo semestre ",
    )
    [measured] = Measurement.objects.filter(objective=objective)
    assert measured.value == Decimal("0.50") and measured.note == "primo semestre"
    assert measured.recorded_by == people["staff"]
    for bad in (
        {"measured_on": None, "value": Decimal(1)},
        {"measured_on": date(2026, 7, 1), "value": None},
        {"measured_on": date(2026, 7, 1), "value": Decimal("1e15")},
        {"measured_on": date(2300, 1, 1), "value": Decimal(1)},
    ):
        assert_refused(
            lambda bad=bad: ps.measurement_add(actor=people["staff"], objective=objective, **bad)
        )
    assert Measurement.objects.count() == 1


def test_a_value_or_a_milestone_cannot_be_recorded_in_the_future(people, project):
    """The public page shows measured progress: a value "measured" tomorrow is not one."""
    staff = people["staff"]
    tomorrow = timezone.localdate() + timedelta(days=1)
    objective = add_objective(project, staff)
    assert_refused(
        lambda: ps.measurement_add(
            actor=staff, objective=objective, measured_on=tomorrow, value=Decimal(1)
        ),
        on="measured_on",
    )
    assert_refused(
        lambda: ps.milestone_add(
            actor=staff,
            project=project,
            title="Apertura",
            due_on=tomorrow,
            done_on=tomorrow,
        ),
        on="done_on",
    )
    assert not Measurement.objects.exists() and not Milestone.objects.exists()


# --- milestones, budget, team, updates ----------------------------------------------------------
def test_milestones_are_planned_done_and_undone(people, project):
    staff = people["staff"]
    milestone = ps.milestone_add(
        actor=staff, project=project, title="Locali", due_on=date(2026, 9, 1)
    )
    ps.milestone_update(actor=staff, milestone=milestone, fields={"done_on": date(2026, 8, 20)})
    assert Milestone.objects.get(pk=milestone.pk).done_on == date(2026, 8, 20)
    ps.milestone_update(actor=staff, milestone=milestone, fields={"done_on": None})
    assert Milestone.objects.get(pk=milestone.pk).done_on is None
    assert_refused(lambda: ps.milestone_add(actor=staff, project=project, title="X"), on="due_on")
    assert_refused(
        lambda: ps.milestone_add(actor=staff, project=project, title=" ", due_on=date(2026, 9, 1)),
        on="title",
    )
    assert Milestone.objects.count() == 1


@pytest.mark.parametrize(
    ("amount", "ok"),
    [
        (Decimal("1200.50"), True),
        (Decimal("0.01"), True),
        (Decimal("0"), False),
        (Decimal("-5"), False),
        (Decimal("10.005"), False),
        (None, False),
        (Decimal("1000000000000"), False),
    ],
)
def test_budget_lines_are_positive_amounts_in_cents(people, project, amount, ok):
    def add():
        return ps.budget_line_add(
            actor=people["staff"], project=project, kind="cost", label="Affitto", amount=amount
        )

    if ok:
        line = add()
        assert BudgetLine.objects.get(pk=line.pk).amount == amount
    else:
        assert_refused(add, on="amount")
        assert not BudgetLine.objects.exists()


def test_a_budget_line_needs_a_kind_and_a_label(people, project):
    assert_refused(
        lambda: ps.budget_line_add(
            actor=people["staff"], project=project, kind="gift", label="X", amount=Decimal(1)
        ),
        on="kind",
    )
    assert_refused(
        lambda: ps.budget_line_add(
            actor=people["staff"], project=project, kind="cost", label=" ", amount=Decimal(1)
        ),
        on="label",
    )
    assert not BudgetLine.objects.exists()


def test_the_team_is_kept_but_the_audit_never_names_a_person(people, project):
    staff, member = people["staff"], people["member"]
    member.first_name, member.last_name = "Rosa", "D'Amico"
    member.save()
    named = ps.team_add(actor=staff, project=project, name="", role="Bottegaia", user=member)
    volunteer = ps.team_add(
        actor=staff, project=project, name="Gino Verdi", role="Autista", is_volunteer=True
    )
    assert TeamMember.objects.get(pk=named.pk).name == "Rosa D'Amico"
    assert TeamMember.objects.get(pk=volunteer.pk).is_volunteer
    ps.team_remove(actor=staff, person=volunteer)
    assert list(TeamMember.objects.filter(project=project)) == [named]

    trail = AuditEntry.objects.filter(action__in=["team.add", "team.remove"])
    assert trail.count() == 3
    for entry in trail:
        written = f"{entry.object_repr} {entry.changes}"
        assert "Rosa" not in written and "D'Amico" not in written and "Gino" not in written
        assert "Verdi" not in written and "member1" not in written
    outsider = people["stranger"]  # no role in this cooperative: not linked by login
    assert_refused(
        lambda: ps.team_add(actor=staff, project=project, name="", role="Cuoca", user=outsider),
        on="user",
    )
    assert_refused(
        lambda: ps.team_add(actor=staff, project=project, name="Ada", role=""), on="role"
    )
    assert_refused(
        lambda: ps.team_add(actor=staff, project=project, name=" ", role="Cuoca"), on="name"
    )


def test_updates_form_the_public_timeline(people, project):
    staff = people["staff"]
    ps.project_update_add(actor=staff, project=project, text="Aperti!", on_date=date(2026, 5, 2))
    ps.project_update_add(
        actor=staff, project=project, text="Primo mese.", on_date=date(2026, 6, 2)
    )
    texts = list(ProjectUpdate.objects.filter(project=project).values_list("text", flat=True))
    assert texts == ["Primo mese.", "Aperti!"]  # newest first
    assert_refused(
        lambda: ps.project_update_add(actor=staff, project=project, text="  "), on="text"
    )
    assert_refused(
        lambda: ps.project_update_add(actor=staff, project=project, text="x" * 5001), on="text"
    )
    assert ProjectUpdate.objects.count() == 2
