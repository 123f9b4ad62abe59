"""API of share capital: share classes, subscriptions, payments, transfers, exits, reimbursements,
reversals, capital."""

from django.utils.translation import gettext as _
from ninja import Query, Router, Status
from ninja.pagination import paginate

from comunitas.core.endpoints import PUBLIC, Pagination, answers
from comunitas.core.errors import ValidationError
from comunitas.core.lookups import or_404
from comunitas.core.permissions import Action, coop_for
from comunitas.members.book import selectors as book_selectors
from comunitas.members.book import services as book_services
from comunitas.members.book.api import day_or_today, member_with_details, share_class_by_code
from comunitas.members.book.schemas import DecisionIn, MemberOut, MovementOut, OnDate, RedemptionOut
from comunitas.members.models import ShareClass
from comunitas.members.shares import selectors, services
from comunitas.members.shares.schemas import (
    CapitalOut,
    ExitIn,
    PaymentIn,
    RedemptionPaymentIn,
    ReversalIn,
    ShareClassIn,
    ShareClassOut,
    SubscriptionIn,
    TransferIn,
    TransferOut,
    TransferQuery,
)

router = Router()
BOOK = "/coops/{slug}"


def _class_movement(request, slug: str, member_id: int, payload, record) -> Status:
    """A subscription or payment of the class of shares the payload names by code: ``record``
    (the service) takes the payload's other fields as they are."""
    coop = coop_for(request.auth, slug, Action.MANAGE_MEMBERS)
    movement = record(
        actor=request.auth,
        member=or_404(book_selectors.member_get, coop=coop, pk=member_id),
        share_class=share_class_by_code(coop, payload.share_class),
        **payload.dict(exclude={"share_class"}),
    )
    return Status(201, movement)


@router.post(
    f"{BOOK}/members/{{int:member_id}}/subscriptions",
    response=answers(201, MovementOut),
    tags=["shares"],
)
def shares_subscribe(request, slug: str, member_id: int, payload: SubscriptionIn):
    """A current member subscribes more shares (to be paid)."""
    return _class_movement(request, slug, member_id, payload, services.shares_subscribe)


@router.post(
    f"{BOOK}/members/{{int:member_id}}/payments",
    response=answers(201, MovementOut),
    tags=["shares"],
)
def payment_record(request, slug: str, member_id: int, payload: PaymentIn):
    """A payment towards subscribed shares, never more than what is still to pay."""
    return _class_movement(request, slug, member_id, payload, services.payment_record)


@router.post(
    f"{BOOK}/members/{{int:member_id}}/exit", response=answers(200, MemberOut), tags=["members"]
)
def member_exit(request, slug: str, member_id: int, payload: ExitIn):
    """A member leaves; the shares become a redemption owed; the member stays in the book."""
    coop = coop_for(request.auth, slug, Action.DECIDE_MEMBERS)
    services.member_exit(
        actor=request.auth,
        member=or_404(book_selectors.member_get, coop=coop, pk=member_id),
        kind=payload.kind,
        on_date=payload.on_date,
        reason=payload.reason,
        decision_reference=payload.decision_reference,
        redemption_amount=payload.redemption_amount,
        due_on=payload.due_on,
    )
    return member_with_details(coop, member_id)


@router.post(
    f"{BOOK}/members/{{int:member_id}}/transfers",
    response=answers(201, TransferOut),
    tags=["transfers"],
)
def transfer_request(request, slug: str, member_id: int, payload: TransferIn):
    """Ask the board to approve a transfer of paid-up shares to another current member."""
    coop = coop_for(request.auth, slug, Action.MANAGE_MEMBERS)
    seller = or_404(book_selectors.member_get, coop=coop, pk=member_id)
    buyer = book_selectors.current_member_by_number(
        coop=coop, number=payload.buyer_number, field="buyer_number"
    )
    transfer = services.transfer_request(
        actor=request.auth,
        seller=seller,
        buyer=buyer,
        share_class=share_class_by_code(coop, payload.share_class),
        shares=payload.shares,
        on_date=payload.on_date,
    )
    return Status(201, transfer)


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
    transfer = or_404(selectors.transfer_get, coop=coop, pk=transfer_id)
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
    redemption = or_404(selectors.redemption_get, coop=coop, pk=redemption_id)
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
    movement = or_404(selectors.movement_get, coop=coop, pk=movement_id)
    reversal = services.movement_reverse(
        actor=request.auth, movement=movement, reason=payload.reason
    )
    return Status(201, reversal)


@router.get(f"{BOOK}/capital", response=answers(200, CapitalOut), tags=["shares"])
def capital(request, slug: str, filters: Query[OnDate]):
    """Share capital subscribed and paid on a date, per class and in total."""
    coop = coop_for(request.auth, slug, Action.VIEW_MEMBERS)
    summary = book_selectors.capital_summary(coop=coop, on_date=day_or_today(filters.on))
    return {
        "on_date": summary.on_date,
        "shares": summary.shares,
        "subscribed": summary.subscribed,
        "paid": summary.paid,
        "to_pay": summary.to_pay,
        "by_class": summary.by_class,
    }


@router.get(
    f"{BOOK}/share-classes",
    response=answers(200, list[ShareClassOut]),
    tags=["shares"],
    openapi_extra=PUBLIC,
)
@paginate(Pagination)
def share_class_list(request, slug: str):
    coop = coop_for(request.auth, slug, Action.APPLY_MEMBERSHIP)
    book_services.book_setup(coop=coop)
    return book_selectors.share_classes(coop=coop)


@router.post(f"{BOOK}/share-classes", response=answers(201, ShareClassOut), tags=["shares"])
def share_class_create(request, slug: str, payload: ShareClassIn):
    """Issue a new class of shares; its nominal value is checked against art. 2525 c.c."""
    coop = coop_for(request.auth, slug, Action.DECIDE_MEMBERS)
    book_services.book_setup(coop=coop)
    if ShareClass.objects.filter(coop=coop, code=payload.code).exists():
        raise ValidationError(_("A class of shares with this code exists already."), field="code")
    return Status(201, services.share_class_create(actor=request.auth, coop=coop, **payload.dict()))
