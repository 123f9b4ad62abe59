"""Permission-matrix rows (method, path, body, action) of these pages.

Bodies are valid for the objects of ``matrix.ids``: {member_id} holds 3 ordinary shares with 2
paid, {transfer_id} is pending, {redemption_id} unpaid and {movement_id} a payment."""

from comunitas.core.permissions import Action

M = "/c/{slug}/members"
WEB: list = [
    (
        "post",
        M + "/{member_id}/subscribe/",
        {"share_class": "ordinarie", "shares": 1},
        Action.MANAGE_MEMBERS,
    ),
    (
        "post",
        M + "/{member_id}/payment/",
        {"share_class": "ordinarie", "amount": "25"},
        Action.MANAGE_MEMBERS,
    ),
    (
        "post",
        M + "/{member_id}/transfer/",
        {"buyer_number": 2, "share_class": "ordinarie", "shares": 1},
        Action.MANAGE_MEMBERS,
    ),
    ("post", M + "/{member_id}/exit/", {"kind": "withdrawal"}, Action.DECIDE_MEMBERS),
    (
        "post",
        M + "/movements/{movement_id}/reverse/",
        {"reason": "entered twice"},
        Action.DECIDE_MEMBERS,
    ),
    ("get", M + "/transfers/", None, Action.VIEW_MEMBERS),
    (
        "post",
        M + "/transfers/{transfer_id}/decide/",
        {"decision": "approve", "decision_reference": "CdA 1/2025"},
        Action.DECIDE_MEMBERS,
    ),
    ("get", M + "/redemptions/", None, Action.VIEW_MEMBERS),
    (
        "post",
        M + "/redemptions/{redemption_id}/pay/",
        {"reference": "CRO 1"},
        Action.MANAGE_MEMBERS,
    ),
    ("get", M + "/capital/", None, Action.VIEW_MEMBERS),
    ("get", M + "/settings/", None, Action.DECIDE_MEMBERS),
    (
        "post",
        M + "/settings/",
        {"form": "category", "code": "nuova", "name": "Nuova categoria"},
        Action.DECIDE_MEMBERS,
    ),
]
