"""API of the annual closing: closings and their allocation, the workflow to the assembly's
approval, the coverage of a loss, the ristorni and each member's own.

Same rules as the pages: anyone reads a public cooperative's approved closings; staff and the
board read drafts, proposals and everyone's ristorni; the board prepares, allocates, records the
coverage of a loss, proposes, records the approval and pays; a member reads their own ristorni.
Objects are always fetched within the cooperative (another's id answers 404, in a body 422).
Rules in ``closing.services``."""

from __future__ import annotations

from typing import Any

from django.http import Http404
from django.utils.translation import gettext as _
from ninja import Router, Status
from ninja.pagination import paginate

from comunitas.core.endpoints import PUBLIC, Pagination, answers
from comunitas.core.errors import ValidationError
from comunitas.core.lookups import or_404
from comunitas.core.models import Cooperative
from comunitas.core.permissions import Action, can, coop_for
from comunitas.decisions.assemblies.selectors import held_on
from comunitas.decisions.models import Motion
from comunitas.economy.closing import selectors, services
from comunitas.economy.closing.rules import Prevalence, allocation_compute, legal_minima
from comunitas.economy.closing.schemas import (
    ClosingAllocationIn,
    ClosingApproveIn,
    ClosingCoverageIn,
    ClosingCreateIn,
    ClosingItem,
    ClosingMotionOut,
    ClosingOut,
    ClosingPaidOut,
    ClosingPatch,
    ClosingPayIn,
    ClosingPrevalenceOut,
    ClosingPreviewOut,
    ClosingRistorniIn,
    ClosingRistornoOut,
    ClosingStatementOut,
)
from comunitas.economy.models import (
    AllocationKind,
    Closing,
    ClosingStatus,
    Ristorno,
)
from comunitas.members.models import ShareClass

router = Router(tags=["economy"])
CLOSINGS = "/coops/{slug}/economy/closings"
CLOSING = f"{CLOSINGS}/{{int:closing_id}}"
RISTORNO = f"{CLOSINGS}/ristorni/{{int:closing_ristorno_id}}"
TAGS = ["annual closings"]
YEARS = (1901, 2199)  # a year with a year before it, within what a closing may be


def _closing(request, coop: Cooperative, closing_id: int) -> Closing:
    return or_404(selectors.closing_seen, coop=coop, pk=closing_id, user=request.auth)


def _lines(amounts) -> list[dict[str, Any]]:
    return [
        {"kind": str(kind), "label": str(AllocationKind(kind).label), "amount": amount}
        for kind, amount in amounts
    ]


def closing_item(closing: Closing) -> dict[str, Any]:
    return {
        **{
            name: getattr(closing, name)
            for name in ("id", "year", "status", "result_source", "result", "approved_on")
        },
        "synthetic": closing.synthetic,
        "lines": _lines((line.kind, line.amount) for line in selectors.ordered_lines(closing)),
    }


def closing_out(request, closing: Closing) -> dict[str, Any]:
    plan = None
    if can(request.auth, closing.coop, Action.VIEW_ACCOUNTS):
        found = selectors.ristorno_plan(closing=closing)
        if found is not None:
            totals = selectors.ristorni_totals(plan=found)
            plan = {
                "basis": found.basis,
                "shares_percent": found.shares_percent,
                **totals.__dict__,
            }
    return {
        **closing_item(closing),
        "postal_bond_rate": closing.postal_bond_rate,
        "postal_bond_rate_reading": closing.postal_bond_rate_reading,
        "postal_bond_rate_source": closing.postal_bond_rate_source,
        "postal_bond_rate_note": closing.postal_bond_rate_note,
        "losses": losses_out(selectors.losses_of(closing)),
        "paid_in_capital": closing.paid_in_capital,
        "dividend_cap": services.closing_dividend_cap(closing),
        "ristorni_ceiling": ceiling_out(selectors.ristorni_ceiling(closing=closing)),
        "legal_minima": _lines(legal_minima(result=closing.result).items()),
        "allocation_matches": services.allocation_matches(closing),
        "motion_id": closing.motion_id,
        "notes": closing.notes,
        "ristorni": plan,
    }


def losses_out(losses: selectors.Losses) -> dict[str, Any]:
    return {
        "brought_forward": losses.brought_forward,
        "to_cover": losses.to_cover,
        "covered_by_result": losses.covered_by_result,
        "coverage": selectors.coverage_rows(losses.coverage),
        "proposal": selectors.coverage_rows(losses.proposal),
        "reserves": selectors.coverage_rows(losses.reserves),
        "carried_forward": losses.carried_forward,
        "capital_impaired": losses.impaired,
    }


