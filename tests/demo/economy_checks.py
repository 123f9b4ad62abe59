"""What the demo's economy must show, checked on a demo a test has already loaded (loading it
takes seconds: these checks run inside ``test_demo.test_the_five_case_studies``)."""

from __future__ import annotations

import random
from datetime import date
from decimal import Decimal
from itertools import pairwise

from django.apps import apps
from django.db.models import CharField, Count, Q, Sum
from django.db.models.functions import Length
from django.utils import timezone

from comunitas.core.models import Cooperative
from comunitas.decisions.assemblies.selectors import held_on
from comunitas.decisions.models import Motion
from comunitas.demo.generators.economy import demo_years, economy_generate
from comunitas.demo.plans import CASE_PLANS
from comunitas.economy.closing import selectors as closing_selectors
from comunitas.economy.models import (
    AllocationKind,
    BudgetLine,
    Closing,
    ClosingStatus,
    Counterparty,
    Earmark,
    Job,
    Movement,
    Ristorno,
    VolunteerEntry,
    VolunteerRate,
)
from tests.demo.wipe_economy import economy_wipe

paranza_visitors = CASE_PLANS["la-paranza"].economy.series["visitors"]  # the public figures


def _held_on(coop: Cooperative, day: date, **filters) -> int:
    return (
        Job.objects.filter(coop=coop, start_date__lte=day, **filters)
        .exclude(end_date__lte=day)
        .count()
    )


def _yearly(queryset) -> dict[int, Decimal]:
    rows = queryset.values_list("on_date__year").annotate(total=Sum("amount")).order_by()
    return {year: total for year, total in rows}


def assert_every_text_fits_its_column() -> None:
    """SQLite stores a text longer than its column; PostgreSQL refuses it. The demo writes with
    bulk_create, past the forms' checks, so the lengths are checked here on either database."""
    too_long = []
    for model in apps.get_models():
        if model._meta.app_label not in {
            "core",
            "members",
            "commons",
            "projects",
            "decisions",
            "economy",
        }:
            continue
        for field in model._meta.concrete_fields:
            if isinstance(field, CharField) and field.max_length and not field.choices:
                rows = model.objects.annotate(n=Length(field.name)).filter(n__gt=field.max_length)
                if rows.exists():
                    too_long.append(f"{model._meta.label}.{field.name} > {field.max_length}")
    assert not too_long, too_long


def assert_the_economy(coops: dict[str, Cooperative]) -> None:
    assert_every_text_fits_its_column()
    years = demo_years(timezone.localdate())
    losses = []
    for coop in coops.values():
        book = Movement.objects.filter(coop=coop)
        # Five full years of movements, all synthetic, a few thousand rows at most.
        counts = dict(
            book.filter(on_date__year__in=years)
            .values_list("on_date__year")
            .annotate(n=Count("id"))
            .order_by()
        )
        assert sorted(counts) == years and all(n > 100 for n in counts.values()), coop.slug
        assert sum(counts.values()) < 5_000, coop.slug
        assert not book.filter(synthetic=False).exists()
        for model in (Job, VolunteerEntry, Counterparty, Closing):
            assert not model.objects.filter(coop=coop, synthetic=False).exists(), model
        # Revenue comes from the commons; wages name the job they pay.
        assert book.filter(direction="income", resource__isnull=False).count() > 100
        assert not book.filter(category__code="staff", job__isnull=True).exists()
        # Suppliers in the territory and outside it.
        territory = list(coop.territory.values_list("pk", flat=True))
        parties = Counterparty.objects.filter(coop=coop, kind="supplier")
        assert parties.filter(municipality__in=territory).exists(), coop.slug
        assert parties.exclude(municipality__in=territory).exists(), coop.slug
        # Jobs with their people, and volunteers: confirmed, and some waiting for the staff.
        last = years[-1]
        assert _held_on(coop, date(last, 7, 15)) >= 4
        assert Job.objects.filter(coop=coop, member__isnull=False).exists()
        assert Job.objects.filter(coop=coop, lives_in_territory=False).exists()
        hours = VolunteerEntry.objects.filter(coop=coop)
        assert hours.filter(status="confirmed", on_date__year__in=years).count() > 100
        assert hours.filter(status="declared").exists()
        assert VolunteerRate.objects.filter(coop=coop).exclude(source="").exists()
        assert BudgetLine.objects.filter(coop=coop, year=last).count() >= 8
        assert_the_closings(coop, years)
        losses += [c for c in Closing.objects.filter(coop=coop) if c.result < 0]
    # Small profits, one year of closed doors (the cinema's).
    loss_year = 2021 if 2021 in years else years[1]
    assert [(c.coop.slug, c.year) for c in losses] == [("post-modernissimo", loss_year)]
    # The loss is covered as proposed (reserves first, the rest carried forward), and every
    # later closing shows what is still carried until a profit covers it.
    (loss,) = losses
    assert sum(closing_selectors.coverage_of(loss).values()) == -loss.result
    carried = closing_selectors.losses_of(loss).carried_forward
    for later in Closing.objects.filter(coop=loss.coop, year__gt=loss.year).order_by("year"):
        assert later.loss_brought_forward == carried
        carried = closing_selectors.losses_of(later).carried_forward

    paranza = coops["la-paranza"]
    tickets = _yearly(
        Movement.objects.filter(coop=paranza, service__name__startswith="Visita guidata")
    )
    for earlier, later in pairwise(years):
        grew = paranza_visitors(later) > paranza_visitors(earlier)
        assert (tickets[later] > tickets[earlier]) == grew, (earlier, later)
    if 2019 in years:  # the public figure: 40 employees in 2019
        assert 35 <= _held_on(paranza, date(2019, 7, 1)) <= 45
    assert 35 <= _held_on(paranza, date(years[-1], 7, 1)) <= 60
    # Brigì in high season: 14 employees and 6 collaborators, as the paper counts them.
    brigi, summer = coops["brigi"], date(years[-1], 7, 15)
    assert 12 <= _held_on(brigi, summer, contract__in=["permanent", "seasonal"]) <= 16
    assert _held_on(brigi, summer, contract="collab") == 6
    assert_the_fund(paranza)
    assert_the_same_seed_gives_the_same_economy(brigi)


