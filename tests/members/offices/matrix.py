"""Permission-matrix rows (method, path, body, action) of the register of offices.

Bodies are valid for the objects of ``tests.members.matrix.ids``: {office_id} is member no. 2
in office as a director; member no. 1 holds no office."""

from django.utils import timezone

from comunitas.core.permissions import Action

TODAY = timezone.localdate().isoformat()
APPOINT = {"kind": "control", "started_on": TODAY, "reference": "Assemblea 2026"}

WEB: list = [
    ("get", "/c/{slug}/members/offices/", None, Action.VIEW_MEMBERS),
    (
        "post",
        "/c/{slug}/members/offices/appoint/",
        {"member": 1, **APPOINT},
        Action.MANAGE_MEMBERS,
    ),
    (
        "post",
        "/c/{slug}/members/offices/{office_id}/end/",
        {"ended_on": TODAY},
        Action.MANAGE_MEMBERS,
    ),
]
API: list = [
    ("get", "/api/v1/coops/{slug}/offices", None, Action.VIEW_MEMBERS),
    (
        "post",
        "/api/v1/coops/{slug}/offices",
        {"member_number": 1, **APPOINT},
        Action.MANAGE_MEMBERS,
    ),
    (
        "post",
        "/api/v1/coops/{slug}/offices/{office_id}/end",
        {"ended_on": TODAY},
        Action.MANAGE_MEMBERS,
    ),
]
