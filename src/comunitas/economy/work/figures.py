"""The yearly figures of jobs and volunteering, without anyone's name: what the dashboard, the
members and the impact app read (``jobs_summary``, ``jobs_series``, ``volunteer_summary``,
``volunteer_series``, ``volunteer_valued_total``).

Every figure is exact: FTE-years add the numerators (FTE x days) of every position and divide
once, so a position split in two at any date counts exactly as the whole; hours and euros are
summed by the database and brought back to the cent (SQLite adds decimals as floats, far below a
cent at these sizes). Each function runs a constant number of queries, whatever the years,
positions or entries."""

from __future__ import annotations

import calendar
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import timedelta
from decimal import ROUND_HALF_EVEN, Decimal

from django.db.models import Count, DecimalField, OuterRef, QuerySet, Subquery, Sum
from django.db.models.functions import ExtractYear
from django.utils import timezone
from django.utils.translation import gettext as _

from comunitas.core.kernel.money import CENT, ZERO
from comunitas.core.models import Cooperative
from comunitas.economy.models import (
    AgeBand,
    ContractType,
    Job,
    VolunteerEntry,
    VolunteerRate,
    VolunteerStatus,
)
from comunitas.economy.work.selectors import SUM, active_in, cents, percent, year_bounds


def days_in_year(year: int) -> int:
    return 366 if calendar.isleap(year) else 365


# --- jobs ---------------------------------------------------------------------------------------
JOB_ROW = [
    "start_date",
    "end_date",
    "fte",
    "lives_in_territory",
    "contract",
    "age_band",
    "resource_id",
    "resource__name",
    "project_id",
    "project__title",
]


def job_days(row: dict, year: int) -> int:
    """Days of ``year`` within the position's half-open [start, end)."""
    first, after = year_bounds(year)
    start = max(row["start_date"], first)
    end = min(row["end_date"] or after, after)
    return max((end - start).days, 0)


def fte_years(numerator: Decimal, year: int) -> Decimal:
    """Σ FTE x days over the days of the year, to two places."""
    return (numerator / days_in_year(year)).quantize(CENT, ROUND_HALF_EVEN)


@dataclass
class _Tally:
    positions: int = 0
    created: int = 0
    ended: int = 0
    local_positions: int = 0
    fte_days: Decimal = Decimal("0")  # Σ FTE x days in the year
    local_fte_days: Decimal = Decimal("0")

    def add(self, row: dict, year: int) -> None:
        days = job_days(row, year)
        if not days:
            return
        first, after = year_bounds(year)
        self.positions += 1
        self.created += first <= row["start_date"] < after
        # Its last day (the day before the end) falls in the year.
        self.ended += row["end_date"] is not None and first < row["end_date"] <= after
        weighted = row["fte"] * days
        self.fte_days += weighted
        if row["lives_in_territory"]:
            self.local_positions += 1
            self.local_fte_days += weighted


@dataclass(frozen=True)
class JobsGroup:
    """Positions of one resource, project, contract or age band in the year."""

    key: str
    label: str
    positions: int
    created: int
    fte_years: Decimal


@dataclass(frozen=True)
class JobsSummary:
    """The jobs of a year, without anyone's name: what members and the impact app read.

    ``positions`` are those active on at least a day of the year, ``created`` started in it,
    ``ended`` had their last day in it. ``fte_years`` = Σ FTE x days in the year ∩ [start, end)
    / days in the year (a position still open counts to the end of the year)."""

    year: int
    positions: int
    created: int
    ended: int
    fte_years: Decimal
    local_positions: int
    local_fte_years: Decimal
    by_resource: list[JobsGroup] = field(default_factory=list)
    by_project: list[JobsGroup] = field(default_factory=list)
    by_contract: list[JobsGroup] = field(default_factory=list)
    by_age_band: list[JobsGroup] = field(default_factory=list)

    @property
    def local_share_headcount(self) -> Decimal | None:
        return percent(self.local_positions, self.positions)

    @property
    def local_share_fte(self) -> Decimal | None:
        return percent(self.local_fte_years, self.fte_years)


