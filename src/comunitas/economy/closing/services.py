"""Every write of the annual closing: preparing it, the allocation of the result, proposing it
to the assembly, its approval by a carried motion, the ristorni and their payment.

One transaction each, with the closing's row locked and read again first, so that a closing
proposed or approved since the page was loaded decides. A draft may change; a proposed closing
freezes its year's accounts (``ledger.ensure_open``) and may only go back to draft or be
approved; an approved closing is locked for good, and only its ristorni are then paid.
Every change is audited."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from comunitas.core.audit import audit_record, snapshot
from comunitas.core.errors import ValidationError
from comunitas.core.formatting import euro
from comunitas.core.kernel.edits import save_unique
from comunitas.core.kernel.money import CENT, MAX_MONEY, ZERO, money, percent
from comunitas.core.kernel.types import Actor, user_of
from comunitas.core.models import Cooperative
from comunitas.decisions.assemblies.selectors import held_on, tally
from comunitas.decisions.models import Motion
from comunitas.economy.cashbook.ledger import year_result
from comunitas.economy.closing import ristorni as ristorni_rules
from comunitas.economy.closing import rules, selectors
from comunitas.economy.models import (
    TEXT_MAX,
    AllocationKind,
    AllocationLine,
    Closing,
    ClosingStatus,
    CoverageSource,
    LossCoverage,
    RateReading,
    ResultSource,
    Ristorno,
    RistornoBasis,
    RistornoPlan,
)
from comunitas.members.models import Member, MemberStatus, ShareClass
from comunitas.members.shares.selectors import capital_summary
from comunitas.members.shares.services import ristorno_shares_issue

CLOSING_FIELDS = [
    "year",
    "result_source",
    "result",
    "postal_bond_rate",
    "postal_bond_rate_reading",
    "postal_bond_rate_source",
    "postal_bond_rate_note",
    "paid_in_capital",
    "loss_brought_forward",
    "notes",
]
UNSET: Any = object()  # an input not given (None for the rate means: back to the default)


def _today() -> date:
    return timezone.localdate()


def _locked(closing: Closing) -> Closing:
    return Closing.objects.select_for_update().select_related("coop").get(pk=closing.pk)


def _lines(closing: Closing) -> dict[str, Decimal]:
    return dict(closing.lines.values_list("kind", "amount"))


def _audit(actor: Actor, action: str, closing: Closing, before=None, after=None) -> None:
    audit_record(
        actor=actor, action=action, obj=closing, coop=closing.coop, before=before, after=after
    )


def _state(closing: Closing) -> dict[str, Any]:
    return {
        **snapshot(closing, [*CLOSING_FIELDS, "status"]),
        "lines": _jsonable(_lines(closing)),
        "coverage": _jsonable(selectors.coverage_of(closing)),
    }


def _jsonable(lines: dict[str, Decimal]) -> dict[str, str]:
    return {kind: str(amount) for kind, amount in sorted(lines.items())}


def _require(closing: Closing, *statuses: str) -> None:
    """Refuse a change the closing's status no longer allows, saying why."""
    if closing.status in statuses:
        return
    if closing.locked:
        raise ValidationError(_("The closing is approved: it can no longer change."))
    if closing.status == ClosingStatus.PROPOSED:
        raise ValidationError(
            _("The closing is proposed to the assembly: withdraw it to draft to change it.")
        )
    raise ValidationError(_("Propose the closing to the assembly first."))


def _source(value: str) -> str:
    if value not in ResultSource.values:
        raise ValidationError(_("Choose where the result comes from."), field="result_source")
    return value


def _result_for(coop: Cooperative, year: int, source: str, entered) -> Decimal:
    if source == ResultSource.CASH_BOOK:
        return year_result(coop=coop, year=year)
    if entered is None or entered == "":
        raise ValidationError(
            _("Enter the result of the approved financial statement."), field="result"
        )
    return money(entered, field="result", low=-MAX_MONEY)


@dataclass(frozen=True)
class _RateChoice:
    rate: Decimal
    reading: str
    source: str
    note: str


