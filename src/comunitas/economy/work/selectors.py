"""Reads of jobs, volunteering and budgets: the lists and single objects staff work on, the value
of an hour in force on a day (``volunteer_rate_on``), and the budget against what happened
(``budget_vs_actual``). The yearly figures are in ``figures``.

Amounts are summed by the database and brought back to the cent; each selector runs a constant
number of queries, whatever the size of the book."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import ROUND_HALF_EVEN, Decimal

from django.db.models import CharField, Count, DecimalField, OuterRef, Q, QuerySet, Subquery, Sum
from django.db.models.fields.json import KT
from django.db.models.functions import Cast
from django.utils.translation import gettext as _

from comunitas.commons.models import CommonResource
from comunitas.core.errors import ValidationError
from comunitas.core.kernel.money import CENT, ZERO
from comunitas.core.kernel.types import user_of
from comunitas.core.models import AuditEntry, Cooperative
from comunitas.economy.cashbook.chart import chart_ensure
from comunitas.economy.models import (
    BudgetLine,
    Category,
    ContractType,
    Direction,
    Job,
    Movement,
    VolunteerEntry,
    VolunteerRate,
)
from comunitas.members.models import Member
from comunitas.projects.models import Project

SUM = DecimalField(max_digits=16, decimal_places=2)  # wider than a row: sums of many rows


def cents(value) -> Decimal:
    return Decimal(value or 0).quantize(CENT, rounding=ROUND_HALF_EVEN)


def percent(part: Decimal | int, whole: Decimal | int) -> Decimal | None:
    """``part`` of ``whole`` in percent to one decimal; None when there is no whole."""
    if not whole:
        return None
    return (Decimal(part) * 100 / Decimal(whole)).quantize(Decimal("0.1"), ROUND_HALF_EVEN)


def year_bounds(year: int) -> tuple[date, date]:
    return date(year, 1, 1), date(year + 1, 1, 1)


def active_in(year: int) -> Q:
    first, after = year_bounds(year)
    return Q(start_date__lt=after) & (Q(end_date__isnull=True) | Q(end_date__gt=first))


def job_list(*, coop: Cooperative, year: int | None = None) -> QuerySet[Job]:
    """Positions, those active in ``year`` when given: one query per page."""
    found = Job.objects.filter(coop=coop)
    if year is not None:
        found = found.filter(active_in(year))
    return found.select_related("member", "municipality", "resource", "project").order_by(
        "-start_date", "-id"
    )


# Contracts of employment (lavoro subordinato, art. 2094 c.c.): their holders are the
# cooperative's employees (dipendenti), whom art. 2372 c.5 c.c. bars from holding proxies.
# Collaborators, freelancers and interns are not employees; "other" is not known to be one.
EMPLOYMENT_CONTRACTS = (
    ContractType.PERMANENT,
    ContractType.FIXED_TERM,
    ContractType.APPRENTICESHIP,
    ContractType.SEASONAL,
)


def employed_on(member: Member, day: date) -> bool:
    """Whether ``member`` holds a job of employment with their cooperative on ``day`` (jobs
    are half-open: ``end_date`` is the first day without it). The members' register asks this
    (members.offices.selectors.proxy_bar): the economy adds it there in its AppConfig.ready."""
    return (
        Job.objects.filter(
            coop_id=member.coop_id,
            member=member,
            contract__in=EMPLOYMENT_CONTRACTS,
            start_date__lte=day,
        )
        .filter(Q(end_date__isnull=True) | Q(end_date__gt=day))
        .exists()
    )


def job_get(*, coop: Cooperative, pk: int) -> Job:
    return Job.objects.select_related("member", "municipality", "resource", "project").get(
        coop=coop, pk=pk
    )


# --- volunteering -------------------------------------------------------------------------------
def volunteer_rates(*, coop: Cooperative) -> QuerySet[VolunteerRate]:
    return VolunteerRate.objects.filter(coop=coop).order_by("-valid_from")


def volunteer_rate_on(*, coop: Cooperative, on_date: date) -> Decimal | None:
    """The value of an hour of volunteering in force on ``on_date`` (None before any rate)."""
    return (
        VolunteerRate.objects.filter(coop=coop, valid_from__lte=on_date)
        .order_by("-valid_from")
        .values_list("hourly_value", flat=True)
        .first()
    )


@dataclass(frozen=True)
class VolunteerFilters:
    year: int | None = None
    status: str = ""
    project_id: int | None = None
    resource_id: int | None = None


def volunteer_list(
    *, coop: Cooperative, filters: VolunteerFilters | None = None
) -> QuerySet[VolunteerEntry]:
    """Everyone's entries for staff, newest first: one query per page."""
    filters = filters or VolunteerFilters()
    found = VolunteerEntry.objects.filter(coop=coop)
    if filters.year is not None:
        first, after = year_bounds(filters.year)
        found = found.filter(on_date__gte=first, on_date__lt=after)
    if filters.status:
        found = found.filter(status=filters.status)
    if filters.project_id:
        found = found.filter(project_id=filters.project_id)
    if filters.resource_id:
        found = found.filter(resource_id=filters.resource_id)
    return found.select_related("member", "user", "project", "resource").order_by("-on_date", "-id")


def volunteer_totals(entries: QuerySet[VolunteerEntry]) -> dict[str, object]:
    """Entries and hours of a filtered list: one query."""
    totals = entries.order_by().aggregate(n=Count("id"), hours=Sum("hours", output_field=SUM))
    return {"entries": totals["n"], "hours": cents(totals["hours"])}