def ceiling_out(ceiling: selectors.Ceiling) -> dict[str, Any]:
    return {
        "basis": ceiling.basis,
        "kinds": list(ceiling.kinds),
        "label": ceiling.share.label,
        "with_members": ceiling.share.with_members,
        "total": ceiling.share.total,
        "ceiling": ceiling.amount,
        "explanation": ceiling.explained,
    }


def prevalence_out(prevalence: Prevalence) -> dict[str, Any]:
    return {
        "year": prevalence.year,
        "kinds": selectors.prevalence_rows(prevalence),
        "with_members": prevalence.with_members,
        "total": prevalence.total,
        "percent": prevalence.percent,
        "prevalent": prevalence.prevalent,
        "by_law": prevalence.by_law,
        "previous_prevalent": prevalence.previous,
        "lost": prevalence.lost,
        "holds": prevalence.holds,
    }


def _reread(request, coop: Cooperative, closing: Closing) -> dict[str, Any]:
    return closing_out(request, _closing(request, coop, closing.pk))


def ristorno_out(ristorno: Ristorno) -> dict[str, Any]:
    closing = ristorno.plan.closing
    return {
        "id": ristorno.pk,
        "year": closing.year,
        "closing_id": closing.pk,
        "closing_status": closing.status,
        "member_id": ristorno.member_id,
        "member_number": ristorno.member.number,
        "member_name": ristorno.member.display_name,
        "basis": ristorno.plan.basis,
        "exchange": ristorno.exchange,
        "amount": ristorno.amount,
        "cash": ristorno.cash,
        "in_shares": ristorno.in_shares,
        "shares_issued": ristorno.share_movement.shares if ristorno.share_movement else 0,
        "cash_paid_on": ristorno.cash_paid_on,
    }


class _Shaped:
    """A queryset as ``paginate`` wants it: sliced, then shaped."""

    def __init__(self, queryset, shape) -> None:
        self.queryset, self.shape = queryset, shape

    def __getitem__(self, page: slice) -> list:
        return [self.shape(obj) for obj in self.queryset[page]]

    def all(self):
        return self.queryset


# --- closings -----------------------------------------------------------------------------------
@router.get(CLOSINGS, response=answers(200, list[ClosingItem]), tags=TAGS, openapi_extra=PUBLIC)
@paginate(Pagination)
def closing_list(request, slug: str):
    """Closings, the latest year first, with their allocation: approved ones for everyone,
    drafts and proposals too for staff and the board."""
    coop = coop_for(request.auth, slug, Action.VIEW_MONEY_FLOW)
    operators = can(request.auth, coop, Action.VIEW_ACCOUNTS)
    return _Shaped(selectors.closing_list(coop=coop, all_statuses=operators), closing_item)


@router.post(CLOSINGS, response=answers(201, ClosingOut), tags=TAGS)
def closing_create(request, slug: str, payload: ClosingCreateIn):
    """Prepare the closing of a year that is over (the board): a draft."""
    coop = coop_for(request.auth, slug, Action.CLOSE_ACCOUNTS)
    closing = services.closing_prepare(
        actor=request.auth,
        coop=coop,
        year=payload.year,
        result_source=payload.result_source.value,
        result=payload.result,
        postal_bond_rate=payload.postal_bond_rate,
        postal_bond_rate_note=payload.postal_bond_rate_note,
        notes=payload.notes,
    )
    return Status(201, _reread(request, coop, closing))


@router.get(f"{CLOSINGS}/mine", response=answers(200, list[ClosingRistornoOut]), tags=TAGS)
@paginate(Pagination)
def closing_my_ristorni(request, slug: str):
    """The caller's own ristorni, the latest year first."""
    coop = coop_for(request.auth, slug, Action.VIEW_ECONOMY)
    found = selectors.my_ristorni(coop=coop, user=request.auth).select_related(
        "share_movement", "plan"
    )
    return _Shaped(found, ristorno_out)


@router.get(f"{CLOSINGS}/motions", response=answers(200, list[ClosingMotionOut]), tags=TAGS)
@paginate(Pagination)
def closing_motions(request, slug: str):
    """The motions the assembly carried, which may approve a proposed closing."""
    coop = coop_for(request.auth, slug, Action.CLOSE_ACCOUNTS)

    def shape(motion: Motion) -> dict[str, Any]:
        return {
            "id": motion.pk,
            "title": motion.title,
            "assembly_id": motion.assembly_id,
            "assembly_title": motion.assembly.title,
            "held_on": held_on(motion.assembly),
        }

    return _Shaped(selectors.carried_motions(coop=coop), shape)


