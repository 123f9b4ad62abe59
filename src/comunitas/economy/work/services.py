"""Every write of jobs, volunteering and budgets: positions (posti di lavoro) opened, changed and
ended, hours of volunteering entered by staff or declared by volunteers and confirmed, the dated
value of an hour, and the planned amounts of a year's budget.

One transaction each; the rules are checked here (with ``checks``; the database constraints are
the last line) and every change is audited. Jobs count in the members' exchanges with the
cooperative (ristorni on the work basis) and in the closing's figures, so a change that would
alter the days of a year whose closing is proposed or approved is refused
(``ledger.ensure_open``).

Hours: a person's hours of a day never pass 24. The person's row (member, login, or the
cooperative for a named person) is locked while the day's total is read, so two declarations at
the same instant cannot both slip under the limit; a confirmation locks the entry and reads its
status again, so two staff confirming (or one confirming, one rejecting) cannot both apply."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal
from typing import Any

from django.contrib.auth import get_user_model
from django.db import transaction
from django.db.models import Q, Sum
from django.utils import timezone
from django.utils.translation import gettext as _

from comunitas.commons.models import CommonResource
from comunitas.core.audit import audit_record, snapshot
from comunitas.core.errors import ValidationError
from comunitas.core.kernel.edits import assign, require_text, save_unique, validated
from comunitas.core.kernel.money import CENT, money
from comunitas.core.kernel.types import Actor, user_of
from comunitas.core.models import Cooperative, Municipality
from comunitas.economy.cashbook import ledger
from comunitas.economy.cashbook.chart import chart_ensure
from comunitas.economy.cashbook.ledger import ensure_open
from comunitas.economy.models import (
    AgeBand,
    BudgetLine,
    Closing,
    ContractType,
    Job,
    VolunteerEntry,
    VolunteerRate,
    VolunteerStatus,
)
from comunitas.economy.work.checks import (
    check_date,
    check_decimal,
    check_links,
    check_own,
    check_person,
    check_year,
)
from comunitas.members.book.services import REDACTED, REDACTED_NEW
from comunitas.members.models import Member, MemberStatus
from comunitas.projects.models import Project

JOB_FIELDS = [
    "member",
    "person_name",
    "title",
    "contract",
    "fte",
    "start_date",
    "end_date",
    "municipality",
    "lives_in_territory",
    "age_band",
    "previously_unemployed",
    "unemployment_consent_on",
    "resource",
    "project",
]
# Personal data: the trail says they changed, never what they are (it is append-only, and an
# erasure could not remove them later), as the member book's trail does.
JOB_PERSONAL = {
    "person_name",
    "municipality",
    "age_band",
    "previously_unemployed",
    "unemployment_consent_on",
}
ENTRY_PERSONAL = {"person_name"}
# Changing any of these changes the days and FTE a job counts in a year.
JOB_COUNTED = ["member", "person_name", "fte", "start_date", "end_date"]
ENTRY_FIELDS = ["member", "person_name", "activity", "on_date", "hours", "project", "resource"]
DECLARE_FIELDS = ["activity", "on_date", "hours", "project", "resource"]
RATE_FIELDS = ["valid_from", "hourly_value", "source"]
DAY_HOURS = Decimal("24")
REASON_MAX = 500


def _private(before: dict[str, Any], after: dict[str, Any], personal: set[str]) -> None:
    """Replace personal values of an audit change by markers that still show what changed."""
    for key in personal & (before.keys() | after.keys()):
        old, new = before.get(key), after.get(key)
        if old == new:
            before.pop(key, None)
            after.pop(key, None)
            continue
        if key in before:
            before[key] = REDACTED if old not in (None, "") else old
        after[key] = REDACTED_NEW if new not in (None, "") else new


def _audit(
    actor: Actor, action: str, obj, coop, personal: set[str], before=None, after=None
) -> None:
    before, after = dict(before or {}), dict(after or {})
    _private(before, after, personal)
    audit_record(actor=actor, action=action, obj=obj, coop=coop, before=before, after=after)


# --- jobs ---------------------------------------------------------------------------------------
def _check_job(job: Job, coop: Cooperative) -> None:
    require_text(job, ["title"])
    check_person(job, coop)
    if job.contract not in ContractType.values:
        raise ValidationError(_("Choose a kind of contract."), field="contract")
    fte = check_decimal(job.fte, "fte", _("Give the share of a full-time job, e.g. 0.5."))
    if not Decimal("0") < fte <= Decimal("1"):
        raise ValidationError(
            _("Give more than 0 and at most 1 (1 is full time, 0.5 half time)."), field="fte"
        )
    if fte != fte.quantize(CENT):
        raise ValidationError(_("Give at most two decimals, e.g. 0.75."), field="fte")
    job.fte = fte.quantize(CENT)
    check_date(job.start_date, "start_date")
    if job.end_date is not None:
        check_date(job.end_date, "end_date")
        if job.end_date <= job.start_date:
            raise ValidationError(
                _("The end is the first day without the job: it must come after the start."),
                field="end_date",
            )
    if job.municipality is not None:
        if not isinstance(job.municipality, Municipality):
            raise ValidationError(_("Give a municipality."), field="municipality")
        job.lives_in_territory = ledger.serves(coop_id=coop.pk, municipality_id=job.municipality_id)
    elif job.lives_in_territory not in (True, False):
        raise ValidationError(
            _("Say whether the worker lives in the territory, or give the municipality."),
            field="lives_in_territory",
        )
    if job.age_band not in ("", *AgeBand.values):
        raise ValidationError(_("Choose an age band."), field="age_band")
    if job.previously_unemployed not in (None, True, False):
        raise ValidationError(_("Answer yes, no or not known."), field="previously_unemployed")
    consent = job.unemployment_consent_on
    if job.previously_unemployed is None:
        if consent is not None:
            raise ValidationError(
                _("A consent date goes with an answer about previous unemployment."),
                field="unemployment_consent_on",
            )
    else:
        if consent is None:
            raise ValidationError(
                _(
                    "Previous unemployment is recorded only with the worker's consent: "
                    "give its date."
                ),
                field="unemployment_consent_on",
            )
        check_date(consent, "unemployment_consent_on")
        if consent > timezone.localdate():
            raise ValidationError(
                _("The consent cannot be dated in the future."), field="unemployment_consent_on"
            )
    check_links(job, coop)
    validated(job, exclude=["coop", "member", "municipality", "resource", "project"])


def _days_open(*, coop: Cooperative, spans: list[tuple[date, date | None]], field: str) -> None:
    """Refuse a change to the days of a frozen year: every year a changed span touches must be
    open. An open span runs to this year (or its start year, if later)."""
    years: set[int] = set()
    this_year = timezone.localdate().year
    for start, end in spans:
        last = (end - timedelta(days=1)).year if end else max(this_year, start.year)
        years.update(range(start.year, last + 1))
    # Only years with a closing can be frozen: ask the ledger's rule about those alone, so a
    # position open since decades costs one query, not one per year.
    closed = Closing.objects.filter(coop=coop, year__in=years).values_list("year", flat=True)
    for year in sorted(closed):
        ensure_open(coop=coop, on_date=date(year, 1, 1), field=field)


def _span(job: Job) -> tuple[date, date | None]:
    return job.start_date, job.end_date


def _locked_job(job: Job) -> Job:
    return Job.objects.select_for_update().select_related("coop").get(pk=job.pk)


@transaction.atomic
def job_create(
    *,
    actor: Actor,
    coop: Cooperative,
    title: str,
    contract: str,
    fte: Decimal,
    start_date: date,
    member: Member | None = None,
    person_name: str = "",
    end_date: date | None = None,
    municipality: Municipality | None = None,
    lives_in_territory: bool | None = None,
    age_band: str = "",
    previously_unemployed: bool | None = None,
    unemployment_consent_on: date | None = None,
    resource: CommonResource | None = None,
    project: Project | None = None,
    synthetic: bool = False,
) -> Job:
    """Record a position: a member's or a named person's, with its contract and FTE. Whether
    the worker lives in the territory follows from the municipality when one is given."""
    job = Job(coop=coop, synthetic=synthetic)
    changes = {
        "member": member,
        "person_name": person_name or "",
        "title": title,
        "contract": contract,
        "fte": fte,
        "start_date": start_date,
        "end_date": end_date,
        "municipality": municipality,
        "lives_in_territory": lives_in_territory,
        "age_band": age_band or "",
        "previously_unemployed": previously_unemployed,
        "unemployment_consent_on": unemployment_consent_on,
        "resource": resource,
        "project": project,
    }
    assign(job, changes, JOB_FIELDS)
    _check_job(job, coop)
    _days_open(coop=coop, spans=[_span(job)], field="start_date")
    job.save()
    _audit(actor, "job.create", job, coop, JOB_PERSONAL, after=snapshot(job, JOB_FIELDS))
    return job


@transaction.atomic
def job_update(*, actor: Actor, job: Job, fields: dict[str, Any]) -> Job:
    """Change a position. A change of who, FTE or dates must leave closed years as they are."""
    job = _locked_job(job)
    coop = job.coop
    before = snapshot(job, JOB_FIELDS)
    old_span = _span(job)
    assign(job, fields, JOB_FIELDS)
    job.person_name = job.person_name or ""
    job.age_band = job.age_band or ""
    _check_job(job, coop)
    after = snapshot(job, JOB_FIELDS)
    if any(before[name] != after[name] for name in JOB_COUNTED):
        _days_open(coop=coop, spans=[old_span, _span(job)], field="start_date")
    job.save()
    _audit(actor, "job.update", job, coop, JOB_PERSONAL, before=before, after=after)
    return job


@transaction.atomic
def job_end(*, actor: Actor, job: Job, end_date: date) -> Job:
    """End a running position: ``end_date`` is the first day without it (half-open)."""
    job = _locked_job(job)
    coop = job.coop
    if job.end_date is not None:
        raise ValidationError(
            _("This job has already ended; edit it to change its end."), field="end_date"
        )
    check_date(end_date, "end_date")
    if end_date <= job.start_date:
        raise ValidationError(
            _("The end is the first day without the job: it must come after the start."),
            field="end_date",
        )
    _days_open(coop=coop, spans=[(end_date, None)], field="end_date")
    before = snapshot(job, ["end_date"])
    job.end_date = end_date
    job.save(update_fields=["end_date"])
    audit_record(
        actor=actor,
        action="job.end",
        obj=job,
        coop=coop,
        before=before,
        after=snapshot(job, ["end_date"]),
    )
    return job


# --- volunteering -------------------------------------------------------------------------------
def person_filter(entry: VolunteerEntry) -> Q:
    """The entries of the same person: by member, by login, or (a named person) by name."""
    same = Q(pk__in=[])
    if entry.member_id:
        same |= Q(member_id=entry.member_id)
    if entry.user_id:
        same |= Q(user_id=entry.user_id)
    if not entry.member_id and not entry.user_id:
        same = Q(member__isnull=True, user__isnull=True, person_name__iexact=entry.person_name)
    return same


def _lock_person(entry: VolunteerEntry) -> None:
    if entry.member_id:
        Member.objects.select_for_update().filter(pk=entry.member_id).first()
    elif entry.user_id:
        get_user_model().objects.select_for_update().filter(pk=entry.user_id).first()
    else:
        Cooperative.objects.select_for_update().filter(pk=entry.coop_id).first()


def _check_entry(entry: VolunteerEntry, coop: Cooperative) -> None:
    require_text(entry, ["activity"])
    check_person(entry, coop, user_ok=True)
    check_date(entry.on_date, "on_date")
    if entry.on_date > timezone.localdate():
        raise ValidationError(
            _("Hours are recorded once given: not in the future."), field="on_date"
        )
    hours = check_decimal(entry.hours, "hours", _("Give the hours, e.g. 2.5."))
    if not Decimal("0") < hours <= DAY_HOURS:
        raise ValidationError(_("Give more than 0 and at most 24 hours."), field="hours")
    if hours != hours.quantize(CENT):
        raise ValidationError(_("Give at most two decimals, e.g. 1.25."), field="hours")
    entry.hours = hours.quantize(CENT)
    check_links(entry, coop)
    validated(entry, exclude=["coop", "member", "user", "project", "resource", "entered_by"])
    _lock_person(entry)
    already = VolunteerEntry.objects.filter(coop=coop, on_date=entry.on_date).filter(
        person_filter(entry)
    ).exclude(status=VolunteerStatus.REJECTED).exclude(pk=entry.pk).aggregate(total=Sum("hours"))[
        "total"
    ] or Decimal("0")
    already = Decimal(already).quantize(CENT)
    if already + entry.hours > DAY_HOURS:
        raise ValidationError(
            _("This person already has %(h)s hours on that day: a day has 24.")
            % {"h": f"{already.normalize():f}"},
            field="hours",
        )


def _save_entry(entry: VolunteerEntry, *, actor: Actor, action: str) -> VolunteerEntry:
    entry.save()
    after = snapshot(entry, [*ENTRY_FIELDS, "user", "status"])
    _audit(actor, action, entry, entry.coop, ENTRY_PERSONAL, after=after)
    return entry


@transaction.atomic
def volunteer_enter(
    *,
    actor: Actor,
    coop: Cooperative,
    activity: str,
    on_date: date,
    hours: Decimal,
    member: Member | None = None,
    person_name: str = "",
    project: Project | None = None,
    resource: CommonResource | None = None,
    synthetic: bool = False,
) -> VolunteerEntry:
    """Staff enter hours for a member or a named person: confirmed at once."""
    entry = VolunteerEntry(
        coop=coop,
        person_name="",
        status=VolunteerStatus.CONFIRMED,
        entered_by=user_of(actor),
        confirmed_by=user_of(actor),
        confirmed_at=timezone.now(),
        synthetic=synthetic,
    )
    changes = {
        "member": member,
        "person_name": person_name or "",
        "activity": activity,
        "on_date": on_date,
        "hours": hours,
        "project": project,
        "resource": resource,
    }
    assign(entry, changes, ENTRY_FIELDS)
    _check_entry(entry, coop)
    return _save_entry(entry, actor=actor, action="volunteer.enter")


def member_of(*, coop: Cooperative, user) -> Member | None:
    """The login's current member record in the cooperative, if it has one."""
    if user_of(user) is None:
        return None
    return Member.objects.filter(coop=coop, user=user, status=MemberStatus.ACTIVE).first()