def _groups(tallies: dict[tuple[str, str], _Tally], year: int) -> list[JobsGroup]:
    return [
        JobsGroup(
            key=key,
            label=label,
            positions=t.positions,
            created=t.created,
            fte_years=fte_years(t.fte_days, year),
        )
        for (key, label), t in sorted(tallies.items(), key=lambda item: -item[1].fte_days)
        if t.positions
    ]


def jobs_summary(*, coop: Cooperative, year: int) -> JobsSummary:
    """The year's positions, FTE-years and local shares with their breakdowns: one query."""
    rows = list(Job.objects.filter(coop=coop).filter(active_in(year)).values(*JOB_ROW))
    total = _Tally()
    contracts, bands = dict(ContractType.choices), dict(AgeBand.choices)
    groups: dict[str, dict[tuple[str, str], _Tally]] = defaultdict(lambda: defaultdict(_Tally))
    for row in rows:
        total.add(row, year)
        keys = {
            "resource": (str(row["resource_id"] or ""), row["resource__name"] or _("No resource")),
            "project": (str(row["project_id"] or ""), row["project__title"] or _("No project")),
            "contract": (row["contract"], str(contracts.get(row["contract"], row["contract"]))),
            "age_band": (row["age_band"], str(bands.get(row["age_band"], _("Not known")))),
        }
        for kind, key in keys.items():
            groups[kind][key].add(row, year)
    return JobsSummary(
        year=year,
        positions=total.positions,
        created=total.created,
        ended=total.ended,
        fte_years=fte_years(total.fte_days, year),
        local_positions=total.local_positions,
        local_fte_years=fte_years(total.local_fte_days, year),
        by_resource=_groups(groups["resource"], year),
        by_project=_groups(groups["project"], year),
        by_contract=_groups(groups["contract"], year),
        by_age_band=_groups(groups["age_band"], year),
    )


@dataclass(frozen=True)
class JobsYear:
    year: int
    positions: int
    created: int
    ended: int
    fte_years: Decimal
    local_fte_years: Decimal


def jobs_series(*, coop: Cooperative) -> list[JobsYear]:
    """Every year from the first position to the last year one was active (a position still
    open reaches this year): one query for all years."""
    rows = list(
        Job.objects.filter(coop=coop).values("start_date", "end_date", "fte", "lives_in_territory")
    )
    if not rows:
        return []
    this_year = timezone.localdate().year
    first = min(r["start_date"].year for r in rows)
    last = max(
        (r["end_date"] - timedelta(days=1)).year
        if r["end_date"]
        else max(this_year, r["start_date"].year)
        for r in rows
    )
    series = []
    for year in range(first, last + 1):
        tally = _Tally()
        for row in rows:
            tally.add(row, year)
        series.append(
            JobsYear(
                year=year,
                positions=tally.positions,
                created=tally.created,
                ended=tally.ended,
                fte_years=fte_years(tally.fte_days, year),
                local_fte_years=fte_years(tally.local_fte_days, year),
            )
        )
    return series


def _rate_in_force() -> Subquery:
    return Subquery(
        VolunteerRate.objects.filter(coop=OuterRef("coop"), valid_from__lte=OuterRef("on_date"))
        .order_by("-valid_from")
        .values("hourly_value")[:1],
        output_field=DecimalField(max_digits=14, decimal_places=2),
    )


def _confirmed_in(coop: Cooperative, year: int) -> QuerySet[VolunteerEntry]:
    first, after = year_bounds(year)
    return VolunteerEntry.objects.filter(
        coop=coop, status=VolunteerStatus.CONFIRMED, on_date__gte=first, on_date__lt=after
    )


def _valued(groups: Iterable[dict]) -> tuple[Decimal, Decimal]:
    """(Σ hours x rate, hours without a rate) of rows grouped by rate in force."""
    valued, unvalued = Decimal("0"), ZERO
    for row in groups:
        hours = cents(row["hours"])
        if row["rate"] is None:
            unvalued += hours
        else:
            valued += hours * row["rate"]
    return cents(valued), unvalued


def volunteer_valued_total(*, coop: Cooperative, year: int) -> Decimal:
    """Σ confirmed hours of the year x the rate in force on each entry's date, to the cent
    (hours before the first rate are worth nothing here): one query."""
    groups = (
        _confirmed_in(coop, year)
        .annotate(rate=_rate_in_force())
        .values("rate")
        .annotate(hours=Sum("hours", output_field=SUM))
        .order_by()
    )
    return _valued(groups)[0]