def _rate(closing: Closing, given: Any, note: Any) -> _RateChoice:
    """The buoni postali rate of ``closing``'s year for the art. 2514 cap: the highest in force
    in the year when none is given (``selectors.postal_bond_default``); one the board gives
    that differs from it needs a note saying why, given with it, or kept from before when the
    rate stays the same."""
    note = _text(note, field="postal_bond_rate_note") if note not in (None, UNSET) else None
    try:
        default = selectors.postal_bond_default(year=closing.year)
    except ValidationError:
        if given is None or given == "":
            raise
        default = None
    if given is None or given == "":
        return _RateChoice(
            default.rate, RateReading.HIGHEST, default.described(closing.year), note or ""
        )
    rate = percent(given, field="postal_bond_rate")
    if default is not None and rate == default.rate:
        return _RateChoice(rate, RateReading.HIGHEST, default.described(closing.year), note or "")
    kept = closing.postal_bond_rate_note if _same_board_rate(closing, rate) else ""
    if not (note if note is not None else kept):
        if default is None:
            reason = _("No rate is known for %(year)s.") % {"year": closing.year}
        else:
            reason = _("The highest rate in force in %(year)s is %(rate)s%%.") % {
                "year": closing.year,
                "rate": default.rate,
            }
        raise ValidationError(
            _(
                "A buoni postali rate chosen by the board needs a note saying why and where it "
                "comes from (art. 2514 c.c. caps dividends on it). %(reason)s"
            )
            % {"reason": reason},
            field="postal_bond_rate_note",
        )
    return _RateChoice(rate, RateReading.BOARD, _("Entered by the board"), note or kept)


def _same_board_rate(closing: Closing, rate: Decimal) -> bool:
    return (
        closing.pk is not None
        and closing.postal_bond_rate_reading == RateReading.BOARD
        and Decimal(closing.postal_bond_rate) == rate
    )


def _apply_rate(closing: Closing, choice: _RateChoice) -> None:
    closing.postal_bond_rate = choice.rate
    closing.postal_bond_rate_reading = choice.reading
    closing.postal_bond_rate_source = choice.source
    closing.postal_bond_rate_note = choice.note


def _text(value: str, *, field: str) -> str:
    value = (value or "").strip()
    if len(value) > TEXT_MAX:
        raise ValidationError(
            _("Keep it within %(n)s characters.") % {"n": f"{TEXT_MAX:,}"}, field=field
        )
    return value


def _notes(value: str) -> str:
    return _text(value, field="notes")


def closing_dividend_cap(closing: Closing) -> Decimal:
    return rules.dividend_cap(
        paid_in_capital=closing.paid_in_capital, postal_bond_rate=closing.postal_bond_rate
    )


def _within_ceiling(closing: Closing, amount: Decimal, *, basis: str | None, field: str) -> None:
    """Refuse ristorni over the part of the result made with members (art. 2545-sexies c.c.),
    the computation in the message."""
    ceiling = selectors.ristorni_ceiling(closing=closing, basis=basis)
    if amount > ceiling.amount:
        raise ValidationError(ceiling.explained, field=field)


# --- preparing ----------------------------------------------------------------------------------
@transaction.atomic
def closing_prepare(
    *,
    actor: Actor,
    coop: Cooperative,
    year: int,
    result_source: str,
    result: Decimal | None = None,
    postal_bond_rate: Decimal | None = None,
    postal_bond_rate_note: str = "",
    notes: str = "",
    synthetic: bool = False,
) -> Closing:
    """Open the closing of a year that is over: its result (from the cash book, or as the
    approved financial statement gives it), the loss the years before carry forward, the
    paid-in capital on 31 December and the buoni postali rate for the dividend cap (the highest
    in force in the year, or one the board enters with a note). It starts as a draft."""
    try:
        year = int(year)
    except (TypeError, ValueError):
        raise ValidationError(_("Give a year."), field="year") from None
    if not 1900 <= year < _today().year:
        raise ValidationError(_("Only a year that is over can be closed."), field="year")
    existing = Closing.objects.filter(coop=coop, year=year).first()
    if existing is not None:
        if existing.locked:
            message = _("The year %(year)s is already closed.")
        else:
            message = _("The year %(year)s is already being closed.")
        raise ValidationError(message % {"year": year}, field="year")
    source = _source(result_source)
    closing = Closing(
        coop=coop,
        year=year,
        result_source=source,
        result=_result_for(coop, year, source, result),
        loss_brought_forward=selectors.loss_brought_forward_for(coop=coop, year=year),
        paid_in_capital=capital_summary(coop=coop, on_date=date(year, 12, 31)).paid,
        notes=_notes(notes),
        created_by=user_of(actor),
        synthetic=synthetic,
    )
    _apply_rate(closing, _rate(closing, postal_bond_rate, postal_bond_rate_note))
    # The same year opened at the same instant: the unique constraint decides.
    save_unique(closing, "year", _("The year %(year)s is already being closed.") % {"year": year})
    _audit(actor, "closing.prepare", closing, after=_state(closing))
    return closing


