"""The projects API's rows of the permission matrix (tests/core/coops/test_permissions.py).

``ids`` makes, in "alpha": a need taken down on paper by staff (``need_id``: nobody told it
online, so every role may support it) and, at fixed ids the bodies name, a second need to merge
it into and the cooperative's own indicator; member1's live proposal answering the first need
(``proposal_id``); a project (``project_id``) with an objective, a milestone and a team member.

Object level: only the proposer withdraws a proposal, only the proposer, staff and the board
change it (anyone else with a role: 403); the proposer's own support counts already (422).
Supports are taken back from a need or a proposal nobody supports: the matrix meets the same
object for the POST and the DELETE of one path, so every role passes the permission check and
the service answers 422 ("You do not support…"); tests/projects/needs/test_api.py checks the 204."""

from __future__ import annotations

from datetime import date

from comunitas.core.permissions import Action
from comunitas.projects.models import Channel, Indicator, Need
from comunitas.projects.needs.services import need_submit
from comunitas.projects.projects import services as project_services
from tests.helpers import NEED_FORM, add_objective, make_project, make_proposal

PATH_IDS = ["need_id", "proposal_id", "project_id", "objective_id", "milestone_id", "team_id"]
# Fixed ids, since the bodies below name them.
INTO_ID, INDICATOR_ID = 947_001, 947_002

WEB: list = []  # the pages' rows are in the pages' own matrix module

A = "/api/v1/coops/{slug}"
NEED = f"{A}/needs/{{need_id}}"
PROPOSAL = f"{A}/proposals/{{proposal_id}}"
PROJECT = f"{A}/projects/{{project_id}}"
OBJECTIVE = f"{PROJECT}/objectives/{{objective_id}}"

API_NEED = {
    "title": "Il pulmino per il mercato",
    "description": "Il giovedì non c'è corriera per il mercato di valle.",
    "category": "mobility",
    "municipality": "008034",
    "urgency": "medium",
    "age_groups": ["elderly"],
}
API_PROPOSAL = {
    "title": "Un pulmino condiviso",
    "description": "Due autisti volontari a turno, il giovedì mattina.",
    "needs": [INTO_ID],
    "estimated_costs": "1200.00",
    "volunteers_needed": 2,
}
API_PROJECT = {"title": "Pulmino", "summary": "Il giovedì al mercato.", "needs": [INTO_ID]}
API_OBJECTIVE = {
    "indicator_id": INDICATOR_ID,
    "description": "Corse al mese",
    "unit": "corse",
    "target": "8",
    "target_date": "2027-06-30",
}
API_INDICATOR = {
    "code": "matrix-rides",
    "name": "Rides a month",
    "kind": "economic",
    "unit": "rides",
    "method": "Count in the driver's log.",
}