@dataclass(frozen=True)
class VolunteerYear:
    year: int
    hours: Decimal  # confirmed
    valued: Decimal


def volunteer_series(*, coop: Cooperative) -> list[VolunteerYear]:
    """Confirmed hours and their value for every year with confirmed hours: one query."""
    groups = (
        VolunteerEntry.objects.filter(coop=coop, status=VolunteerStatus.CONFIRMED)
        .annotate(year=ExtractYear("on_date"), rate=_rate_in_force())
        .values("year", "rate")
        .annotate(hours=Sum("hours", output_field=SUM))
        .order_by()
    )
    by_year: dict[int, list[dict]] = defaultdict(list)
    for row in groups:
        by_year[row["year"]].append(row)
    return [
        VolunteerYear(
            year=year,
            hours=sum((cents(r["hours"]) for r in rows), ZERO),
            valued=_valued(rows)[0],
        )
        for year, rows in sorted(by_year.items())
    ]


@dataclass(frozen=True)
class HoursGroup:
    key: str
    label: str
    hours: Decimal


@dataclass(frozen=True)
class VolunteerSummary:
    """The confirmed volunteering of a year, without anyone's name."""

    year: int
    hours: Decimal
    entries: int
    people: int
    valued: Decimal  # Σ hours x the rate in force on each entry's date
    unvalued_hours: Decimal  # hours dated before any rate
    pending_entries: int
    pending_hours: Decimal
    by_activity: list[HoursGroup]
    by_project: list[HoursGroup]
    by_resource: list[HoursGroup]


def _hours_groups(totals: dict[tuple[str, str], Decimal]) -> list[HoursGroup]:
    return [
        HoursGroup(key=key, label=label, hours=hours)
        for (key, label), hours in sorted(totals.items(), key=lambda item: (-item[1], item[0][1]))
    ]


def volunteer_summary(*, coop: Cooperative, year: int) -> VolunteerSummary:
    """Confirmed hours of the year by activity, project and resource, people counted (by
    member, else login, else name), valued hours; and what waits for confirmation: two
    queries."""
    rows = list(
        _confirmed_in(coop, year)
        .annotate(rate=_rate_in_force())
        .values(
            "activity",
            "project_id",
            "project__title",
            "resource_id",
            "resource__name",
            "member_id",
            "user_id",
            "person_name",
            "rate",
        )
        .annotate(hours=Sum("hours", output_field=SUM), n=Count("id"))
        .order_by()
    )
    first, after = year_bounds(year)
    pending = VolunteerEntry.objects.filter(
        coop=coop, status=VolunteerStatus.DECLARED, on_date__gte=first, on_date__lt=after
    ).aggregate(n=Count("id"), hours=Sum("hours", output_field=SUM))
    activity: dict[tuple[str, str], Decimal] = defaultdict(Decimal)
    project: dict[tuple[str, str], Decimal] = defaultdict(Decimal)
    resource: dict[tuple[str, str], Decimal] = defaultdict(Decimal)
    people: set[tuple[str, object]] = set()
    hours_total, entries = ZERO, 0
    for row in rows:
        hours = cents(row["hours"])
        hours_total += hours
        entries += row["n"]
        name = row["activity"].strip()
        activity[(name.casefold(), name)] += hours
        if row["project_id"]:
            project[(str(row["project_id"]), row["project__title"])] += hours
        if row["resource_id"]:
            resource[(str(row["resource_id"]), row["resource__name"])] += hours
        if row["member_id"]:
            people.add(("member", row["member_id"]))
        elif row["user_id"]:
            people.add(("user", row["user_id"]))
        else:
            people.add(("name", row["person_name"].strip().casefold()))
    valued, unvalued = _valued({"hours": r["hours"], "rate": r["rate"]} for r in rows)
    return VolunteerSummary(
        year=year,
        hours=hours_total,
        entries=entries,
        people=len(people),
        valued=valued,
        unvalued_hours=unvalued,
        pending_entries=pending["n"],
        pending_hours=cents(pending["hours"]),
        by_activity=_hours_groups(activity),
        by_project=_hours_groups(project),
        by_resource=_hours_groups(resource),
    )