@transaction.atomic
def volunteer_declare(
    *,
    actor: Actor,
    coop: Cooperative,
    activity: str,
    on_date: date,
    hours: Decimal,
    project: Project | None = None,
    resource: CommonResource | None = None,
) -> VolunteerEntry:
    """A volunteer declares their own hours (the person is the caller, never an input); staff
    confirm them later."""
    if user_of(actor) is None:
        raise ValidationError(_("Log in to declare your hours."))
    entry = VolunteerEntry(
        coop=coop,
        user=actor,
        member=member_of(coop=coop, user=actor),
        person_name="",
        status=VolunteerStatus.DECLARED,
        entered_by=actor,
    )
    changes = {
        "activity": activity,
        "on_date": on_date,
        "hours": hours,
        "project": project,
        "resource": resource,
    }
    assign(entry, changes, DECLARE_FIELDS)
    _check_entry(entry, coop)
    return _save_entry(entry, actor=actor, action="volunteer.declare")


def _decide(
    *, actor: Actor, entry: VolunteerEntry, status: str, reason: str = ""
) -> VolunteerEntry:
    entry = VolunteerEntry.objects.select_for_update().select_related("coop").get(pk=entry.pk)
    if entry.status != VolunteerStatus.DECLARED:
        raise ValidationError(
            _("These hours were already decided: %(s)s.") % {"s": entry.get_status_display()}
        )
    before = {"status": entry.status}
    entry.status = status
    entry.confirmed_by = user_of(actor)
    entry.confirmed_at = timezone.now()
    entry.save(update_fields=["status", "confirmed_by", "confirmed_at"])
    after = {"status": entry.status, **({"reason": reason} if reason else {})}
    action = "volunteer.confirm" if status == VolunteerStatus.CONFIRMED else "volunteer.reject"
    audit_record(actor=actor, action=action, obj=entry, coop=entry.coop, before=before, after=after)
    return entry


