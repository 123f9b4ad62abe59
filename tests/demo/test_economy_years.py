"""The demo's economy holds together every year, the running one included (issue 18, point 9): the
wages in the cash book are what the jobs in force imply, volunteers' hours are recorded, and only
full years are closed. A cooperative on 7 December has January to November in its books."""

from datetime import date, timedelta
from decimal import Decimal

import pytest
from django.db.models import Sum
from django.utils import timezone

from comunitas.core.models import Cooperative
from comunitas.demo.generators.economy import PAYDAY, PLANS, demo_years
from comunitas.economy.models import (
    Closing,
    ContractType,
    Job,
    Movement,
    VolunteerEntry,
    VolunteerStatus,
)

pytestmark = pytest.mark.django_db

# Each monthly payment carries ±2% of noise around its share of the pay table: the year's total
# stays well within ±3% of what the jobs imply; a missing month (1/11 of a year) or a job paid at
# the wrong share of full time would fall outside.
WAGE_BAND = (Decimal("0.97"), Decimal("1.03"))


def _month_bounds(year: int, month: int) -> tuple[date, date]:
    return date(year, month, 1), date(year + (month == 12), month % 12 + 1, 1)


def implied_wages(jobs: list[Job], monthly: dict[str, float], year: int, today: date) -> Decimal:
    """What the jobs in force cost in ``year``, paid up to ``today``: per month whose payday has
    come, FTE x the share of the month held x the position's monthly gross pay (twice in
    December, the tredicesima, except for collaborators' fees)."""
    total = Decimal(0)
    for month in range(1, 13):
        if date(year, month, PAYDAY) > today:
            break
        first, after = _month_bounds(year, month)
        for job in jobs:
            start, end = max(first, job.start_date), min(after, job.end_date or after)
            if end <= start:
                continue
            share = Decimal((end - start).days) / Decimal((after - first).days)
            pay = Decimal(str(monthly[job.title])) * job.fte * share
            if month == 12 and job.contract != ContractType.COLLABORATION:
                pay *= 2
            total += pay
    return total


def confirmed_hours(coop: Cooperative, first: date, after: date) -> Decimal:
    entries = VolunteerEntry.objects.filter(
        coop=coop, status=VolunteerStatus.CONFIRMED, on_date__gte=first, on_date__lt=after
    )
    return entries.aggregate(total=Sum("hours"))["total"] or Decimal(0)


def test_every_year_pays_its_jobs_and_records_volunteering(demo_loaded):
    today = timezone.localdate()
    full_years = demo_years(today)
    years = [*full_years, today.year]
    for slug, plan in PLANS.items():
        coop = Cooperative.objects.get(slug=slug)
        monthly = {positions.title: positions.monthly for positions in plan.positions}
        jobs = list(Job.objects.filter(coop=coop))
        for year in years:
            expected = implied_wages(jobs, monthly, year, today)
            paid = Movement.objects.filter(
                coop=coop, category__code="staff", on_date__year=year
            ).aggregate(total=Sum("amount"))["total"] or Decimal(0)
            where = (slug, year, paid, expected.quantize(Decimal("0.01")))
            assert expected > 0 or year == today.year, where
            if expected == 0:  # January before its payday
                assert paid == 0, where
            else:
                assert WAGE_BAND[0] <= paid / expected <= WAGE_BAND[1], where
        for year in full_years:
            hours = confirmed_hours(coop, date(year, 1, 1), date(year + 1, 1, 1))
            assert hours > 0, (slug, year)
        # This year to date against the same days of last year: at least half as many hours
        # (the activities are the same; the sessions are drawn at random).
        elapsed = today - date(today.year, 1, 1)
        last_year = date(today.year - 1, 1, 1)
        before = confirmed_hours(coop, last_year, last_year + elapsed)
        now = confirmed_hours(coop, date(today.year, 1, 1), today)
        assert now >= before / 2 and (now > 0 or before == 0), (slug, now, before)
        assert VolunteerEntry.objects.filter(coop=coop, on_date__year=today.year).exists()
        # Only full years are closed; the running year has none.
        closed = Closing.objects.filter(coop=coop).values_list("year", flat=True)
        assert sorted(closed) == full_years, slug
        assert not Closing.objects.filter(coop=coop, year=today.year).exists()


def test_nothing_in_the_books_is_dated_after_today(demo_loaded):
    """The running year is written up to today, never past it: no wage, invoice, takings or
    volunteer's session in the days to come."""
    today = timezone.localdate()
    assert not Movement.objects.filter(on_date__gt=today).exists()
    assert not VolunteerEntry.objects.filter(on_date__gt=today).exists()
    confirmed = VolunteerEntry.objects.filter(status=VolunteerStatus.CONFIRMED)
    assert not confirmed.filter(confirmed_at__gt=timezone.now() + timedelta(minutes=1)).exists()
