"""API of the member book (libro soci): members, applications, categories, eligibility, the
register."""

import json
from datetime import date
from typing import Any

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.db.models import Case, DateField, F, Prefetch, When, prefetch_related_objects
from django.http import Http404, HttpResponse
from django.utils import timezone
from django.utils.translation import gettext as _
from ninja import Query, Router, Status
from ninja.errors import HttpError
from ninja.pagination import paginate
from ninja.responses import NinjaJSONEncoder

from comunitas.core import throttle
from comunitas.core.endpoints import ERRORS, PUBLIC, Pagination, answers
from comunitas.core.errors import ValidationError
from comunitas.core.kernel.types import user_of
from comunitas.core.lookups import or_404
from comunitas.core.models import Cooperative
from comunitas.core.permissions import Action, authorize, can, check_slug, coop_for, role_allows
from comunitas.core.territory.selectors import municipality_resolve
from comunitas.core.versions import coop_access
from comunitas.members.book import cache, selectors, services
from comunitas.members.book.schemas import (
    ApplicationIn,
    ApplicationOut,
    ApplicationQuery,
    CategoryIn,
    CategoryOut,
    DecisionIn,
    EligibilityOut,
    MemberFields,
    MemberOut,
    MemberPage,
    MemberPatch,
    MemberQuery,
    OnDate,
    RegisterLine,
)
from comunitas.members.models import (
    Application,
    Member,
    ShareClass,
    ShareMovement,
    StakeholderCategory,
)

router = Router()
# The member list alone, mounted right after core's routes (comunitas/api.py): Django tries the
# API's patterns one by one, and scripts read the list more than anything else of the book.
list_router = Router()
BOOK = "/coops/{slug}"


# --- lookups ------------------------------------------------------------------------------------
def category_by_code(coop: Cooperative, code: str) -> StakeholderCategory:
    found = StakeholderCategory.objects.filter(coop=coop, code=code).first()
    if found is None:
        raise ValidationError(_("Unknown category: %(code)s.") % {"code": code}, field="category")
    return found


def share_class_by_code(coop: Cooperative, code: str) -> ShareClass:
    found = ShareClass.objects.filter(coop=coop, code=code).first()
    if found is None:
        raise ValidationError(
            _("Unknown class of shares: %(code)s.") % {"code": code}, field="share_class"
        )
    return found


def member_fields_in(coop: Cooperative, values: dict[str, Any]) -> dict[str, Any]:
    """Codes and municipality names turned into the objects the services take."""
    fields = dict(values)
    if "category" in fields:
        fields["category"] = category_by_code(coop, fields["category"])
    if "residence" in fields:
        text = fields["residence"].strip()
        fields["residence"] = municipality_resolve(text, field="residence") if text else None
    return fields


def member_with_details(coop: Cooperative, member_id: int) -> Member:
    """A member with what its page shows: holdings, consents, movements (few queries)."""
    member = or_404(selectors.member_get, coop=coop, pk=member_id)
    prefetch_related_objects(
        [member],
        "consents",
        Prefetch("movements", queryset=ShareMovement.objects.select_related("share_class")),
    )
    member.current_holdings = selectors.holdings(member=member)
    return member


def _application(member: Member) -> Application:
    found = selectors.application_list(coop=member.coop, status="")
    return found.get(member=member)


def day_or_today(on: date | None) -> date:
    return on or timezone.localdate()


# --- the book -----------------------------------------------------------------------------------
@list_router.get(f"{BOOK}/members", response=answers(200, MemberPage), tags=["members"])
def member_list(
    request, slug: str, filters: Query[MemberQuery], page: Query[Pagination.Input]
) -> HttpResponse:
    """Applicants, members and former members with their holdings; search with ``q``.

    Kept in the cache for staff and the board under the book's version (members.book_cache):
    then one query besides the caller's login (the cooperative, the caller's role in it and
    the version), or one in all for a script's token (comunitas/api.py); three when it is not
    cached (that one, the count and the page, whatever the size of the book)."""
    check_slug(slug)
    user = request.auth
    access = coop_access(slug=slug, user_id=user.pk, scope=cache.BOOK)
    if access is None or not role_allows(
        access.role, is_public=access.is_public, action=Action.VIEW_MEMBERS
    ):
        coop_for(user, slug, Action.VIEW_MEMBERS)  # the refusal this caller is owed
        raise PermissionDenied  # only if the role came between the two reads
    query = request.META.get("QUERY_STRING", "")
    body = cache.book_get(access, "list", query)
    if body is None:
        # The access query has authorised the caller; the selector needs only the id.
        coop = Cooperative(pk=access.coop_id, is_public=access.is_public)
        values = {k: v or "" for k, v in filters.dict().items()}
        found = selectors.member_list(coop=coop, filters=selectors.MemberFilters(**values))
        limit = min(page.limit, settings.NINJA_PAGINATION_MAX_LIMIT)
        items = list(found[page.offset : page.offset + limit])
        answer = MemberPage.model_validate({"items": items, "count": found.count()})
        body = json.dumps(answer.model_dump(), cls=NinjaJSONEncoder).encode()
        cache.book_set(access, "list", query, body)
    return HttpResponse(body, content_type="application/json")