@transaction.atomic
def closing_update(
    *,
    actor: Actor,
    closing: Closing,
    result_source: str | None = None,
    result: Decimal | None = None,
    postal_bond_rate: Decimal | None = UNSET,
    postal_bond_rate_note: str | None = UNSET,
    notes: str | None = None,
) -> Closing:
    """Change a draft: the result's source or amount (a cash-book result is read again), the
    rate (None: back to the highest in force in the year) and its note, the notes. The loss
    brought forward and the capital are read again. When the result, the dividend cap or the
    loss brought forward changes, the allocation, the ristorni and the coverage of a loss
    computed on them are cleared: they are set again on the new figures."""
    closing = _locked(closing)
    _require(closing, ClosingStatus.DRAFT)
    before = _state(closing)
    if result_source is not None:
        closing.result_source = _source(result_source)
    if closing.result_source == ResultSource.CASH_BOOK or result is not None:
        closing.result = _result_for(closing.coop, closing.year, closing.result_source, result)
    if postal_bond_rate is not UNSET:
        _apply_rate(closing, _rate(closing, postal_bond_rate, postal_bond_rate_note))
    elif postal_bond_rate_note is not UNSET and postal_bond_rate_note is not None:
        if closing.postal_bond_rate_reading == RateReading.BOARD:
            _apply_rate(closing, _rate(closing, closing.postal_bond_rate, postal_bond_rate_note))
        else:
            closing.postal_bond_rate_note = _text(
                postal_bond_rate_note, field="postal_bond_rate_note"
            )
    if notes is not None:
        closing.notes = _notes(notes)
    closing.paid_in_capital = capital_summary(
        coop=closing.coop, on_date=date(closing.year, 12, 31)
    ).paid
    closing.loss_brought_forward = selectors.loss_brought_forward_for(
        coop=closing.coop, year=closing.year
    )
    figures = ("result", "postal_bond_rate", "paid_in_capital", "loss_brought_forward")
    if any(Decimal(getattr(closing, name)) != Decimal(before[name]) for name in figures):
        closing.lines.all().delete()
        closing.coverage.all().delete()
        Ristorno.objects.filter(plan__closing=closing).delete()
    closing.save()
    _audit(actor, "closing.update", closing, before=before, after=_state(closing))
    return closing


# --- the allocation -----------------------------------------------------------------------------
@transaction.atomic
def closing_allocate(
    *,
    actor: Actor,
    closing: Closing,
    legal_reserve_percent: Decimal = rules.LEGAL_RESERVE_MIN,
    ristorni: Decimal = ZERO,
    dividends: Decimal = ZERO,
    reinvestment_percent: Decimal,
) -> list[AllocationLine]:
    """Set the allocation of a draft's profit, replacing the lines it had; ristorni already
    computed are split again on the new amount. Ristorni are at most the part of the result
    made with members, measured on their basis once chosen, else on the statute's kinds of
    exchange (art. 2545-sexies c.c.). A loss brought forward is covered first from what the
    reserves and the ristorni leave; while some of it stays uncovered no dividend is allowed,
    nor ristorni in cash (``rules.LossPosition``)."""
    closing = _locked(closing)
    _require(closing, ClosingStatus.DRAFT)
    if closing.result <= 0:
        raise ValidationError(_("A loss or a break-even allocates nothing."), field="result")
    _require_current_loss(closing)
    before = _state(closing)
    plan = RistornoPlan.objects.filter(closing=closing).first()
    amounts = rules.allocation_compute(
        result=closing.result,
        legal_reserve_percent=legal_reserve_percent,
        ristorni=ristorni,
        dividends=dividends,
        dividend_cap=closing_dividend_cap(closing),
        mutual_share=selectors.ristorni_ceiling(closing=closing).share,
        reinvestment_percent=reinvestment_percent,
        loss_brought_forward=closing.loss_brought_forward,
        ristorni_shares_percent=plan.shares_percent if plan is not None else None,
    )
    closing.lines.all().delete()
    lines = AllocationLine.objects.bulk_create(
        AllocationLine(closing=closing, kind=kind, amount=amount)
        for kind, amount in amounts.items()
    )
    if plan is not None:
        _split(plan, amounts[AllocationKind.RISTORNI])
    _audit(actor, "closing.allocate", closing, before=before, after=_state(closing))
    return lines