@router.get(CLOSING, response=answers(200, ClosingOut), tags=TAGS, openapi_extra=PUBLIC)
def closing_get(request, slug: str, closing_id: int):
    coop = coop_for(request.auth, slug, Action.VIEW_MONEY_FLOW)
    return closing_out(request, _closing(request, coop, closing_id))


@router.get(
    f"{CLOSINGS}/{{int:closing_year}}/prevalence",
    response=answers(200, ClosingPrevalenceOut),
    tags=TAGS,
    openapi_extra=PUBLIC,
)
def closing_prevalence(request, slug: str, closing_year: int):
    """The mutual prevalence of a year (arts. 2512-2513 c.c.) by the statute's kinds of
    exchange: public once the year's closing is approved, for staff and the board before."""
    if not YEARS[0] <= closing_year <= YEARS[1]:
        raise Http404
    coop = coop_for(request.auth, slug, Action.VIEW_MONEY_FLOW)
    status = Closing.objects.filter(coop=coop, year=closing_year).values_list("status", flat=True)
    if status.first() != ClosingStatus.APPROVED:
        coop_for(request.auth, slug, Action.VIEW_ACCOUNTS)
    return prevalence_out(selectors.prevalence_of(coop=coop, year=closing_year))


@router.patch(CLOSING, response=answers(200, ClosingOut), tags=TAGS)
def closing_update(request, slug: str, closing_id: int, payload: ClosingPatch):
    """Change a draft's figures; a result from the cash book, the loss brought forward and the
    paid-in capital are read again. A buoni postali rate other than the highest in force in the
    year needs a note (422 on postal_bond_rate_note)."""
    coop = coop_for(request.auth, slug, Action.CLOSE_ACCOUNTS)
    values = payload.dict(exclude_unset=True)
    if values.get("result_source") is not None:
        values["result_source"] = values["result_source"].value
    closing = services.closing_update(
        actor=request.auth, closing=_closing(request, coop, closing_id), **values
    )
    return _reread(request, coop, closing)


@router.post(f"{CLOSING}/allocation/preview", response=answers(200, ClosingPreviewOut), tags=TAGS)
def closing_allocation_preview(request, slug: str, closing_id: int, payload: ClosingAllocationIn):
    """The lines these figures would give (nothing saved), or the rule they break (422)."""
    coop = coop_for(request.auth, slug, Action.CLOSE_ACCOUNTS)
    closing = _closing(request, coop, closing_id)
    plan = selectors.ristorno_plan(closing=closing)
    amounts = allocation_compute(
        result=closing.result,
        dividend_cap=services.closing_dividend_cap(closing),
        mutual_share=selectors.ristorni_ceiling(closing=closing).share,
        loss_brought_forward=closing.loss_brought_forward,
        ristorni_shares_percent=plan.shares_percent if plan else None,
        **payload.dict(),
    )
    return {"lines": _lines(amounts.items())}


@router.put(f"{CLOSING}/allocation", response=answers(200, ClosingOut), tags=TAGS)
def closing_allocate(request, slug: str, closing_id: int, payload: ClosingAllocationIn):
    """Set a draft's allocation, replacing the one it had."""
    coop = coop_for(request.auth, slug, Action.CLOSE_ACCOUNTS)
    closing = _closing(request, coop, closing_id)
    services.closing_allocate(actor=request.auth, closing=closing, **payload.dict())
    return _reread(request, coop, closing)


@router.put(f"{CLOSING}/coverage", response=answers(200, ClosingOut), tags=TAGS)
def closing_cover(request, slug: str, closing_id: int, payload: ClosingCoverageIn):
    """Record how a draft's loss (with the loss brought forward) is covered: from the
    indivisible reserve, the legal reserve, or carried forward. 422 when the parts do not add up
    to the loss to the cent (on carried_forward) or a reserve is asked for more than it holds."""
    coop = coop_for(request.auth, slug, Action.CLOSE_ACCOUNTS)
    closing = _closing(request, coop, closing_id)
    services.closing_cover(actor=request.auth, closing=closing, **payload.dict())
    return _reread(request, coop, closing)