# Ids are matched as integers ({int:…}), so that /members/applications and the paths of other
# routers under /members/ never reach /members/{member_id}.
@router.get(
    f"{BOOK}/members/applications",
    response=answers(200, list[ApplicationOut]),
    tags=["applications"],
)
@paginate(Pagination)
def application_list(request, slug: str, filters: Query[ApplicationQuery]):
    """Applications, oldest first; ``status`` pending, approved or rejected (all when left out)."""
    coop = coop_for(request.auth, slug, Action.VIEW_MEMBERS)
    return selectors.application_list(coop=coop, status=filters.status or "")


@router.post(
    f"{BOOK}/members/applications",
    response={**answers(201, ApplicationOut), 429: ERRORS[422]},
    tags=["applications"],
    openapi_extra=PUBLIC,
)
def application_submit(request, slug: str, payload: ApplicationIn):
    """Apply for membership (anyone, on a public cooperative). Staff enter paper forms with
    ``source: "paper"`` and the date on the form. An online application is linked to the
    caller's login, so the portal shows it at once; an anonymous applicant gets a login at
    admission."""
    coop = coop_for(request.auth, slug, Action.APPLY_MEMBERSHIP)
    if payload.source == "paper":
        authorize(request.auth, coop, Action.MANAGE_MEMBERS)
    elif payload.applied_on is not None:
        raise ValidationError(
            _("Only a paper application entered by staff carries its own date."),
            field="applied_on",
        )
    anonymous = not request.auth.is_authenticated
    limit = settings.APPLICATIONS_PER_HOUR
    if anonymous and throttle.exhausted(request, "apply", limit=limit):
        raise HttpError(429, _("Too many applications from your connection: try again later."))
    services.book_setup(coop=coop)
    values = payload.dict(include=set(MemberFields.model_fields) | {"kind", "category"})
    if values["category"] is None:
        del values["category"]  # the service picks the default for the kind
    fields = member_fields_in(coop, values)
    # An online application is the caller's own, as on the web form; staff entering a paper
    # form apply for someone else.
    mine = payload.source == "online" and not anonymous
    member = services.application_submit(
        actor=user_of(request.auth),
        coop=coop,
        **fields,
        shares=payload.shares,
        share_class=share_class_by_code(coop, payload.share_class) if payload.share_class else None,
        consents=payload.consents.dict(),
        source=payload.source,
        motivation=payload.motivation.strip(),
        on_date=payload.applied_on,
        user=request.auth if mine else None,
    )
    if anonymous:
        throttle.count(request, "apply", per_seconds=3600)
    return Status(201, _application(member))


@router.post(
    f"{BOOK}/members/applications/{{int:application_id}}/decision",
    response=answers(200, ApplicationOut),
    tags=["applications"],
)
def application_decide(request, slug: str, application_id: int, payload: DecisionIn):
    """The board admits (register number, subscription, login) or rejects (reason kept)."""
    coop = coop_for(request.auth, slug, Action.DECIDE_MEMBERS)
    application = or_404(selectors.application_get, coop=coop, member_id=application_id)
    member = services.application_decide(
        actor=request.auth,
        member=application.member,
        approve=payload.approve,
        decided_on=payload.decided_on,
        decision_reference=payload.decision_reference,
        reason=payload.reason,
    )
    return _application(member)