def _require_current_loss(closing: Closing) -> None:
    """Refuse to go on with a loss brought forward the closings before no longer give (one of
    them changed since this one was prepared or changed)."""
    now = selectors.loss_brought_forward_for(coop=closing.coop, year=closing.year)
    if now != closing.loss_brought_forward:
        raise ValidationError(
            _(
                "The years before now carry forward a loss of %(now)s, not %(then)s: save the "
                "closing's figures again to read it."
            )
            % {"now": euro(now), "then": euro(closing.loss_brought_forward)},
            field="loss_brought_forward",
        )


def loss_position(closing: Closing, lines: dict[str, Decimal]) -> rules.LossPosition:
    """The loss brought forward into a closing with a profit and what its allocation covers."""
    return rules.LossPosition(
        brought_forward=closing.loss_brought_forward,
        covered=lines.get(AllocationKind.LOSS_COVERAGE, ZERO),
    )


def _no_cash_ristorni_while_impaired(closing: Closing, shares_percent: Decimal, field: str):
    lines = _lines(closing)
    position = loss_position(closing, lines)
    cash = shares_percent < rules.HUNDRED and lines.get(AllocationKind.RISTORNI, ZERO) > 0
    if cash and position.impaired:
        raise ValidationError(position.refusal(rules.LossPosition.CASH_RISTORNI), field=field)


# --- losses -------------------------------------------------------------------------------------
@transaction.atomic
def closing_cover(
    *,
    actor: Actor,
    closing: Closing,
    indivisible: Decimal = ZERO,
    legal_reserve: Decimal = ZERO,
    carried_forward: Decimal = ZERO,
) -> list[LossCoverage]:
    """Record how the assembly is asked to cover a draft's loss (the year's loss and the loss
    brought forward): from the indivisible reserve, from the legal reserve, and what is carried
    forward to the next years. Refused when the parts do not add up to the loss to the cent or
    a reserve is asked for more than it holds (balances derived from the closings before,
    ``selectors.reserve_balances``). Replaces the coverage recorded before."""
    closing = _locked(closing)
    _require(closing, ClosingStatus.DRAFT)
    if closing.result > 0:
        raise ValidationError(
            _(
                "This closing has no loss to cover: a profit covers the losses carried forward "
                "through its allocation."
            ),
            field="result",
        )
    _require_current_loss(closing)
    # One coverage at a time per cooperative: two closings must not both take the same reserve.
    Cooperative.objects.select_for_update().filter(pk=closing.coop_id).first()
    chosen = {
        CoverageSource.INDIVISIBLE_RESERVE: indivisible,
        CoverageSource.LEGAL_RESERVE: legal_reserve,
        CoverageSource.CARRIED_FORWARD: carried_forward,
    }
    amounts = rules.coverage_check(
        result=closing.result,
        brought_forward=closing.loss_brought_forward,
        chosen=chosen,
        reserves=selectors.reserve_balances(coop=closing.coop, year=closing.year),
    )
    before = _state(closing)
    closing.coverage.all().delete()
    rows = LossCoverage.objects.bulk_create(
        LossCoverage(closing=closing, source=source, amount=amount)
        for source, amount in amounts.items()
    )
    _audit(actor, "closing.cover", closing, before=before, after=_state(closing))
    return rows


def allocation_matches(closing: Closing, lines: dict[str, Decimal] | None = None) -> bool:
    """Whether the stored allocation is the one for the stored result (none for a loss)."""
    lines = _lines(closing) if lines is None else lines
    if closing.result <= 0:
        return not lines
    return bool(lines) and sum(lines.values(), ZERO) == closing.result


# --- the assembly -------------------------------------------------------------------------------
@transaction.atomic
def closing_propose(*, actor: Actor, closing: Closing) -> Closing:
    """Send a draft with its allocation (or a loss with its coverage) to the assembly. From now
    on its year's accounts are frozen: no movement may be recorded in it."""
    closing = _locked(closing)
    _require(closing, ClosingStatus.DRAFT)
    if closing.result_source == ResultSource.CASH_BOOK:
        now = year_result(coop=closing.coop, year=closing.year)
        if now != closing.result:
            raise ValidationError(
                _(
                    "The cash book's result for the year is now %(now)s, not %(then)s: "
                    "update the closing and allocate it again."
                )
                % {"now": now, "then": closing.result},
                field="result",
            )
    if not allocation_matches(closing):
        raise ValidationError(_("Allocate the result first."), field="result")
    _require_current_loss(closing)
    _coverage_still_holds(closing)
    # The year is still open until now: exchanges recorded since may have lowered the ceiling.
    ristorni = _lines(closing).get(AllocationKind.RISTORNI, ZERO)
    if ristorni > 0:
        _within_ceiling(closing, ristorni, basis=None, field="ristorni")
        plan = RistornoPlan.objects.filter(closing=closing).first()
        if plan is not None:
            _no_cash_ristorni_while_impaired(closing, plan.shares_percent, "shares_percent")
    before = _state(closing)
    closing.status = ClosingStatus.PROPOSED
    closing.save(update_fields=["status"])
    _audit(actor, "closing.propose", closing, before=before, after=_state(closing))
    return closing


