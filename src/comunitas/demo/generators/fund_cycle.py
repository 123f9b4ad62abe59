"""One cycle of the community reinvestment fund in the demo: the board earmarks part of it for a
project and spends part of that, this year."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import ROUND_FLOOR, Decimal

from comunitas.core.kernel.money import CENT
from comunitas.core.models import Cooperative
from comunitas.demo.generators.bookkeeping import vat
from comunitas.demo.plans import EconomyPlan
from comunitas.economy.cashbook.chart import chart_ensure
from comunitas.economy.fund import selectors as fund_selectors
from comunitas.economy.fund import services as fund_services
from comunitas.economy.models import Closing, ClosingStatus, Counterparty, Direction, Movement
from comunitas.projects.models import Project


def reinvestment(coop: Cooperative, plan: EconomyPlan, today: date) -> dict[str, int]:
    """One cycle of the fund, where the case's plan has one: the board earmarks part of it for
    a project and spends part of that, this year (the years closed are frozen)."""
    if plan.earmark is None:
        return {}
    titles, supplier_name, bought = (
        plan.earmark.projects,
        plan.earmark.supplier,
        plan.earmark.spending,
    )
    projects = list(Project.objects.filter(coop=coop).order_by("pk"))
    project = next(
        (p for t in titles for p in projects if p.title.startswith(t)),
        next((p for p in projects if p.status == "running"), None),
    )
    available = fund_selectors.fund_available(coop=coop)
    if project is None or available < 1000:
        return {}
    last_approval = (
        Closing.objects.filter(coop=coop, status=ClosingStatus.APPROVED)
        .order_by("-approved_on")
        .values_list("approved_on", flat=True)
        .first()
    )
    start = max(date(today.year, 1, 1), (last_approval or today) + timedelta(days=21))
    on_date = min(start, today)
    amount = (available * Decimal("0.7")).quantize(Decimal("100"), rounding=ROUND_FLOOR)
    earmark = fund_services.earmark_create(
        actor=None,
        coop=coop,
        amount=amount,
        project=project,
        purpose=f"{project.title[:120]}: avvio e attrezzature",
        on_date=on_date,
        source="board",
        decision_reference=(
            f"Verbale del consiglio di amministrazione del {on_date:%d/%m/%Y} (sintetico)"
        ),
        synthetic=True,
    )
    chart = chart_ensure(coop=coop)
    supplier = Counterparty.objects.filter(coop=coop, name=supplier_name).first()
    days = max((today - on_date).days, 0)
    spending = [
        Movement(
            coop=coop,
            on_date=on_date + timedelta(days=round(days * (n + 1) / (len(bought) + 1))),
            direction=Direction.EXPENSE,
            amount=(amount * share).quantize(CENT),
            vat=vat((amount * share).quantize(CENT), 22),
            category=chart[category],
            description=what,
            counterparty=supplier,
            project=project,
            earmark=earmark,
            reference=f"fondo-{earmark.pk}-{n + 1}",
            synthetic=True,
        )
        for n, (what, category, share) in enumerate(bought)
    ]
    Movement.objects.bulk_create(spending)
    return {"earmarks": 1, "earmark_spending": len(spending)}
