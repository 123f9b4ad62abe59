"""Permission-matrix rows (method, path, body, action) of the member book's pages
(members/book/views.py). Each POST body is valid, so allowed roles get their 302."""

from __future__ import annotations

from datetime import date

from comunitas.core.permissions import Action
from tests.helpers import person


def application_form(n: int, **extra) -> dict[str, str]:
    """Person ``n`` of tests/helpers.py as the application form posts it."""
    data = {
        key: value.isoformat() if isinstance(value, date) else value
        for key, value in person(n).items()
    }
    return {
        **data,
        "category": "fruitore",
        "residence": "Mendatica (IM)",
        "shares": "1",
        "consent_privacy": "on",
        **extra,
    }


# Person 1 is "member1"'s own membership in matrix.ids(): its data, corrected.
EDIT = {
    key: value
    for key, value in application_form(1, phone="0183 12345").items()
    if key not in ("shares", "consent_privacy")
}
DECIDE = {"decision": "approve", "decision_reference": "CdA 12/03/2025"}

WEB = [
    ("get", "/c/{slug}/join/", None, Action.APPLY_MEMBERSHIP),
    ("post", "/c/{slug}/join/", application_form(5), Action.APPLY_MEMBERSHIP),
    ("get", "/c/{slug}/join/thanks/", None, Action.APPLY_MEMBERSHIP),
    ("get", "/c/{slug}/members/", None, Action.VIEW_MEMBERS),
    ("get", "/c/{slug}/members/new/", None, Action.MANAGE_MEMBERS),
    (
        "post",
        "/c/{slug}/members/new/",
        application_form(6, applied_on=date(2025, 1, 10).isoformat()),
        Action.MANAGE_MEMBERS,
    ),
    ("get", "/c/{slug}/members/{member_id}/", None, Action.VIEW_MEMBERS),
    ("get", "/c/{slug}/members/{member_id}/edit/", None, Action.MANAGE_MEMBERS),
    ("post", "/c/{slug}/members/{member_id}/edit/", EDIT, Action.MANAGE_MEMBERS),
    ("get", "/c/{slug}/members/applications/", None, Action.VIEW_MEMBERS),
    (
        "post",
        "/c/{slug}/members/applications/{application_id}/decide/",
        DECIDE,
        Action.DECIDE_MEMBERS,
    ),
    ("get", "/c/{slug}/members/eligibility/", None, Action.VIEW_MEMBERS),
    # member_id is a current member: erasure is refused with a message, still a redirect.
    ("post", "/c/{slug}/members/{member_id}/erase/", {"confirm": "1"}, Action.DECIDE_MEMBERS),
]