@router.get(f"{BOOK}/members/{{int:member_id}}", response=answers(200, MemberOut), tags=["members"])
def member_get(request, slug: str, member_id: int):
    """Everything the book holds about a member. Staff and the board read any; anyone else
    only their own membership (another id answers 404)."""
    coop = coop_for(request.auth, slug, Action.VIEW_OWN_MEMBERSHIP)
    own = Member.objects.filter(coop=coop, user=request.auth, pk=member_id)
    if not can(request.auth, coop, Action.VIEW_MEMBERS) and not own.exists():
        raise Http404
    return member_with_details(coop, member_id)


@router.patch(
    f"{BOOK}/members/{{int:member_id}}", response=answers(200, MemberOut), tags=["members"]
)
def member_update(request, slug: str, member_id: int, payload: MemberPatch):
    """Correct a member's data; only the fields sent change."""
    coop = coop_for(request.auth, slug, Action.MANAGE_MEMBERS)
    member = or_404(selectors.member_get, coop=coop, pk=member_id)
    fields = member_fields_in(coop, payload.dict(exclude_unset=True))
    services.member_update(actor=request.auth, member=member, fields=fields)
    return member_with_details(coop, member_id)


# --- figures on a date --------------------------------------------------------------------------
@router.get(f"{BOOK}/eligibility", response=answers(200, EligibilityOut), tags=["members"])
def eligibility(request, slug: str, filters: Query[OnDate]):
    """Who may vote in an assembly held on ``on`` and with how many votes (art. 2538 c.c.;
    financing members together at most one third, L. 59/1992 art. 4)."""
    coop = coop_for(request.auth, slug, Action.VIEW_MEMBERS)
    found = selectors.eligible_voters(coop=coop, on_date=day_or_today(filters.on))

    def who(member: Member) -> dict[str, Any]:
        return {
            "member_id": member.pk,
            "number": member.number,
            "name": member.display_name,
            "category": member.category.code,
        }

    def fraction(value) -> str:
        return str(value)  # Fraction prints as "n/d", or "n" when whole

    return {
        "on_date": found.on_date,
        "enrolled_before": found.enrolled_before,
        "voters": [
            {**who(v.member), "votes": v.votes_display, "votes_fraction": fraction(v.votes)}
            for v in found.voters
        ],
        "total_votes": found.total_display,
        "total_votes_fraction": fraction(found.total_votes),
        "financing_scaled": found.financing_scaled,
        "not_yet": [{**who(m), "admitted_on": m.admitted_on} for m in found.not_yet],
    }


@router.get(f"{BOOK}/register", response=answers(200, list[RegisterLine]), tags=["members"])
@paginate(Pagination)
def register(request, slug: str, filters: Query[OnDate]):
    """The libro soci as it stood on a date, in register order, with that day's holdings; a
    member who had left by then shows the date of leaving."""
    coop = coop_for(request.auth, slug, Action.VIEW_MEMBERS)
    day = day_or_today(filters.on)
    return selectors.register(coop=coop, on_date=day).annotate(
        left_by_then=Case(
            When(exited_on__lte=day, then=F("exited_on")), default=None, output_field=DateField()
        )
    )


# --- categories and share classes ---------------------------------------------------------------
# Readable by whoever may apply (anyone, on a public cooperative): the application names a
# category and a class of shares, and neither holds personal data.
@router.get(
    f"{BOOK}/categories",
    response=answers(200, list[CategoryOut]),
    tags=["members"],
    openapi_extra=PUBLIC,
)
@paginate(Pagination)
def category_list(request, slug: str):
    coop = coop_for(request.auth, slug, Action.APPLY_MEMBERSHIP)
    services.book_setup(coop=coop)  # the defaults, for a cooperative new to the member book
    return selectors.categories(coop=coop)


@router.post(f"{BOOK}/categories", response=answers(201, CategoryOut), tags=["members"])
def category_create(request, slug: str, payload: CategoryIn):
    """Add a stakeholder category (the statute's categories of members)."""
    coop = coop_for(request.auth, slug, Action.DECIDE_MEMBERS)
    services.book_setup(coop=coop)  # a first custom category must not suppress the defaults
    if StakeholderCategory.objects.filter(coop=coop, code=payload.code).exists():
        raise ValidationError(_("A category with this code exists already."), field="code")
    return Status(201, services.category_save(actor=request.auth, coop=coop, fields=payload.dict()))
