"""API of the caller's own membership in a cooperative: their record, contacts and consents,
all their personal data, and the request to erase them.

These operations take no member id: the membership is the caller's own."""

from __future__ import annotations

from datetime import datetime
from typing import Any, Literal

from django.db import transaction
from django.http import Http404
from django.utils.translation import gettext as _
from ninja import Router, Schema

from comunitas.core.endpoints import answers
from comunitas.core.models import Cooperative
from comunitas.core.permissions import Action, coop_for
from comunitas.members.book import selectors as book_selectors
from comunitas.members.book import services as book_services
from comunitas.members.book.api import member_fields_in, member_with_details
from comunitas.members.book.schemas import (
    ConsentOut,
    ConsentsPatch,
    ContactsPatch,
    MemberOut,
    consents_in_force,
)
from comunitas.members.models import Member
from comunitas.members.portal import selectors, services

router = Router(tags=["portal"])
BOOK = "/coops/{slug}"


def _own(request, slug: str) -> tuple[Cooperative, Member]:
    """The caller's own membership (or application); 404 when the caller has none."""
    coop = coop_for(request.auth, slug, Action.VIEW_OWN_MEMBERSHIP)
    mine = book_selectors.member_of(coop=coop, user=request.auth)
    if mine is None:
        raise Http404
    return coop, mine


# --- the member's own portal --------------------------------------------------------------------
@router.get(f"{BOOK}/me/membership", response=answers(200, MemberOut), tags=["portal"])
def my_membership(request, slug: str):
    """The caller's own membership (or application): data, holdings, movements, consents."""
    coop, mine = _own(request, slug)
    return member_with_details(coop, mine.pk)


@router.patch(f"{BOOK}/me/membership", response=answers(200, MemberOut), tags=["portal"])
def my_contacts_update(request, slug: str, payload: ContactsPatch):
    """Change one's own contacts; the rest of the data is corrected by staff."""
    coop, mine = _own(request, slug)
    fields = member_fields_in(coop, payload.dict(exclude_unset=True))
    book_services.member_update(actor=request.auth, member=mine, fields=fields)
    return member_with_details(coop, mine.pk)


@router.patch(
    f"{BOOK}/me/membership/consents", response=answers(200, list[ConsentOut]), tags=["portal"]
)
def my_consents_update(request, slug: str, payload: ConsentsPatch):
    """Give or withdraw consents, each recorded with its date; all or none change."""
    coop, mine = _own(request, slug)
    with transaction.atomic():
        for kind, given in payload.dict(exclude_unset=True).items():
            book_services.consent_set(actor=request.auth, member=mine, kind=kind, given=given)
    return consents_in_force(member_with_details(coop, mine.pk))


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
    return selectors.personal_data(coop=coop, user=request.auth)


@router.post("/coops/{slug}/me/membership/erasure", response=answers(200, ErasureOut))
def my_erasure(request, slug: str):
    """Ask for the erasure of one's personal data (GDPR art. 17): done at once for an applicant
    (the application is withdrawn) or a former member, recorded for the board and carried out
    when the membership ends for a current member."""
    coop = coop_for(request.auth, slug, Action.VIEW_OWN_MEMBERSHIP)
    member = book_selectors.member_of(coop=coop, user=request.auth)
    if member is None:
        return {
            "status": "none",
            "detail": _("You are not in the member book of this cooperative."),
        }
    member = services.erasure_request(actor=request.auth, member=member)
    if member.is_erased:
        return {
            "status": "erased",
            "detail": _("Your personal data are erased."),
            "erasure_requested_at": member.erasure_requested_at,
            "erased_at": member.erased_at,
        }
    return {
        "status": "requested",
        "detail": selectors.erasure_blocker(member),
        "erasure_requested_at": member.erasure_requested_at,
    }
