"""Every write of the community reinvestment fund: earmarking money for a project or a need
(by the board, or from a participatory budget's results) and releasing an earmark.

An earmark never takes more than the fund holds: the cooperative's row is locked first
(``select_for_update``; on SQLite every write transaction queues), so two earmarks decided at
the same instant cannot both spend the same euros. Each write is one transaction and audited.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from decimal import Decimal
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from comunitas.core.audit import audit_record
from comunitas.core.errors import ValidationError
from comunitas.core.formatting import euro
from comunitas.core.kernel.edits import edit
from comunitas.core.kernel.money import CENT, ZERO, money
from comunitas.core.kernel.types import Actor, user_of
from comunitas.core.models import Cooperative
from comunitas.decisions.models.budgets import ParticipatoryBudget
from comunitas.economy.fund import selectors
from comunitas.economy.models import NAME_MAX, Earmark, EarmarkSource
from comunitas.projects.models import Need, Project

EARMARK_FIELDS = [
    "on_date",
    "amount",
    "source",
    "decision_reference",
    "budget",
    "project",
    "need",
    "purpose",
]


def _lock_fund(coop: Cooperative) -> Cooperative:
    """Earmarks of one cooperative are decided one at a time (see the module's docstring)."""
    return Cooperative.objects.select_for_update().get(pk=coop.pk)


def _check_budget(budget: ParticipatoryBudget | None, coop: Cooperative) -> ParticipatoryBudget:
    if budget is None or budget.coop_id != coop.pk:
        raise ValidationError(
            _("Choose a participatory budget of this cooperative."), field="budget"
        )
    if budget.tally is None:
        raise ValidationError(
            _("The results of “%(title)s” are not counted yet: earmark once they are.")
            % {"title": budget.title},
            field="budget",
        )
    return budget


def _ensure_available(coop: Cooperative, wanted: Decimal) -> None:
    available = selectors.fund_available(coop=coop)
    if wanted > available:
        raise ValidationError(
            _("The fund has %(available)s available: %(wanted)s cannot be earmarked.")
            % {"available": euro(available), "wanted": euro(wanted)},
            field="amount",
        )


def _check(earmark: Earmark, coop: Cooperative) -> None:
    earmark.amount = money(earmark.amount, field="amount", low=CENT)
    earmark.purpose = (earmark.purpose or "").strip()
    if not earmark.purpose:
        raise ValidationError(_("Say what the money is for."), field="purpose")
    if len(earmark.purpose) > NAME_MAX:
        raise ValidationError(_("The purpose is too long."), field="purpose")
    if not isinstance(earmark.on_date, date):
        raise ValidationError(_("Give the date of the decision."), field="on_date")
    project: Project | None = earmark.project
    need: Need | None = earmark.need
    if project is not None and project.coop_id != coop.pk:
        raise ValidationError(_("Choose a project of this cooperative."), field="project")
    if need is not None and need.coop_id != coop.pk:
        raise ValidationError(_("Choose a need of this cooperative."), field="need")
    if project is None and need is None:
        raise ValidationError(_("Name the project or the need the money goes to."), field="project")
    earmark.decision_reference = (earmark.decision_reference or "").strip()
    if len(earmark.decision_reference) > NAME_MAX:
        raise ValidationError(_("The reference is too long."), field="decision_reference")
    if earmark.source == EarmarkSource.BOARD:
        if not earmark.decision_reference:
            raise ValidationError(
                _("Name the board's decision (the minutes) that earmarks the money."),
                field="decision_reference",
            )
        earmark.budget = None
    elif earmark.source == EarmarkSource.PARTICIPATORY_BUDGET:
        earmark.budget = _check_budget(earmark.budget, coop)
        if not earmark.decision_reference:
            earmark.decision_reference = earmark.budget.earmark_reference[:NAME_MAX]
    else:
        raise ValidationError(
            _("Say who decided: the board or a participatory budget."), field="source"
        )


@transaction.atomic
def earmark_create(
    *,
    actor: Actor,
    coop: Cooperative,
    amount: Decimal,
    purpose: str,
    on_date: date,
    source: str,
    project: Project | None = None,
    need: Need | None = None,
    decision_reference: str = "",
    budget: ParticipatoryBudget | None = None,
    synthetic: bool = False,
) -> Earmark:
    """Set money of the fund aside for a project or a need (the board): by a decision of the
    board (its minutes named) or by a counted participatory budget; never more than the fund
    has available."""
    coop = _lock_fund(coop)

    def check(earmark: Earmark) -> None:
        _check(earmark, coop)
        _ensure_available(coop, earmark.amount)

    values = {
        "amount": amount,
        "purpose": purpose,
        "on_date": on_date,
        "source": source,
        "project": project,
        "need": need,
        "decision_reference": decision_reference,
        "budget": budget,
    }
    return _earmark_write(coop, actor, values, check=check, synthetic=synthetic)


def _earmark_write(
    coop: Cooperative,
    actor: Actor,
    values: dict[str, Any],
    *,
    check: Callable[[Earmark], None],
    synthetic: bool = False,
) -> Earmark:
    """Save a new earmark of ``values`` that passes ``check``, audited."""
    return edit(
        Earmark(coop=coop, created_by=user_of(actor), synthetic=synthetic),
        actor=actor,
        action="earmark.create",
        changes=values,
        allowed=EARMARK_FIELDS,
        audited=EARMARK_FIELDS,
        check=check,
    )


@transaction.atomic
def earmarks_from_budget(*, actor: Actor, budget: ParticipatoryBudget) -> list[Earmark]:
    """One earmark per project the budget funded, for its reviewed cost, linked to the
    cooperative's project that carries it out. Refused, naming them, while a funded project has
    no follow-up; a project already earmarked from this budget is not earmarked again, so a
    second call changes nothing. Funded projects carried out by the same project make one
    earmark for their total."""
    coop = _lock_fund(budget.coop)
    budget = _check_budget(ParticipatoryBudget.objects.filter(pk=budget.pk).first(), coop)
    funded = list(budget.projects.filter(funded=True).select_related("follow_up").order_by("id"))
    if not funded:
        raise ValidationError(_("This budget funded no project."), field="budget")
    missing = [p.title for p in funded if p.follow_up_id is None]
    if missing:
        raise ValidationError(
            _("Link each funded project to the project that carries it out first: %(projects)s.")
            % {"projects": "; ".join(f"“{t}”" for t in missing)},
            field="budget",
        )
    done = set(Earmark.objects.filter(budget=budget).values_list("project_id", flat=True))
    grouped: dict[int, list] = {}
    for project in funded:
        if project.follow_up_id not in done:
            grouped.setdefault(project.follow_up_id, []).append(project)
    if not grouped:
        return []
    total = sum((p.cost for group in grouped.values() for p in group), ZERO)
    _ensure_available(coop, total)  # the whole, once: each earmark below is a part of it
    today = timezone.localdate()
    return [
        _earmark_write(
            coop,
            actor,
            {
                "on_date": today,
                "amount": sum((p.cost for p in group), ZERO),
                "source": EarmarkSource.PARTICIPATORY_BUDGET,
                "budget": budget,
                "decision_reference": budget.earmark_reference[:NAME_MAX],
                "project": group[0].follow_up,
                "purpose": "; ".join(p.title for p in group)[:NAME_MAX],
            },
            check=_reviewed,
        )
        for group in grouped.values()
    ]


def _reviewed(earmark: Earmark) -> None:
    """An earmark of a counted budget: its amounts are the reviewed costs of its projects and
    the fund was checked for their total, so there is nothing left to check one by one."""


@transaction.atomic
def earmark_release(*, actor: Actor, earmark: Earmark) -> Earmark:
    """Close an earmark (the board): what was not spent returns to the fund. Spending booked
    against it later still counts against the fund."""
    coop = _lock_fund(earmark.coop)
    current = selectors.earmark_get(coop=coop, pk=earmark.pk)
    if current.released:
        raise ValidationError(_("This earmark is already released."))
    row = selectors.earmark_row(current)
    Earmark.objects.filter(pk=current.pk).update(released=True)
    current.released = True
    audit_record(
        actor=actor,
        action="earmark.release",
        obj=current,
        coop=coop,
        before={"released": False},
        after={
            "released": True,
            "spent": str(row.spent),
            "returned": str(max(current.amount - row.spent, ZERO)),
        },
    )
    return current
