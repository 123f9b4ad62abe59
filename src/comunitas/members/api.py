"""API of the member book (libro soci): members, applications, shares, transfers, exits, voting
eligibility, capital, the register on a date, and the member's own portal.

Same rules as the web pages: staff and the board see the book, a member sees only its own
membership (another member's id answers 404, as if it did not exist), nobody from another
cooperative sees anything. Parsing here, rules in ``members.services``."""

import json
from datetime import date
from typing import Any

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.db.models import Case, DateField, F, Prefetch, When, prefetch_related_objects
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404
from django.utils import timezone
from django.utils.translation import gettext as _
from ninja import Query, Router, Status
from ninja.errors import HttpError
from ninja.pagination import paginate
from ninja.responses import NinjaJSONEncoder

from comunitas.core import throttle
from comunitas.core.api import ERRORS, PUBLIC, Pagination, answers
from comunitas.core.errors import ValidationError
from comunitas.core.models import Cooperative
from comunitas.core.permissions import Action, authorize, can, check_slug, coop_for, role_allows
from comunitas.core.selectors import municipality_resolve
from comunitas.core.versions import coop_access
from comunitas.members import book_cache, selectors, services
from comunitas.members.models import (
    Application,
    Member,
    Redemption,
    ShareClass,
    ShareMovement,
    ShareTransfer,
    StakeholderCategory,
)
from comunitas.members.schemas import (
    ApplicationIn,
    ApplicationOut,
    ApplicationQuery,
    CapitalOut,
    CategoryIn,
    CategoryOut,
    ConsentOut,
    ConsentsPatch,
    ContactsPatch,
    DecisionIn,
    EligibilityOut,
    ExitIn,
    MemberFields,
    MemberOut,
    MemberPage,
    MemberPatch,
    MemberQuery,
    MovementOut,
    OnDate,
    PaymentIn,
    RedemptionOut,
    RedemptionPaymentIn,
    RegisterLine,
    ReversalIn,
    ShareClassIn,
    ShareClassOut,
    SubscriptionIn,
    TransferIn,
    TransferOut,
    TransferQuery,
    consents_in_force,
)

router = Router()
# The member list alone, mounted right after core's routes (comunitas/api.py): Django tries the
# API's patterns one by one, and scripts read the list more than anything else of the book.
list_router = Router()
BOOK = "/coops/{slug}"


# --- lookups ------------------------------------------------------------------------------------
def _actor(request):
    return request.auth if request.auth.is_authenticated else None


def _member(coop: Cooperative, member_id: int) -> Member:
    return get_object_or_404(
        Member.objects.select_related("coop", "category"), pk=member_id, coop=coop
    )


def _category(coop: Cooperative, code: str) -> StakeholderCategory:
    found = StakeholderCategory.objects.filter(coop=coop, code=code).first()
    if found is None:
        raise ValidationError(_("Unknown category: %(code)s.") % {"code": code}, field="category")
    return found


def _share_class(coop: Cooperative, code: str) -> ShareClass:
    found = ShareClass.objects.filter(coop=coop, code=code).first()
    if found is None:
        raise ValidationError(
            _("Unknown class of shares: %(code)s.") % {"code": code}, field="share_class"
        )
    return found


def _member_fields(coop: Cooperative, values: dict[str, Any]) -> dict[str, Any]:
    """Codes and municipality names turned into the objects the services take."""
    fields = dict(values)
    if "category" in fields:
        fields["category"] = _category(coop, fields["category"])
    if "residence" in fields:
        text = fields["residence"].strip()
        fields["residence"] = municipality_resolve(text, field="residence") if text else None
    return fields


def _detail(coop: Cooperative, member_id: int) -> Member:
    """A member with what its page shows: holdings, consents, movements (few queries)."""
    try:
        member = selectors.member_get(coop=coop, pk=member_id)
    except Member.DoesNotExist:
        raise Http404 from None
    prefetch_related_objects(
        [member],
        "consents",
        Prefetch("movements", queryset=ShareMovement.objects.select_related("share_class")),
    )
    member.current_holdings = selectors.holdings(member=member)
    return member