API = [
    ("get", f"{A}/needs", None, Action.VIEW_NEEDS),
    ("post", f"{A}/needs", API_NEED, Action.PARTICIPATE),
    ("get", f"{A}/needs/counts", None, Action.VIEW_NEEDS),
    ("get", NEED, None, Action.VIEW_NEEDS),
    ("patch", NEED, {"urgency": "low"}, Action.MANAGE_NEEDS),
    ("post", f"{NEED}/support", None, Action.PARTICIPATE),
    ("delete", f"{NEED}/support", None, Action.PARTICIPATE),
    ("post", f"{NEED}/status", {"status": "under_review"}, Action.MANAGE_NEEDS),
    ("post", f"{NEED}/merge", {"into": INTO_ID}, Action.MANAGE_NEEDS),
    ("get", f"{A}/coverage", None, Action.VIEW_NEEDS),
    ("get", f"{A}/proposals", None, Action.VIEW_NEEDS),
    ("post", f"{A}/proposals", API_PROPOSAL, Action.PARTICIPATE),
    ("get", PROPOSAL, None, Action.VIEW_NEEDS),
    ("patch", PROPOSAL, {"volunteers_needed": 3}, Action.PARTICIPATE),
    ("post", f"{PROPOSAL}/support", None, Action.PARTICIPATE),
    ("delete", f"{PROPOSAL}/support", None, Action.PARTICIPATE),
    ("get", f"{PROPOSAL}/comments", None, Action.VIEW_NEEDS),
    ("post", f"{PROPOSAL}/comments", {"text": "Io posso guidare."}, Action.PARTICIPATE),
    (
        "post",
        f"{PROPOSAL}/decision",
        {"decision": "accept", "reason": "Costs are covered.", "title": "Pulmino del giovedì"},
        Action.DECIDE_PROPOSALS,
    ),
    ("post", f"{PROPOSAL}/withdraw", None, Action.PARTICIPATE),
    ("get", f"{A}/projects", None, Action.VIEW_NEEDS),
    ("post", f"{A}/projects", API_PROJECT, Action.MANAGE_PROJECTS),
    ("get", PROJECT, None, Action.VIEW_NEEDS),
    ("patch", PROJECT, {"status": "running"}, Action.MANAGE_PROJECTS),
    ("post", f"{PROJECT}/objectives", API_OBJECTIVE, Action.MANAGE_PROJECTS),
    ("patch", OBJECTIVE, {"target": "3.50"}, Action.MANAGE_PROJECTS),
    (
        "post",
        f"{OBJECTIVE}/measurements",
        {"measured_on": "2025-06-30", "value": "1"},
        Action.MANAGE_PROJECTS,
    ),
    (
        "post",
        f"{PROJECT}/milestones",
        {"title": "Orari concordati", "due_on": "2026-03-01"},
        Action.MANAGE_PROJECTS,
    ),
    (
        "patch",
        f"{PROJECT}/milestones/{{milestone_id}}",
        {"done_on": "2025-05-01"},
        Action.MANAGE_PROJECTS,
    ),
    (
        "post",
        f"{PROJECT}/budget-lines",
        {"kind": "cost", "label": "Assicurazione", "amount": "640.00"},
        Action.MANAGE_PROJECTS,
    ),
    (
        "post",
        f"{PROJECT}/team",
        {"name": "Gino Autista", "role": "Autista", "is_volunteer": True},
        Action.MANAGE_PROJECTS,
    ),
    ("delete", f"{PROJECT}/team/{{team_id}}", None, Action.MANAGE_PROJECTS),
    ("get", f"{PROJECT}/updates", None, Action.VIEW_NEEDS),
    ("post", f"{PROJECT}/updates", {"text": "Prima corsa fatta."}, Action.MANAGE_PROJECTS),
    ("get", f"{A}/indicators", None, Action.VIEW_NEEDS),
    ("post", f"{A}/indicators", API_INDICATOR, Action.MANAGE_PROJECTS),
]

NOBODY_SUPPORTS = {"resident": 422, "member": 422, "staff": 422, "admin": 422}
API_EXCEPTIONS = {
    ("delete", f"{NEED}/support"): NOBODY_SUPPORTS,
    ("delete", f"{PROPOSAL}/support"): NOBODY_SUPPORTS,
    ("post", f"{PROPOSAL}/support"): {"member": 422},  # member1 made it
    ("patch", PROPOSAL): {"resident": 403},
    ("post", f"{PROPOSAL}/withdraw"): {"resident": 403, "staff": 403, "admin": 403},
}


def ids(people) -> dict[str, int]:
    coop, staff = people["coop"], people["staff"]
    need = need_submit(
        actor=staff,
        coop=coop,
        **NEED_FORM,
        channel=Channel.PAPER,
        contact_email="nonna.pina@example.org",
    )
    Need.objects.create(
        pk=INTO_ID,
        coop=coop,
        title="Niente corriera il giovedì",
        description="Per il mercato bisogna farsi accompagnare.",
        category="mobility",
        channel=Channel.PHONE,
    )
    Indicator.objects.create(
        pk=INDICATOR_ID,
        coop=coop,
        code="matrix-trips",
        name="Trips",
        kind="social",
        unit="trips",
        method="Driver's log.",
    )
    proposal = make_proposal(coop, people["member"], [need])
    project = make_project(coop, people["admin"])
    objective = add_objective(project, people["admin"])
    milestone = project_services.milestone_add(
        actor=staff, project=project, title="Il pulmino", due_on=date(2026, 1, 31)
    )
    person = project_services.team_add(actor=staff, project=project, name="Lia R.", role="Guida")
    return {
        "need_id": need.pk,
        "proposal_id": proposal.pk,
        "project_id": project.pk,
        "objective_id": objective.pk,
        "milestone_id": milestone.pk,
        "team_id": person.pk,
    }
