"""API of the caller's own personal data in a cooperative: download them, ask for erasure.

Like the portal, these operations take no member id: the membership is the caller's own."""

from __future__ import annotations

from datetime import datetime
from typing import Any, Literal

from django.utils.translation import gettext as _
from ninja import Router, Schema

from comunitas.core.api import answers
from comunitas.core.permissions import Action, coop_for
from comunitas.members import gdpr, selectors

router = Router(tags=["portal"])


class ErasureOut(Schema):
    """``erased``: done now; ``requested``: recorded, carried out when ``detail`` allows;
    ``none``: the caller is not in the member book, so there is nothing to erase."""

    status: Literal["erased", "requested", "none"]
    detail: str
    erasure_requested_at: datetime | None = None
    erased_at: datetime | None = None


@router.get("/coops/{slug}/me/membership/data", response=answers(200, dict[str, Any]))
def my_data(request, slug: str):
    """Everything the cooperative holds about the caller (GDPR art. 15 and 20): the membership
    with consents, application, share ledger, transfers, reimbursement, the audit trail about
    it and the login; only the login when the caller is not in the member book."""
    coop = coop_for(request.auth, slug, Action.VIEW_OWN_MEMBERSHIP)
    return gdpr.personal_data(coop=coop, user=request.auth)


@router.post("/coops/{slug}/me/membership/erasure", response=answers(200, ErasureOut))
def my_erasure(request, slug: str):
    """Ask for the erasure of one's personal data (GDPR art. 17): done at once for an applicant
    (the application is withdrawn) or a former member, recorded for the board and carried out
    when the membership ends for a current member."""
    coop = coop_for(request.auth, slug, Action.VIEW_OWN_MEMBERSHIP)
    member = selectors.member_of(coop=coop, user=request.auth)
    if member is None:
        return {
            "status": "none",
            "detail": _("You are not in the member book of this cooperative."),
        }
    member = gdpr.erasure_request(actor=request.auth, member=member)
    if member.is_erased:
        return {
            "status": "erased",
            "detail": _("Your personal data are erased."),
            "erasure_requested_at": member.erasure_requested_at,
            "erased_at": member.erased_at,
        }
    return {
        "status": "requested",
        "detail": gdpr.erasure_blocker(member),
        "erasure_requested_at": member.erasure_requested_at,
    }
