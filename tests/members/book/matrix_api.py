"""Permission-matrix rows (method, path, body, action) of the member book API.

Bodies are valid for the objects ``tests.members.matrix.ids`` creates in "alpha": member_id is
member1's own membership (3 shares, 50 € of 75 € paid), buyer number 2 is a current member,
application_id a pending applicant, transfer_id a pending transfer of one share, movement_id
member1's payment, redemption_id the unpaid reimbursement of a former member."""

from __future__ import annotations

from comunitas.core.permissions import Action
from tests.helpers import person

API_BASE = "/api/v1/coops/{slug}"
APPLICATION = {
    **{k: str(v) for k, v in person(7).items()},
    "consents": {"privacy": True},
    "motivation": "Vivo in valle",
}
DECISION = {"approve": True, "decision_reference": "CdA 12/03/2025"}
SHARE_CLASS = {
    "code": "b2026",
    "name": "Serie B",
    "nominal_value": "50.00",
    "valid_from": "2026-01-01",
}

API: list = [
    ("get", f"{API_BASE}/members", None, Action.VIEW_MEMBERS),
    ("get", f"{API_BASE}/members/applications", None, Action.VIEW_MEMBERS),
    ("post", f"{API_BASE}/members/applications", APPLICATION, Action.APPLY_MEMBERSHIP),
    (
        "post",
        f"{API_BASE}/members/applications/{{application_id}}/decision",
        DECISION,
        Action.DECIDE_MEMBERS,
    ),
    # member1 reads its own membership; staff and the board read any (see test_api.py for a
    # member reading another member: 404).
    ("get", f"{API_BASE}/members/{{member_id}}", None, Action.VIEW_OWN_MEMBERSHIP),
    ("patch", f"{API_BASE}/members/{{member_id}}", {"phone": "0183 38123"}, Action.MANAGE_MEMBERS),
    (
        "post",
        f"{API_BASE}/members/{{member_id}}/subscriptions",
        {"share_class": "ordinarie", "shares": 1},
        Action.MANAGE_MEMBERS,
    ),
    (
        "post",
        f"{API_BASE}/members/{{member_id}}/payments",
        {"share_class": "ordinarie", "amount": "25.00"},
        Action.MANAGE_MEMBERS,
    ),
    (
        "post",
        f"{API_BASE}/members/{{member_id}}/transfers",
        {"buyer_number": 2, "share_class": "ordinarie", "shares": 1},
        Action.MANAGE_MEMBERS,
    ),
    (
        "post",
        f"{API_BASE}/members/{{member_id}}/exit",
        {"kind": "withdrawal"},
        Action.DECIDE_MEMBERS,
    ),
    ("get", f"{API_BASE}/transfers", None, Action.VIEW_MEMBERS),
    ("post", f"{API_BASE}/transfers/{{transfer_id}}/decision", DECISION, Action.DECIDE_MEMBERS),
    (
        "post",
        f"{API_BASE}/redemptions/{{redemption_id}}/payment",
        {"reference": "Bonifico 42"},
        Action.MANAGE_MEMBERS,
    ),
    (
        "post",
        f"{API_BASE}/movements/{{movement_id}}/reversal",
        {"reason": "Registrato due volte"},
        Action.DECIDE_MEMBERS,
    ),
    ("get", f"{API_BASE}/eligibility", None, Action.VIEW_MEMBERS),
    ("get", f"{API_BASE}/capital", None, Action.VIEW_MEMBERS),
    ("get", f"{API_BASE}/register", None, Action.VIEW_MEMBERS),
    ("get", f"{API_BASE}/categories", None, Action.APPLY_MEMBERSHIP),
    (
        "post",
        f"{API_BASE}/categories",
        {"code": "turista", "name": "Ospite (turista)"},
        Action.DECIDE_MEMBERS,
    ),
    ("get", f"{API_BASE}/share-classes", None, Action.APPLY_MEMBERSHIP),
    ("post", f"{API_BASE}/share-classes", SHARE_CLASS, Action.DECIDE_MEMBERS),
    ("get", f"{API_BASE}/me/membership", None, Action.VIEW_OWN_MEMBERSHIP),
    ("patch", f"{API_BASE}/me/membership", {"phone": "0183 38123"}, Action.VIEW_OWN_MEMBERSHIP),
    (
        "patch",
        f"{API_BASE}/me/membership/consents",
        {"newsletter": True},
        Action.VIEW_OWN_MEMBERSHIP,
    ),
]

# Answers that differ from what the row's action alone predicts, by (method, path) and caller:
# the portal answers 404 to a role with no membership of its own (in ids() only member1 has
# one), and a member's page answers 404 to a caller who may not read the book when the id is
# not its own membership (the resident, for member1's id), as if the member did not exist.
# An online application is the caller's own: member1, a member already, cannot apply again.
NO_MEMBERSHIP = {"resident": 404, "staff": 404, "admin": 404}
EXCEPTIONS: dict[tuple[str, str], dict[str, int]] = {
    ("get", f"{API_BASE}/members/{{member_id}}"): {"resident": 404},
    ("get", f"{API_BASE}/me/membership"): NO_MEMBERSHIP,
    ("patch", f"{API_BASE}/me/membership"): NO_MEMBERSHIP,
    ("patch", f"{API_BASE}/me/membership/consents"): NO_MEMBERSHIP,
    ("post", f"{API_BASE}/members/applications"): {"member": 422},
}
