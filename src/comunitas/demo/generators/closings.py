"""The closings of the demo's five years.

Each year is prepared from the cash book, allocated as the law wants (30% legal reserve, 3%
fondi mutualistici, a share of the rest to the reinvestment fund; ristorni on work where the
case's ``[economy]`` has a ``ristorni_share``; a loss covered as proposed, the reserves first,
the rest carried forward to the next profits) and proposed. The demo's annual assembly approves
the year its motion names; the earlier years were approved by assemblies the demo does not
hold, so they are marked approved on the day such an assembly would have met. Everything goes
through the economy's services, so the allocation follows the law."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import ROUND_FLOOR, Decimal

from comunitas.core.audit import audit_record
from comunitas.core.models import Cooperative
from comunitas.decisions.assemblies.selectors import held_on
from comunitas.decisions.models import Motion
from comunitas.demo.generators.assemblies import last_tuesday_of_april
from comunitas.demo.plans import EconomyPlan
from comunitas.economy.closing import selectors as closing_selectors
from comunitas.economy.closing import services as closing_services
from comunitas.economy.models import Closing, ClosingStatus

LEGAL_RESERVE_PERCENT = Decimal(30)  # the legal minimum (art. 2545-quater c.c.)
SYNTHETIC_NOTE = "Dati sintetici generati per la dimostrazione."


def _annual_motion(coop: Cooperative) -> tuple[Motion | None, int | None]:
    """The demo assembly's motion approving the accounts, and the year it approves."""
    motion = (
        Motion.objects.filter(
            assembly__coop=coop,
            assembly__synthetic=True,
            assembly__kind="ordinary",
            title__startswith="Approvazione del bilancio",
        )
        .select_related("assembly")
        .order_by("-assembly__first_call_at")
        .first()
    )
    if motion is None or motion.assembly.held_at is None:
        return None, None
    return motion, held_on(motion.assembly).year - 1


def _assembly_day(year: int) -> date:
    """When the annual assembly of ``year`` met (the day after the last Tuesday of April, at
    second call, as the demo's assemblies do)."""
    return last_tuesday_of_april(year) + timedelta(days=1)


def closings(coop: Cooperative, plan: EconomyPlan, years: list[int]) -> dict[str, int]:
    """Close the five years: prepared from the cash book, allocated (30% legal reserve, 3%
    fondi mutualistici, a share of the rest to the reinvestment fund), ristorni at one
    cooperative, proposed; approved by the demo assembly's motion for the year it approves,
    and for earlier years as the assemblies before the demo did."""
    motion, motion_year = _annual_motion(coop)
    counts = {"approved": 0, "proposed": 0, "ristorni": 0}
    for year in years:
        closing = closing_services.closing_prepare(
            actor=None,
            coop=coop,
            year=year,
            result_source="cash_book",
            notes=SYNTHETIC_NOTE,
            synthetic=True,
        )
        ristorni = Decimal(0)
        if closing.result > 0:
            if plan.ristorni_share is not None and year == years[-1]:
                left = closing.result * Decimal("0.67")
                ristorni = (left * plan.ristorni_share).quantize(Decimal("1"), rounding=ROUND_FLOOR)
            closing_services.closing_allocate(
                actor=None,
                closing=closing,
                legal_reserve_percent=LEGAL_RESERVE_PERCENT,
                ristorni=ristorni,
                dividends=Decimal(0),
                reinvestment_percent=Decimal(plan.reinvestment_percent),
            )
            if ristorni:
                closing_services.ristorni_compute(actor=None, closing=closing, basis="work")
                counts["ristorni"] += 1
        else:
            _cover_as_proposed(closing)
        closing = closing_services.closing_propose(actor=None, closing=closing)
        if year == motion_year and closing_services.approval_problem(closing, motion) is None:
            closing_services.closing_approve(actor=None, closing=closing, motion=motion)
        elif year < (motion_year or years[-1]):
            _approve_before_the_demo(closing)
        else:  # the assembly that will approve it is still to come
            counts["proposed"] += 1
            continue
        counts["approved"] += 1
    return counts


def _cover_as_proposed(closing: Closing) -> None:
    """A loss covered as the economy proposes it: the indivisible reserve first, the legal
    reserve last, the rest carried forward (the profits of the next years cover it)."""
    proposal = closing_selectors.losses_of(closing).proposal
    if proposal:
        closing_services.closing_cover(actor=None, closing=closing, **proposal)


def _approve_before_the_demo(closing: Closing) -> None:
    """A year the assembly approved before the demo's time: no motion of it is in the demo, so
    the closing records the day that assembly met."""
    approved_on = _assembly_day(closing.year + 1)
    Closing.objects.filter(pk=closing.pk).update(
        status=ClosingStatus.APPROVED, approved_on=approved_on
    )
    audit_record(
        actor=None,
        action="closing.approve",
        obj=closing,
        coop=closing.coop,
        before={"status": ClosingStatus.PROPOSED},
        after={
            "status": ClosingStatus.APPROVED,
            "approved_on": str(approved_on),
            "motion": None,
            "synthetic": True,
        },
    )