@router.post(f"{CLOSING}/propose", response=answers(200, ClosingOut), tags=TAGS)
def closing_propose(request, slug: str, closing_id: int):
    """Propose the draft to the assembly: its year's accounts freeze."""
    coop = coop_for(request.auth, slug, Action.CLOSE_ACCOUNTS)
    closing = services.closing_propose(
        actor=request.auth, closing=_closing(request, coop, closing_id)
    )
    return _reread(request, coop, closing)


@router.post(f"{CLOSING}/withdraw", response=answers(200, ClosingOut), tags=TAGS)
def closing_withdraw(request, slug: str, closing_id: int):
    """Take a proposal back to draft: its year reopens."""
    coop = coop_for(request.auth, slug, Action.CLOSE_ACCOUNTS)
    closing = services.closing_withdraw(
        actor=request.auth, closing=_closing(request, coop, closing_id)
    )
    return _reread(request, coop, closing)


@router.post(f"{CLOSING}/approve", response=answers(200, ClosingOut), tags=TAGS)
def closing_approve(request, slug: str, closing_id: int, payload: ClosingApproveIn):
    """Record the approval by a motion the assembly carried: the closing is locked."""
    coop = coop_for(request.auth, slug, Action.CLOSE_ACCOUNTS)
    closing = _closing(request, coop, closing_id)
    motion = (
        Motion.objects.filter(pk=payload.motion_id, assembly__coop=coop)
        .select_related("assembly")
        .first()
    )
    if motion is None:
        raise ValidationError(_("Choose a motion of this cooperative's assemblies."), "motion_id")
    closing = services.closing_approve(actor=request.auth, closing=closing, motion=motion)
    return _reread(request, coop, closing)


# --- ristorni -----------------------------------------------------------------------------------
@router.put(f"{CLOSING}/ristorni", response=answers(200, ClosingOut), tags=TAGS)
def closing_ristorni_compute(request, slug: str, closing_id: int, payload: ClosingRistorniIn):
    """Split the allocation's ristorni among the members by their exchange in the year."""
    coop = coop_for(request.auth, slug, Action.CLOSE_ACCOUNTS)
    closing = _closing(request, coop, closing_id)
    services.ristorni_compute(
        actor=request.auth,
        closing=closing,
        basis=payload.basis.value,
        shares_percent=payload.shares_percent,
    )
    return _reread(request, coop, closing)


@router.get(f"{CLOSING}/ristorni", response=answers(200, list[ClosingRistornoOut]), tags=TAGS)
@paginate(Pagination)
def closing_ristorni(request, slug: str, closing_id: int):
    """Every member's ristorno of the closing (none while not computed)."""
    coop = coop_for(request.auth, slug, Action.VIEW_ACCOUNTS)
    closing = _closing(request, coop, closing_id)
    found = Ristorno.objects.filter(plan__closing=closing).select_related(
        "member", "plan__closing", "share_movement"
    )
    return _Shaped(found.order_by("member__number", "member_id"), ristorno_out)


@router.post(f"{CLOSING}/ristorni/pay", response=answers(200, ClosingPaidOut), tags=TAGS)
def closing_ristorni_pay(request, slug: str, closing_id: int, payload: ClosingPayIn):
    """Pay the ristorni of an approved closing not paid yet (paying again pays nobody twice)."""
    coop = coop_for(request.auth, slug, Action.CLOSE_ACCOUNTS)
    closing = _closing(request, coop, closing_id)
    share_class = None
    if payload.share_class_id is not None:
        share_class = ShareClass.objects.filter(coop=coop, pk=payload.share_class_id).first()
        if share_class is None:
            raise ValidationError(_("Choose a share class of this cooperative."), "share_class_id")
    paid = services.ristorni_pay(
        actor=request.auth, closing=closing, share_class=share_class, on_date=payload.on_date
    )
    return {"paid": len(paid)}


@router.get(RISTORNO, response=answers(200, ClosingStatementOut), tags=TAGS)
def closing_ristorno_get(request, slug: str, closing_ristorno_id: int):
    """One ristorno with the totals it is a share of: one's own, or anyone's for operators."""
    coop = coop_for(request.auth, slug, Action.VIEW_ECONOMY)
    ristorno = or_404(
        selectors.ristorno_visible, coop=coop, pk=closing_ristorno_id, user=request.auth
    )
    totals = selectors.ristorni_totals(plan=ristorno.plan)
    return {
        **ristorno_out(ristorno),
        "total_exchange": totals.exchange,
        "total_amount": totals.amount,
    }
