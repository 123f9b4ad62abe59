"""Project pages' rows of the permission matrix (tests/core/coops/test_permissions.py), and the
forms the project page tests post.

``ids`` makes, in "alpha", a project with an objective, a milestone still to do and a team
member. Every POST body is valid for every allowed caller (each request runs in its own
rolled-back savepoint, so removing the same team member or adding the same indicator code
works for each). The objective form names its indicator by id, which only the database
knows: the body carries a value that looks it up when the test client encodes it."""

from __future__ import annotations

from datetime import date

from comunitas.core.permissions import Action
from comunitas.projects.models import Indicator
from comunitas.projects.projects import services as project_services
from tests.helpers import add_objective, make_project

PATH_IDS = ["project_id", "objective_id", "milestone_id", "team_id"]


class IndicatorPk:
    """The id of a shared indicator, read when a form is encoded (``str``)."""

    def __init__(self, code: str) -> None:
        self.code = code

    def __str__(self) -> str:
        return str(Indicator.objects.get(coop=None, code=self.code).pk)


PROJECT_FORM = {
    "title": "Emporio di comunità",
    "summary": "Riaprire la bottega del paese.",
    "start_on": "2025-03-01",
    "end_on": "2026-12-31",
}
OBJECTIVE_FORM = {
    "objective-indicator": IndicatorPk("participants"),
    "objective-description": "Persone che partecipano alle attività",
    "objective-unit": "people",
    "objective-baseline": "0",
    "objective-target": "40",
    "objective-target_date": "2026-12-31",
    "objective-method": "",
}
MEASUREMENT_FORM = {
    "measurement-measured_on": "2025-06-30",
    "measurement-value": "1",
    "measurement-note": "Primo semestre",
}
MILESTONE_FORM = {"milestone-title": "Apertura", "milestone-due_on": "2025-09-01"}
BUDGET_FORM = {"budget-kind": "cost", "budget-label": "Affitto", "budget-amount": "3600.00"}
TEAM_FORM = {"team-name": "Carla Neri", "team-role": "Coordinatrice", "team-is_volunteer": "on"}
UPDATE_FORM = {"update-text": "La bottega ha riaperto.", "update-on_date": "2025-09-02"}
INDICATOR_FORM = {
    "indicator-code": "tours-booked",
    "indicator-name": "Visite prenotate",
    "indicator-kind": "economic",
    "indicator-unit": "visite",
    "indicator-method": "Prenotazioni registrate nell'anno.",
    "indicator-source": "",
}

P = "/c/{slug}/projects/{project_id}"
WEB = [
    ("get", "/c/{slug}/projects/", None, Action.VIEW_NEEDS),
    ("get", "/c/{slug}/projects/new/", None, Action.MANAGE_PROJECTS),
    ("post", "/c/{slug}/projects/new/", PROJECT_FORM, Action.MANAGE_PROJECTS),
    ("get", f"{P}/", None, Action.VIEW_NEEDS),
    ("get", f"{P}/edit/", None, Action.MANAGE_PROJECTS),
    ("post", f"{P}/edit/", {**PROJECT_FORM, "status": "running"}, Action.MANAGE_PROJECTS),
    ("post", f"{P}/objectives/", OBJECTIVE_FORM, Action.MANAGE_PROJECTS),
    (
        "post",
        f"{P}/objectives/{{objective_id}}/measurements/",
        MEASUREMENT_FORM,
        Action.MANAGE_PROJECTS,
    ),
    ("post", f"{P}/milestones/", MILESTONE_FORM, Action.MANAGE_PROJECTS),
    ("post", f"{P}/milestones/{{milestone_id}}/done/", {}, Action.MANAGE_PROJECTS),
    ("post", f"{P}/budget/", BUDGET_FORM, Action.MANAGE_PROJECTS),
    ("post", f"{P}/team/", TEAM_FORM, Action.MANAGE_PROJECTS),
    ("post", f"{P}/team/{{team_id}}/remove/", {}, Action.MANAGE_PROJECTS),
    ("post", f"{P}/updates/", UPDATE_FORM, Action.MANAGE_PROJECTS),
    ("get", "/c/{slug}/indicators/", None, Action.VIEW_NEEDS),
    ("post", "/c/{slug}/indicators/", INDICATOR_FORM, Action.MANAGE_PROJECTS),
]
API: list = []  # the projects API's rows are in its own matrix module


def ids(people) -> dict[str, int]:
    """In "alpha": a planned project with an objective, a milestone to do, a team member."""
    admin = people["admin"]
    project = make_project(people["coop"], admin)
    objective = add_objective(project, admin)
    milestone = project_services.milestone_add(
        actor=admin, project=project, title="Inaugurazione", due_on=date(2025, 6, 1)
    )
    person = project_services.team_add(
        actor=admin, project=project, name="Mario Rossi", role="Volontario"
    )
    return {
        "project_id": project.pk,
        "objective_id": objective.pk,
        "milestone_id": milestone.pk,
        "team_id": person.pk,
    }
