"""Every write of share capital: share classes, subscriptions, payments, shares from ristorni,
reversals, transfers between members, exits and reimbursements. One transaction each; every
movement is audited."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal
from typing import Any

from django.db import transaction
from django.db.models import Sum
from django.utils.formats import localize
from django.utils.translation import gettext as _

from comunitas.core.audit import audit_record, snapshot
from comunitas.core.errors import ValidationError
from comunitas.core.formatting import euro
from comunitas.core.kernel.edits import assign, locked, save_unique, validated
from comunitas.core.kernel.money import CENT, ZERO, money
from comunitas.core.kernel.types import Actor, user_of
from comunitas.core.models import Cents, Cooperative, Role, RoleKind
from comunitas.core.notify import notify
from comunitas.members.book.checks import decision_day, holding_cap_check, today
from comunitas.members.book.services import (
    book_changed,
    member_audit,
    member_locked,
    member_mail,
    member_snapshot,
)
from comunitas.members.models import (
    ExitKind,
    Member,
    MemberStatus,
    MovementKind,
    Redemption,
    ShareClass,
    ShareMovement,
    ShareTransfer,
)

SHARE_CLASS_FIELDS = (
    "code",
    "name",
    "nominal_value",
    "valid_from",
    "valid_until",
    "min_shares_for_admission",
    "for_financing",
)


@transaction.atomic
def share_class_create(
    *,
    actor: Actor,
    coop: Cooperative,
    code: str = "",
    name: str = "",
    nominal_value: Decimal | None = None,
    valid_from: date | None = None,
    valid_until: date | None = None,
    min_shares_for_admission: int = 1,
    for_financing: bool = False,
) -> ShareClass:
    """Issue a new class of shares, its value checked against the law on its first day."""
    share_class = ShareClass(coop=coop)
    assign(
        share_class,
        {
            "code": code,
            "name": name,
            "nominal_value": nominal_value,
            "valid_from": valid_from,
            "valid_until": valid_until,
            "min_shares_for_admission": min_shares_for_admission,
            "for_financing": for_financing,
        },
        SHARE_CLASS_FIELDS,
    )
    validated(share_class)
    save_unique(share_class, "code", _("A share class with this code exists already."))
    audit_record(
        actor=actor,
        action="share_class.create",
        obj=share_class,
        coop=coop,
        after=snapshot(
            share_class, ["code", "name", "nominal_value", "valid_from", "for_financing"]
        ),
    )
    return share_class


# --- share capital ------------------------------------------------------------------------------
def holding(
    member: Member, share_class: ShareClass, *, on_date: date | None = None
) -> dict[str, Any]:
    """Shares, capital subscribed and paid of one member in one class (on a date)."""
    rows = ShareMovement.objects.filter(member=member, share_class=share_class)
    if on_date:
        rows = rows.filter(on_date__lte=on_date)
    sums = rows.aggregate(
        shares=Sum("shares"), subscribed=Cents(Sum("subscribed")), paid=Cents(Sum("paid"))
    )
    return {
        "shares": sums["shares"] or 0,
        "subscribed": sums["subscribed"] or ZERO,
        "paid": sums["paid"] or ZERO,
    }


def _active(member: Member, field: str = "member") -> None:
    if member.status != MemberStatus.ACTIVE:
        raise ValidationError(_("This is not a current member."), field=field)


def _class_of(member: Member, share_class: ShareClass) -> None:
    if share_class.coop_id != member.coop_id:
        raise ValidationError(
            _("This share class belongs to another cooperative."), field="share_class"
        )


def _check_day(day: date, member: Member) -> None:
    if day > today():
        raise ValidationError(_("The date is in the future."), field="on_date")
    if member.admitted_on and day < member.admitted_on:
        raise ValidationError(_("The date comes before the admission."), field="on_date")


def _share_operation(
    member: Member, share_class: ShareClass, on_date: date | None
) -> tuple[Member, date]:
    """Lock a current member for an operation on ``share_class`` and check its date."""
    member = member_locked(member)
    _active(member)
    _class_of(member, share_class)
    day = on_date or today()
    _check_day(day, member)
    return member, day


def _move(
    actor: Actor, member: Member, share_class: ShareClass, kind: str, day: date, **values: Any
) -> ShareMovement:
    movement = ShareMovement.objects.create(
        coop=member.coop,
        member=member,
        share_class=share_class,
        kind=kind,
        on_date=day,
        recorded_by=user_of(actor),
        **values,
    )
    audit_record(
        actor=actor,
        action=f"shares.{kind}",
        obj=movement,
        coop=member.coop,
        after={
            "member": member.audit_label,
            "share_class": share_class.code,
            "on_date": day.isoformat(),
            "shares": movement.shares,
            "subscribed": str(movement.subscribed),
            "paid": str(movement.paid),
        },
    )
    return movement


@transaction.atomic
def shares_subscribe(
    *,
    actor: Actor,
    member: Member,
    share_class: ShareClass,
    shares: int,
    on_date: date | None = None,
    reference: str = "",
) -> ShareMovement:
    """A current member subscribes more shares (to be paid)."""
    member, day = _share_operation(member, share_class, on_date)
    if shares < 1:
        raise ValidationError(_("Subscribe at least one share."), field="shares")
    if not share_class.is_issued_on(day):
        raise ValidationError(
            _("This class of shares is not issued on this date."), field="share_class"
        )
    amount = share_class.nominal_value * shares
    holding_cap_check(member, share_class, amount, day)
    return _move(
        actor,
        member,
        share_class,
        MovementKind.SUBSCRIPTION,
        day,
        shares=shares,
        subscribed=amount,
        reference=reference,
    )


@transaction.atomic
def payment_record(
    *,
    actor: Actor,
    member: Member,
    share_class: ShareClass,
    amount: Decimal,
    on_date: date | None = None,
    reference: str = "",
) -> ShareMovement:
    """A payment towards subscribed shares; never more than what is still to pay."""
    member, day = _share_operation(member, share_class, on_date)
    amount = money(
        amount, field="amount", low=CENT, below=_("Give a positive amount in euros and cents.")
    )
    held = holding(member, share_class)
    due = held["subscribed"] - held["paid"]
    if amount > due:
        raise ValidationError(
            _("Only %(due)s of this member's shares is still to pay.") % {"due": euro(due)},
            field="amount",
        )
    movement = _move(
        actor, member, share_class, MovementKind.PAYMENT, day, paid=amount, reference=reference
    )
    notify(
        to=member.email,
        template="members/shares/email/payment",
        context=member_mail(
            member, amount=euro(amount), to_pay=euro(due - amount) if due > amount else ""
        ),
    )
    return movement


@transaction.atomic
def ristorno_shares_issue(
    *,
    actor: Actor,
    member: Member,
    share_class: ShareClass,
    amount: Decimal,
    on_date: date,
    reference: str,
) -> tuple[ShareMovement | None, Decimal]:
    """Turn a ristorno (art. 2545-sexies) into whole paid-up shares; return the movement and
    the remainder under one share, which the economy app pays in cash."""
    member = member_locked(member)
    _active(member)
    _class_of(member, share_class)
    if amount < 0:
        raise ValidationError(_("A ristorno cannot be negative."), field="amount")
    shares = int(amount // share_class.nominal_value)
    remainder = amount - shares * share_class.nominal_value
    if shares == 0:
        return None, remainder
    value = shares * share_class.nominal_value
    movement = _move(
        actor,
        member,
        share_class,
        MovementKind.RISTORNO,
        on_date,
        shares=shares,
        subscribed=value,
        paid=value,
        reference=reference,
    )
    return movement, remainder


@transaction.atomic
def movement_reverse(*, actor: Actor, movement: ShareMovement, reason: str) -> ShareMovement:
    """Undo a wrong payment or subscription by its opposite; the ledger keeps both."""
    if not reason.strip():
        raise ValidationError(_("Say why the movement is reversed."), field="reason")
    member = member_locked(movement.member)
    if movement.kind not in (MovementKind.PAYMENT, MovementKind.SUBSCRIPTION):
        raise ValidationError(_("Only payments and subscriptions can be reversed."))
    if ShareMovement.objects.filter(reverses=movement).exists():
        raise ValidationError(_("This movement was reversed already."))
    held = holding(member, movement.share_class)
    after = {k: held[k] - getattr(movement, k) for k in ("shares", "subscribed", "paid")}
    if after["shares"] < 0 or after["paid"] < 0 or after["paid"] > after["subscribed"]:
        raise ValidationError(_("Reverse the payments for these shares first."))
    return _move(
        actor,
        member,
        movement.share_class,
        MovementKind.REVERSAL,
        today(),
        shares=-movement.shares,
        subscribed=-movement.subscribed,
        paid=-movement.paid,
        reference=reason.strip(),
        reverses=movement,
    )


# --- transfers ----------------------------------------------------------------------------------
@transaction.atomic
def transfer_request(
    *,
    actor: Actor,
    seller: Member,
    buyer: Member,
    share_class: ShareClass,
    shares: int,
    on_date: date | None = None,
) -> ShareTransfer:
    """Ask the board to approve the transfer of fully paid shares to another current member."""
    if seller.coop_id != buyer.coop_id:
        raise ValidationError(_("The buyer is not a member of this cooperative."), field="buyer")
    if seller.pk == buyer.pk:
        raise ValidationError(_("A member cannot transfer shares to itself."), field="buyer")
    seller = member_locked(seller)
    _active(seller, "seller")
    _active(buyer, "buyer")
    _class_of(seller, share_class)
    if shares is None or shares < 1:
        raise ValidationError(_("Transfer at least one share."), field="shares")
    _check_transferable(seller, share_class, shares)
    transfer = ShareTransfer.objects.create(
        coop=seller.coop,
        seller=seller,
        buyer=buyer,
        share_class=share_class,
        shares=shares,
        requested_on=on_date or today(),
    )
    audit_record(
        actor=actor,
        action="transfer.request",
        obj=transfer,
        coop=seller.coop,
        after={
            "seller": seller.audit_label,
            "buyer": buyer.audit_label,
            "shares": shares,
            "share_class": share_class.code,
        },
    )
    return transfer


def _check_transferable(seller: Member, share_class: ShareClass, shares: int) -> None:
    held = holding(seller, share_class)
    value = share_class.nominal_value * shares
    if shares > held["shares"]:
        raise ValidationError(
            _("The seller holds only %(n)s shares of this class.") % {"n": held["shares"]},
            field="shares",
        )
    if held["paid"] < value or held["subscribed"] - value < held["paid"] - value:
        raise ValidationError(_("Only fully paid shares can be transferred."), field="shares")


@transaction.atomic
def transfer_decide(
    *,
    actor: Actor,
    transfer: ShareTransfer,
    approve: bool,
    decided_on: date | None = None,
    decision_reference: str = "",
    reason: str = "",
) -> ShareTransfer:
    """The board approves (the shares move) or rejects (reason kept) a transfer."""
    book_changed(transfer.coop_id)
    transfer = locked(transfer)
    if transfer.status != ShareTransfer.Status.PENDING:
        raise ValidationError(_("This transfer has been decided already."))
    # Lock both members in id order, so two crossing transfers cannot deadlock.
    first, second = sorted([transfer.seller_id, transfer.buyer_id])
    pair = {
        m.pk: m
        for m in Member.objects.select_for_update()
        .select_related("coop", "category")
        .filter(pk__in=[first, second])
        .order_by("pk")
    }
    seller, buyer = pair[transfer.seller_id], pair[transfer.buyer_id]
    day = decision_day(decided_on, transfer.requested_on, decision_reference)
    share_class = transfer.share_class
    transfer.decided_on, transfer.decision_reference = day, decision_reference.strip()
    if approve:
        _active(seller, "seller")
        _active(buyer, "buyer")
        _check_transferable(seller, share_class, transfer.shares)
        value = share_class.nominal_value * transfer.shares
        holding_cap_check(buyer, share_class, value, day)
        common = {
            "shares": transfer.shares,
            "subscribed": value,
            "paid": value,
            "transfer": transfer,
            "reference": transfer.decision_reference,
        }
        _move(
            actor,
            seller,
            share_class,
            MovementKind.TRANSFER_OUT,
            day,
            **{k: (-v if k in ("shares", "subscribed", "paid") else v) for k, v in common.items()},
        )
        _move(actor, buyer, share_class, MovementKind.TRANSFER_IN, day, **common)
        transfer.status = ShareTransfer.Status.APPROVED
    else:
        if not reason.strip():
            raise ValidationError(_("Give the reason for the rejection."), field="reason")
        transfer.status, transfer.rejection_reason = ShareTransfer.Status.REJECTED, reason.strip()
    transfer.save()
    audit_record(
        actor=actor,
        action="transfer.approve" if approve else "transfer.reject",
        obj=transfer,
        coop=transfer.coop,
        after={"status": transfer.status},
    )
    return transfer


# --- exits --------------------------------------------------------------------------------------
def redemption_due(exit_day: date) -> date:
    """When the reimbursement falls due: 180 days after the approval of the financial statement
    of the year of the exit (art. 2535 c.3), taken as 30 April of the next year (art. 2364)."""
    return date(exit_day.year + 1, 4, 30) + timedelta(days=180)


@transaction.atomic
def member_exit(
    *,
    actor: Actor,
    member: Member,
    kind: str,
    on_date: date | None = None,
    reason: str = "",
    decision_reference: str = "",
    redemption_amount: Decimal | None = None,
    due_on: date | None = None,
) -> Member:
    """A member leaves: withdrawal, exclusion (reason and decision required), death, transfer of
    all shares or dissolution. The shares are cancelled and the paid capital becomes a
    redemption the cooperative owes; the member stays in the book with its history."""
    member = member_locked(member)
    if member.status == MemberStatus.EXITED:
        raise ValidationError(
            _("This member has left already (on %(day)s).") % {"day": localize(member.exited_on)}
        )
    _active(member)
    if kind not in ExitKind.values:
        raise ValidationError(_("Unknown way of leaving."), field="kind")
    day = on_date or today()
    _check_day(day, member)
    if kind == ExitKind.EXCLUSION and not (reason.strip() and decision_reference.strip()):
        field = "reason" if not reason.strip() else "decision_reference"
        raise ValidationError(
            _("An exclusion needs its reason and the board's decision."), field=field
        )
    before = member_snapshot(member)
    total_paid = ZERO
    for share_class in ShareClass.objects.filter(movements__member=member).distinct():
        held = holding(member, share_class)
        if kind == ExitKind.TRANSFER and held["shares"]:
            raise ValidationError(
                _("Transfer all the shares before recording this exit."), field="kind"
            )
        if held["shares"] or held["subscribed"] or held["paid"]:
            _move(
                actor,
                member,
                share_class,
                MovementKind.REDEMPTION,
                day,
                shares=-held["shares"],
                subscribed=-held["subscribed"],
                paid=-held["paid"],
                reference=str(ExitKind(kind).label),
            )
        total_paid += held["paid"]
    amount = total_paid if redemption_amount is None else redemption_amount
    if amount < 0 or amount > total_paid:
        raise ValidationError(
            _("The reimbursement can be from 0 to the paid capital, %(paid)s €.")
            % {"paid": euro(total_paid)},
            field="redemption_amount",
        )
    if total_paid:
        Redemption.objects.create(
            member=member, amount=amount, due_on=due_on or redemption_due(day)
        )
    member.status, member.exited_on, member.exit_kind = MemberStatus.EXITED, day, kind
    member.exit_reason, member.exit_reference = reason.strip(), decision_reference.strip()
    member.save()
    if member.user_id:
        Role.objects.filter(user_id=member.user_id, coop=member.coop, kind=RoleKind.MEMBER).update(
            kind=RoleKind.RESIDENT
        )
    member_audit(actor, "member.exit", member, before)
    notify(
        to=member.email,
        template="members/shares/email/exited",
        context=member_mail(member, kind=ExitKind(kind).label, amount=euro(amount)),
    )
    return member


@transaction.atomic
def redemption_pay(
    *, actor: Actor, redemption: Redemption, paid_on: date | None = None, reference: str = ""
) -> Redemption:
    redemption = (
        Redemption.objects.select_for_update().select_related("member__coop").get(pk=redemption.pk)
    )
    if redemption.paid_on:
        raise ValidationError(_("This reimbursement is paid already."))
    day = paid_on or today()
    if day < redemption.member.exited_on or day > today():
        raise ValidationError(_("The date must fall between the exit and today."), field="paid_on")
    redemption.paid_on, redemption.reference = day, reference.strip()
    redemption.save()
    audit_record(
        actor=actor,
        action="redemption.pay",
        obj=redemption,
        coop=redemption.member.coop,
        after={"paid_on": day.isoformat(), "amount": str(redemption.amount)},
    )
    return redemption