@transaction.atomic
def volunteer_confirm(*, actor: Actor, entry: VolunteerEntry) -> VolunteerEntry:
    """Confirm declared hours (staff). The entry is locked: of two decisions, one applies."""
    return _decide(actor=actor, entry=entry, status=VolunteerStatus.CONFIRMED)


@transaction.atomic
def volunteer_reject(*, actor: Actor, entry: VolunteerEntry, reason: str) -> VolunteerEntry:
    """Decline declared hours with a reason, kept in the audit trail and shown to the
    volunteer on their own page."""
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError(_("Say why, for the volunteer."), field="reason")
    if len(reason) > REASON_MAX:
        raise ValidationError(
            _("Keep it within %(n)s characters.") % {"n": REASON_MAX}, field="reason"
        )
    return _decide(actor=actor, entry=entry, status=VolunteerStatus.REJECTED, reason=reason)


@transaction.atomic
def volunteer_rate_create(
    *, actor: Actor, coop: Cooperative, valid_from: date, hourly_value: Decimal, source: str
) -> VolunteerRate:
    """A new value of an hour of volunteering from a date, with where it comes from. Rates are
    never edited: a new dated rate takes over, so hours already valued keep their value."""
    rate = VolunteerRate(coop=coop)
    changes = {"valid_from": valid_from, "hourly_value": hourly_value, "source": source}
    assign(rate, changes, RATE_FIELDS)
    check_date(rate.valid_from, "valid_from")
    rate.hourly_value = money(rate.hourly_value, field="hourly_value", low=CENT)
    require_text(rate, ["source"])
    validated(rate, exclude=["coop"])
    taken = _("A rate already starts on that day.")
    if VolunteerRate.objects.filter(coop=coop, valid_from=rate.valid_from).exists():
        raise ValidationError(taken, field="valid_from")
    save_unique(rate, "valid_from", taken)
    audit_record(
        actor=actor,
        action="volunteer_rate.create",
        obj=rate,
        coop=coop,
        after=snapshot(rate, RATE_FIELDS),
    )
    return rate