def _coverage_still_holds(closing: Closing) -> None:
    """A loss goes to the assembly with its coverage, still within what the reserves hold."""
    loss = rules.loss_to_cover(result=closing.result, brought_forward=closing.loss_brought_forward)
    if loss <= 0:
        return
    coverage = selectors.coverage_of(closing)
    if not coverage:
        raise ValidationError(
            _("Record how the loss is covered first (from the reserves, or carried forward)."),
            field="coverage",
        )
    rules.coverage_check(
        result=closing.result,
        brought_forward=closing.loss_brought_forward,
        chosen=coverage,
        reserves=selectors.reserve_balances(coop=closing.coop, year=closing.year),
    )


@transaction.atomic
def closing_withdraw(*, actor: Actor, closing: Closing) -> Closing:
    """Take a proposal back to draft (the assembly asked for changes): its year reopens."""
    closing = _locked(closing)
    _require(closing, ClosingStatus.PROPOSED)
    before = _state(closing)
    closing.status = ClosingStatus.DRAFT
    closing.save(update_fields=["status"])
    _audit(actor, "closing.withdraw", closing, before=before, after=_state(closing))
    return closing


def approval_problem(closing: Closing, motion: Motion) -> str | None:
    """Why ``motion`` cannot approve ``closing`` (None: it can)."""
    if motion.assembly.coop_id != closing.coop_id:
        return _("This motion belongs to another cooperative's assembly.")
    if not motion.is_closed:
        return _("The vote on this motion is not closed.")
    if tally(motion=motion).passed is not True:
        return _("This motion was not carried.")
    if held_on(motion.assembly).year <= closing.year:
        return _("This assembly met before the year ended: it cannot approve its closing.")
    return None


@transaction.atomic
def closing_approve(*, actor: Actor, closing: Closing, motion: Motion) -> Closing:
    """Record the assembly's approval by a carried motion: the closing takes the assembly's
    date and is locked, with every movement of its year."""
    closing = _locked(closing)
    _require(closing, ClosingStatus.PROPOSED)
    motion = Motion.objects.select_related("assembly").get(pk=motion.pk)
    problem = approval_problem(closing, motion)
    if problem:
        raise ValidationError(problem, field="motion")
    before = _state(closing)
    closing.status = ClosingStatus.APPROVED
    closing.motion = motion
    closing.approved_on = held_on(motion.assembly)
    closing.save(update_fields=["status", "motion", "approved_on"])
    after = {**_state(closing), "motion": motion.pk, "approved_on": str(closing.approved_on)}
    _audit(actor, "closing.approve", closing, before={**before, "motion": None}, after=after)
    return closing


# --- ristorni -----------------------------------------------------------------------------------
def _split(plan: RistornoPlan, amount: Decimal) -> list[Ristorno]:
    """(Re)write the plan's lines for ``amount``; refuses a basis without data."""
    plan.lines.all().delete()
    if amount <= 0:
        return []
    closing = plan.closing
    weights = ristorni_rules.exchanges(coop=closing.coop, year=closing.year, basis=plan.basis)
    if not weights:
        raise ValidationError(
            _("A ristorno basis with no data: no member has exchanges of this kind in %(year)s.")
            % {"year": closing.year},
            field="basis",
        )
    split = ristorni_rules.split_largest_remainder(amount, weights)
    rows = []
    for member_id, value in sorted(split.items()):
        in_shares = ristorni_rules.shares_part(value, plan.shares_percent)
        rows.append(
            Ristorno(
                plan=plan,
                member_id=member_id,
                exchange=weights[member_id].quantize(CENT),
                amount=value,
                cash=value - in_shares,
                in_shares=in_shares,
            )
        )
    return Ristorno.objects.bulk_create(rows)