def assert_the_closings(coop: Cooperative, years: list[int]) -> None:
    closings = {c.year: c for c in Closing.objects.filter(coop=coop).prefetch_related("lines")}
    assert sorted(closings) == years
    motion = Motion.objects.filter(
        assembly__coop=coop, title__startswith="Approvazione del bilancio"
    ).first()
    approved_by_motion = held_on(motion.assembly).year - 1
    for year, closing in closings.items():
        lines = {line.kind: line.amount for line in closing.lines.all()}
        if closing.result <= 0:
            assert not lines
        else:
            assert sum(lines.values()) == closing.result
            assert lines[AllocationKind.LEGAL_RESERVE] >= closing.result * Decimal("0.3")
            assert lines[AllocationKind.MUTUAL_FUNDS] == (closing.result * 3 / 100).quantize(
                Decimal("0.01")
            )
            assert lines[AllocationKind.REINVESTMENT_FUND] > 0
        if year < approved_by_motion:
            assert closing.status == ClosingStatus.APPROVED and closing.motion is None
        elif year == approved_by_motion:
            assert (closing.status, closing.motion) == (ClosingStatus.APPROVED, motion)
            assert closing.approved_on == held_on(motion.assembly)
        else:  # its assembly is still to come
            assert closing.status == ClosingStatus.PROPOSED
    ristorni = Ristorno.objects.filter(plan__closing__coop=coop)
    if coop.slug == "brigi":  # on work, among the worker members of the last year
        closing = closings[years[-1]]
        decided = closing.lines.get(kind=AllocationKind.RISTORNI).amount
        assert decided > 0 and ristorni.count() >= 3
        assert ristorni.aggregate(total=Sum("amount"))["total"] == decided
    else:
        assert not ristorni.exists()


def assert_the_fund(coop: Cooperative) -> None:
    """One reinvestment cycle: an earmark for a project out of the fund, part of it spent."""
    earmark = Earmark.objects.get()
    assert earmark.coop == coop and earmark.project is not None and earmark.synthetic
    inflows = Closing.objects.filter(coop=coop, status=ClosingStatus.APPROVED).aggregate(
        total=Sum("lines__amount", filter=Q(lines__kind="reinvestment"))
    )["total"]
    assert earmark.amount <= inflows
    spent = earmark.cash_movements.aggregate(total=Sum("amount"))["total"]
    assert 0 < spent < earmark.amount
    assert not earmark.cash_movements.filter(on_date__year__lt=timezone.localdate().year).exists()


def assert_the_same_seed_gives_the_same_economy(coop: Cooperative) -> None:
    def state():
        return [
            list(
                Movement.objects.filter(coop=coop)
                .order_by("on_date", "description", "amount")
                .values_list("on_date", "category__code", "amount", "description", "job__title")
            ),
            list(Closing.objects.filter(coop=coop).order_by("year").values_list("year", "result")),
            list(
                VolunteerEntry.objects.filter(coop=coop)
                .order_by("on_date", "activity", "hours", "person_name")
                .values_list("on_date", "activity", "hours", "status")
            ),
        ]

    before = state()
    economy_wipe(coop)
    economy_generate(coop, random.Random(f"2021:{coop.slug}:economy"))
    assert state() == before