# --- budgets ------------------------------------------------------------------------------------
def check_subject(
    *, coop: Cooperative, project: Project | None, resource: CommonResource | None
) -> None:
    if project is not None and resource is not None:
        raise ValidationError(
            _("A budget is for the whole cooperative, a project or a resource: one of them."),
            field="resource",
        )
    check_own(project, coop, "project", _("Choose a project of the cooperative."))
    check_own(resource, coop, "resource", _("Choose a resource of the cooperative."))


@transaction.atomic
def budget_lines_set(
    *,
    actor: Actor,
    coop: Cooperative,
    year: int,
    project: Project | None = None,
    resource: CommonResource | None = None,
    amounts: dict[str, Decimal],
) -> list[BudgetLine]:
    """Replace the planned amounts of a year for one subject (the whole cooperative, a project
    or a resource), one per category code; a zero or missing amount plans nothing."""
    check_year(year)
    check_subject(coop=coop, project=project, resource=resource)
    categories = chart_ensure(coop=coop)
    # Two saves of the same budget at once: without a lock both would delete nothing and insert
    # the same lines (the unique constraint would refuse the second with an error, not a
    # message). The cooperative's row makes them queue; the second replaces the first.
    Cooperative.objects.select_for_update().filter(pk=coop.pk).first()
    unknown = sorted(set(amounts) - set(categories))
    if unknown:
        raise ValidationError(
            _("No category has the code %(code)s.") % {"code": unknown[0]}, field=unknown[0]
        )
    planned = {code: money(value, field=code) for code, value in amounts.items()}
    subject = BudgetLine.objects.filter(coop=coop, year=year, project=project, resource=resource)
    before = {
        code: str(amount)
        for code, amount in subject.select_for_update().values_list("category__code", "amount")
    }
    subject.delete()
    lines = BudgetLine.objects.bulk_create(
        BudgetLine(
            coop=coop,
            year=year,
            project=project,
            resource=resource,
            category=categories[code],
            amount=amount,
        )
        for code, amount in sorted(planned.items())
        if amount
    )
    after = {line.category.code: str(line.amount) for line in lines}
    audit_record(
        actor=actor,
        action="budget_lines.set",
        obj=project or resource or coop,
        coop=coop,
        before={"year": year, **before},
        after={"year": year, **after},
    )
    return lines