@transaction.atomic
def ristorni_compute(
    *, actor: Actor, closing: Closing, basis: str, shares_percent: Decimal = Decimal(0)
) -> RistornoPlan:
    """Split the allocation's ristorni among the members in proportion to their exchange with
    the cooperative in the year (art. 2545-sexies c.c.), ``shares_percent`` of each as new
    shares. While the closing is a draft or proposed; the allocation's changes split again.
    A basis on which the ristorni exceed the part of the result made with members is refused."""
    closing = _locked(closing)
    _require(closing, ClosingStatus.DRAFT, ClosingStatus.PROPOSED)
    if basis not in RistornoBasis.values:
        raise ValidationError(_("Choose what the exchange is measured by."), field="basis")
    shares_percent = percent(shares_percent, field="shares_percent")
    amount = _lines(closing).get(AllocationKind.RISTORNI, ZERO)
    if amount <= 0:
        raise ValidationError(
            _("The allocation gives nothing to ristorni: set their amount first."),
            field="ristorni",
        )
    _within_ceiling(closing, amount, basis=basis, field="basis")
    _no_cash_ristorni_while_impaired(closing, shares_percent, "shares_percent")
    plan = RistornoPlan.objects.filter(closing=closing).first()
    before = {"basis": plan.basis, "shares_percent": str(plan.shares_percent)} if plan else {}
    if plan is None:
        plan = RistornoPlan(closing=closing)
    plan.basis, plan.shares_percent = basis, shares_percent
    plan.save()
    lines = _split(plan, amount)
    audit_record(
        actor=actor,
        action="ristorni.compute",
        obj=closing,
        coop=closing.coop,
        before=before or None,
        after={
            "basis": basis,
            "shares_percent": str(shares_percent),
            "amount": str(amount),
            "members": len(lines),
        },
    )
    return plan


def default_share_class(coop: Cooperative) -> ShareClass | None:
    """The class ristorni become shares of unless the board chooses: the ordinary shares."""
    classes = ShareClass.objects.filter(coop=coop, for_financing=False).order_by("valid_from", "id")
    return classes.filter(code="ordinarie").first() or classes.first()


@transaction.atomic
def ristorni_pay(
    *, actor: Actor, closing: Closing, share_class: ShareClass | None = None, on_date: date
) -> list[Ristorno]:
    """Pay the ristorni of an approved closing: the shares part becomes whole paid-up shares in
    the member book (what is left under one share, and all of it for a member who has left,
    is paid in cash), the cash part is recorded with its date. Paying again pays nobody twice."""
    closing = _locked(closing)
    if not closing.locked:
        raise ValidationError(_("Ristorni are paid once the assembly approves the closing."))
    plan = RistornoPlan.objects.filter(closing=closing).first()
    if plan is None:
        raise ValidationError(_("Compute the ristorni first."))
    if not isinstance(on_date, date) or on_date < closing.approved_on or on_date > _today():
        raise ValidationError(_("Give a date from the approval to today."), field="on_date")
    unpaid = list(
        plan.lines.filter(cash_paid_on__isnull=True).select_related("member").order_by("member_id")
    )
    if not unpaid:
        return []
    share_class = share_class or default_share_class(closing.coop)
    if share_class is not None and share_class.coop_id != closing.coop_id:
        raise ValidationError(
            _("This share class belongs to another cooperative."), field="share_class"
        )
    reference = _("Ristorno %(year)s") % {"year": closing.year}
    for line in unpaid:
        if line.in_shares > 0 and share_class is not None and _active(line.member):
            movement, remainder = ristorno_shares_issue(
                actor=actor,
                member=line.member,
                share_class=share_class,
                amount=line.in_shares,
                on_date=on_date,
                reference=reference,
            )
            line.share_movement = movement
            line.in_shares -= remainder
        else:
            line.in_shares = ZERO
        line.cash = line.amount - line.in_shares
        line.cash_paid_on = on_date
        line.save(update_fields=["share_movement", "in_shares", "cash", "cash_paid_on"])
    audit_record(
        actor=actor,
        action="ristorni.pay",
        obj=closing,
        coop=closing.coop,
        after={
            "on_date": on_date.isoformat(),
            "members": len(unpaid),
            "cash": str(sum((r.cash for r in unpaid), ZERO)),
            "in_shares": str(sum((r.in_shares for r in unpaid), ZERO)),
        },
    )
    return unpaid


def _active(member: Member) -> bool:
    return member.status == MemberStatus.ACTIVE