def _own(request, slug: str) -> tuple[Cooperative, Member]:
    """The caller's own membership (or application); 404 when the caller has none."""
    coop = coop_for(request.auth, slug, Action.VIEW_OWN_MEMBERSHIP)
    mine = selectors.member_of(coop=coop, user=request.auth)
    if mine is None:
        raise Http404
    return coop, mine


def _application(member: Member) -> Application:
    found = selectors.application_list(coop=member.coop, status="")
    return found.get(member=member)


def _day(on: date | None) -> date:
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
    access = coop_access(slug=slug, user_id=user.pk, scope=book_cache.BOOK)
    if access is None or not role_allows(
        access.role, is_public=access.is_public, action=Action.VIEW_MEMBERS
    ):
        coop_for(user, slug, Action.VIEW_MEMBERS)  # the refusal this caller is owed
        raise PermissionDenied  # only if the role came between the two reads
    query = request.META.get("QUERY_STRING", "")
    body = book_cache.book_get(access, "list", query)
    if body is None:
        # The access query has authorised the caller; the selector needs only the id.
        coop = Cooperative(pk=access.coop_id, is_public=access.is_public)
        values = {k: v or "" for k, v in filters.dict().items()}
        found = selectors.member_list(coop=coop, filters=selectors.MemberFilters(**values))
        limit = min(page.limit, settings.NINJA_PAGINATION_MAX_LIMIT)
        items = list(found[page.offset : page.offset + limit])
        answer = MemberPage.model_validate({"items": items, "count": found.count()})
        body = json.dumps(answer.model_dump(), cls=NinjaJSONEncoder).encode()
        book_cache.book_set(access, "list", query, body)
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
    fields = _member_fields(coop, values)
    # An online application is the caller's own, as on the web form; staff entering a paper
    # form apply for someone else.
    mine = payload.source == "online" and not anonymous
    member = services.application_submit(
        actor=_actor(request),
        coop=coop,
        fields=fields,
        shares=payload.shares,
        share_class=_share_class(coop, payload.share_class) if payload.share_class else None,
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
    application = get_object_or_404(
        Application.objects.select_related("member__coop", "member__category"),
        member_id=application_id,
        member__coop=coop,
    )
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
    return _detail(coop, member_id)


@router.patch(
    f"{BOOK}/members/{{int:member_id}}", response=answers(200, MemberOut), tags=["members"]
)
def member_update(request, slug: str, member_id: int, payload: MemberPatch):
    """Correct a member's data; only the fields sent change."""
    coop = coop_for(request.auth, slug, Action.MANAGE_MEMBERS)
    member = _member(coop, member_id)
    fields = _member_fields(coop, payload.dict(exclude_unset=True))
    services.member_update(actor=request.auth, member=member, fields=fields)
    return _detail(coop, member_id)


@router.post(
    f"{BOOK}/members/{{int:member_id}}/subscriptions",
    response=answers(201, MovementOut),
    tags=["shares"],
)
def shares_subscribe(request, slug: str, member_id: int, payload: SubscriptionIn):
    """A current member subscribes more shares (to be paid)."""
    coop = coop_for(request.auth, slug, Action.MANAGE_MEMBERS)
    movement = services.shares_subscribe(
        actor=request.auth,
        member=_member(coop, member_id),
        share_class=_share_class(coop, payload.share_class),
        shares=payload.shares,
        on_date=payload.on_date,
        reference=payload.reference,
    )
    return Status(201, movement)


@router.post(
    f"{BOOK}/members/{{int:member_id}}/payments",
    response=answers(201, MovementOut),
    tags=["shares"],
)
def payment_record(request, slug: str, member_id: int, payload: PaymentIn):
    """A payment towards subscribed shares, never more than what is still to pay."""
    coop = coop_for(request.auth, slug, Action.MANAGE_MEMBERS)
    movement = services.payment_record(
        actor=request.auth,
        member=_member(coop, member_id),
        share_class=_share_class(coop, payload.share_class),
        amount=payload.amount,
        on_date=payload.on_date,
        reference=payload.reference,
    )
    return Status(201, movement)


@router.post(
    f"{BOOK}/members/{{int:member_id}}/transfers",
    response=answers(201, TransferOut),
    tags=["transfers"],
)
def transfer_request(request, slug: str, member_id: int, payload: TransferIn):
    """Ask the board to approve a transfer of paid-up shares to another current member."""
    coop = coop_for(request.auth, slug, Action.MANAGE_MEMBERS)
    seller = _member(coop, member_id)
    buyer = selectors.current_member_by_number(
        coop=coop, number=payload.buyer_number, field="buyer_number"
    )
    transfer = services.transfer_request(
        actor=request.auth,
        seller=seller,
        buyer=buyer,
        share_class=_share_class(coop, payload.share_class),
        shares=payload.shares,
        on_date=payload.on_date,
    )
    return Status(201, transfer)


@router.post(
    f"{BOOK}/members/{{int:member_id}}/exit", response=answers(200, MemberOut), tags=["members"]
)
def member_exit(request, slug: str, member_id: int, payload: ExitIn):
    """A member leaves; the shares become a redemption owed; the member stays in the book."""
    coop = coop_for(request.auth, slug, Action.DECIDE_MEMBERS)
    services.member_exit(
        actor=request.auth,
        member=_member(coop, member_id),
        kind=payload.kind,
        on_date=payload.on_date,
        reason=payload.reason,
        decision_reference=payload.decision_reference,
        redemption_amount=payload.redemption_amount,
        due_on=payload.due_on,
    )
    return _detail(coop, member_id)


# --- transfers, redemptions, movements ----------------------------------------------------------
@router.get(f"{BOOK}/transfers", response=answers(200, list[TransferOut]), tags=["transfers"])
@paginate(Pagination)
def transfer_list(request, slug: str, filters: Query[TransferQuery]):
    coop = coop_for(request.auth, slug, Action.VIEW_MEMBERS)
    return selectors.transfer_list(coop=coop, status=filters.status or "")


@router.post(
    f"{BOOK}/transfers/{{int:transfer_id}}/decision",
    response=answers(200, TransferOut),
    tags=["transfers"],
)
def transfer_decide(request, slug: str, transfer_id: int, payload: DecisionIn):
    """The board approves (the shares move) or rejects (reason kept) a transfer."""
    coop = coop_for(request.auth, slug, Action.DECIDE_MEMBERS)
    transfer = get_object_or_404(ShareTransfer, pk=transfer_id, coop=coop)
    transfer = services.transfer_decide(
        actor=request.auth,
        transfer=transfer,
        approve=payload.approve,
        decided_on=payload.decided_on,
        decision_reference=payload.decision_reference,
        reason=payload.reason,
    )
    return selectors.transfer_list(coop=coop).get(pk=transfer.pk)


@router.post(
    f"{BOOK}/redemptions/{{int:redemption_id}}/payment",
    response=answers(200, RedemptionOut),
    tags=["shares"],
)
def redemption_pay(request, slug: str, redemption_id: int, payload: RedemptionPaymentIn):
    """Record that a former member has been reimbursed."""
    coop = coop_for(request.auth, slug, Action.MANAGE_MEMBERS)
    redemption = get_object_or_404(Redemption, pk=redemption_id, member__coop=coop)
    return services.redemption_pay(
        actor=request.auth,
        redemption=redemption,
        paid_on=payload.paid_on,
        reference=payload.reference,
    )


@router.post(
    f"{BOOK}/movements/{{int:movement_id}}/reversal",
    response=answers(201, MovementOut),
    tags=["shares"],
)
def movement_reverse(request, slug: str, movement_id: int, payload: ReversalIn):
    """Undo a wrong payment or subscription by its opposite; the ledger keeps both."""
    coop = coop_for(request.auth, slug, Action.DECIDE_MEMBERS)
    movement = get_object_or_404(
        ShareMovement.objects.select_related("member", "share_class"), pk=movement_id, coop=coop
    )
    reversal = services.movement_reverse(
        actor=request.auth, movement=movement, reason=payload.reason
    )
    return Status(201, reversal)


# --- figures on a date --------------------------------------------------------------------------
@router.get(f"{BOOK}/eligibility", response=answers(200, EligibilityOut), tags=["members"])
def eligibility(request, slug: str, filters: Query[OnDate]):
    """Who may vote in an assembly held on ``on`` and with how many votes (art. 2538 c.c.;
    financing members together at most one third, L. 59/1992 art. 4)."""
    coop = coop_for(request.auth, slug, Action.VIEW_MEMBERS)
    found = selectors.eligible_voters(coop=coop, on_date=_day(filters.on))

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


@router.get(f"{BOOK}/capital", response=answers(200, CapitalOut), tags=["shares"])
def capital(request, slug: str, filters: Query[OnDate]):
    """Share capital subscribed and paid on a date, per class and in total."""
    coop = coop_for(request.auth, slug, Action.VIEW_MEMBERS)
    summary = selectors.capital_summary(coop=coop, on_date=_day(filters.on))
    return {
        "on_date": summary.on_date,
        "shares": summary.shares,
        "subscribed": summary.subscribed,
        "paid": summary.paid,
        "to_pay": summary.to_pay,
        "by_class": summary.by_class,
    }


@router.get(f"{BOOK}/register", response=answers(200, list[RegisterLine]), tags=["members"])
@paginate(Pagination)
def register(request, slug: str, filters: Query[OnDate]):
    """The libro soci as it stood on a date, in register order, with that day's holdings; a
    member who had left by then shows the date of leaving."""
    coop = coop_for(request.auth, slug, Action.VIEW_MEMBERS)
    day = _day(filters.on)
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


@router.get(
    f"{BOOK}/share-classes",
    response=answers(200, list[ShareClassOut]),
    tags=["shares"],
    openapi_extra=PUBLIC,
)
@paginate(Pagination)
def share_class_list(request, slug: str):
    coop = coop_for(request.auth, slug, Action.APPLY_MEMBERSHIP)
    services.book_setup(coop=coop)
    return selectors.share_classes(coop=coop)


@router.post(f"{BOOK}/share-classes", response=answers(201, ShareClassOut), tags=["shares"])
def share_class_create(request, slug: str, payload: ShareClassIn):
    """Issue a new class of shares; its nominal value is checked against art. 2525 c.c."""
    coop = coop_for(request.auth, slug, Action.DECIDE_MEMBERS)
    services.book_setup(coop=coop)
    if ShareClass.objects.filter(coop=coop, code=payload.code).exists():
        raise ValidationError(_("A class of shares with this code exists already."), field="code")
    return Status(
        201, services.share_class_create(actor=request.auth, coop=coop, fields=payload.dict())
    )


# --- the member's own portal --------------------------------------------------------------------
@router.get(f"{BOOK}/me/membership", response=answers(200, MemberOut), tags=["portal"])
def my_membership(request, slug: str):
    """The caller's own membership (or application): data, holdings, movements, consents."""
    coop, mine = _own(request, slug)
    return _detail(coop, mine.pk)


@router.patch(f"{BOOK}/me/membership", response=answers(200, MemberOut), tags=["portal"])
def my_contacts_update(request, slug: str, payload: ContactsPatch):
    """Change one's own contacts; the rest of the data is corrected by staff."""
    coop, mine = _own(request, slug)
    fields = _member_fields(coop, payload.dict(exclude_unset=True))
    services.member_update(actor=request.auth, member=mine, fields=fields)
    return _detail(coop, mine.pk)


@router.patch(
    f"{BOOK}/me/membership/consents", response=answers(200, list[ConsentOut]), tags=["portal"]
)
def my_consents_update(request, slug: str, payload: ConsentsPatch):
    """Give or withdraw consents, each recorded with its date; all or none change."""
    coop, mine = _own(request, slug)
    with transaction.atomic():
        for kind, given in payload.dict(exclude_unset=True).items():
            services.consent_set(actor=request.auth, member=mine, kind=kind, given=given)
    return consents_in_force(_detail(coop, mine.pk))