def _rejection_reason() -> Subquery:
    """Why staff did not confirm an entry: the reason is kept in the audit trail."""
    return Subquery(
        AuditEntry.objects.filter(
            coop=OuterRef("coop"),
            action="volunteer.reject",
            object_type="economy.volunteerentry",
            object_id=Cast(OuterRef("pk"), CharField()),
        )
        .annotate(reason=KT("changes__reason__after"))
        .order_by("-id")
        .values("reason")[:1],
        output_field=CharField(),
    )


def volunteer_mine(*, coop: Cooperative, user) -> QuerySet[VolunteerEntry]:
    """A person's own entries: those they declared and those staff entered for their member
    record, with ``rejection_reason`` on those not confirmed. Nobody else's."""
    if user_of(user) is None:
        return VolunteerEntry.objects.none()
    return (
        VolunteerEntry.objects.filter(coop=coop)
        .filter(Q(user=user) | Q(member__user=user))
        .annotate(rejection_reason=_rejection_reason())
        .select_related("project", "resource")
        .order_by("-on_date", "-id")
    )


def volunteer_entry_get(*, coop: Cooperative, pk: int) -> VolunteerEntry:
    return VolunteerEntry.objects.select_related("member", "user", "project", "resource").get(
        coop=coop, pk=pk
    )


# --- budgets ------------------------------------------------------------------------------------
def budget_subject(
    *, coop: Cooperative, project_id: int | None, resource_id: int | None
) -> tuple[Project | None, CommonResource | None]:
    """The project or resource a budget is for (both None: the whole cooperative), looked for
    within the cooperative only."""
    if project_id and resource_id:
        raise ValidationError(
            _("A budget is for the whole cooperative, a project or a resource: one of them."),
            field="resource",
        )
    project = resource = None
    if project_id:
        project = Project.objects.filter(coop=coop, pk=project_id).first()
        if project is None:
            raise ValidationError(_("Choose a project of the cooperative."), field="project")
    if resource_id:
        resource = CommonResource.objects.filter(coop=coop, pk=resource_id).first()
        if resource is None:
            raise ValidationError(_("Choose a resource of the cooperative."), field="resource")
    return project, resource


def _subject_lines(coop, year, project, resource) -> QuerySet[BudgetLine]:
    return BudgetLine.objects.filter(coop=coop, year=year, project=project, resource=resource)


def budget_lines_get(
    *,
    coop: Cooperative,
    year: int,
    project: Project | None = None,
    resource: CommonResource | None = None,
) -> dict[str, Decimal]:
    """{category code: planned amount} of a subject's year: one query."""
    return dict(
        _subject_lines(coop, year, project, resource).values_list("category__code", "amount")
    )


@dataclass(frozen=True)
class BudgetTotals:
    planned: Decimal
    actual: Decimal

    @property
    def variance(self) -> Decimal:
        """Actual minus planned: more spent (or earned) than planned is positive."""
        return self.actual - self.planned

    @property
    def percent_used(self) -> Decimal | None:
        """None when the plan is not a positive amount (a planned loss has no share used)."""
        return percent(self.actual, self.planned) if self.planned > 0 else None


@dataclass(frozen=True, kw_only=True)
class BudgetRow(BudgetTotals):
    """A category's line: any plan but zero has a share used (a planned cost is positive)."""

    category: Category

    @property
    def percent_used(self) -> Decimal | None:
        return percent(self.actual, self.planned)


@dataclass(frozen=True)
class BudgetComparison:
    year: int
    project: Project | None
    resource: CommonResource | None
    income: list[BudgetRow]
    expense: list[BudgetRow]
    income_total: BudgetTotals
    expense_total: BudgetTotals

    @property
    def result(self) -> BudgetTotals:
        """Income minus expenses, planned and actual."""
        return BudgetTotals(
            planned=self.income_total.planned - self.expense_total.planned,
            actual=self.income_total.actual - self.expense_total.actual,
        )

    @property
    def rows(self) -> list[BudgetRow]:
        return [*self.income, *self.expense]


def budget_vs_actual(
    *,
    coop: Cooperative,
    year: int,
    project: Project | None = None,
    resource: CommonResource | None = None,
) -> BudgetComparison:
    """Planned against actual per category: the actual is the gross amount of the year's
    movements of the category (as the year's result is), of the project or resource when the
    budget is for one, of the whole book otherwise. Three queries (categories, lines,
    movements by category), whatever the size of the book."""
    categories = chart_ensure(coop=coop)
    planned = dict(
        _subject_lines(coop, year, project, resource).values_list("category_id", "amount")
    )
    first, after = year_bounds(year)
    moves = Movement.objects.filter(coop=coop, on_date__gte=first, on_date__lt=after)
    if project is not None:
        moves = moves.filter(project=project)
    if resource is not None:
        moves = moves.filter(resource=resource)
    actual = {
        category_id: cents(total)
        for category_id, total in moves.values_list("category_id")
        .annotate(total=Sum("amount", output_field=SUM))
        .order_by()
    }
    ordered = sorted(categories.values(), key=lambda c: (c.position, c.pk))
    rows = {Direction.INCOME: [], Direction.EXPENSE: []}
    for category in ordered:
        plan, done = planned.get(category.pk, ZERO), actual.get(category.pk, ZERO)
        if plan or done:
            rows[category.direction].append(BudgetRow(category=category, planned=plan, actual=done))

    def total(items: list[BudgetRow]) -> BudgetTotals:
        return BudgetTotals(
            planned=sum((r.planned for r in items), ZERO),
            actual=sum((r.actual for r in items), ZERO),
        )

    return BudgetComparison(
        year=year,
        project=project,
        resource=resource,
        income=rows[Direction.INCOME],
        expense=rows[Direction.EXPENSE],
        income_total=total(rows[Direction.INCOME]),
        expense_total=total(rows[Direction.EXPENSE]),
    )
