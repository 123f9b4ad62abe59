"""Every write of an assembly's session: opening it at the first or the second call with the
voters' roll fixed on that day, members arriving and leaving (in person or online), written
proxies (art. 2539 c.c.) and their revocation, and closing it.

Who may vote, and with how many votes, is the member book's rule
(``members.book.selectors.eligible_voters``: 90 days in the book, legal persons up to the
statute's votes, financing members scaled to one third), read once when the assembly opens. One
transaction each, under the assembly's row lock, audited."""

from __future__ import annotations

from datetime import datetime, timedelta
from fractions import Fraction

from django.db import transaction
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from comunitas.core.audit import audit_record, jsonable
from comunitas.core.coops.selectors import statute_on
from comunitas.core.errors import ValidationError
from comunitas.core.kernel.types import Actor, user_of
from comunitas.core.law import limits_on
from comunitas.decisions.assemblies import selectors
from comunitas.decisions.assemblies.rules import roll_units
from comunitas.decisions.assemblies.services import assembly_locked, require_status
from comunitas.decisions.models import (
    Assembly,
    AssemblyStatus,
    Attendance,
    AttendanceMode,
    Call,
    Minutes,
    MotionStatus,
    Proxy,
    RollEntry,
)
from comunitas.decisions.moments import at_or_now
from comunitas.members.book.selectors import eligible_voters
from comunitas.members.models import Member
from comunitas.members.offices.selectors import proxy_bar


@transaction.atomic
def assembly_open(
    *, actor: Actor, assembly: Assembly, call: str, at: datetime | None = None
) -> Assembly:
    """Open the session at the first or the second call and fix the voters' roll from the
    member book on that day: who may vote, and with how many votes."""
    assembly = assembly_locked(assembly)
    require_status(
        assembly,
        AssemblyStatus.CONVENED,
        message=_("Only a convened assembly can be opened."),
    )
    now = at_or_now(at)
    today = timezone.localtime(now).date()
    if call == Call.SECOND:
        if assembly.second_call_at is None:
            raise ValidationError(_("The notice set no second call."), field="call")
        held = assembly.second_call_at
    elif call == Call.FIRST:
        held = assembly.first_call_at
    else:
        raise ValidationError(_("Choose the first or the second call."), field="call")
    held_day = timezone.localtime(held).date()
    if today < held_day:
        raise ValidationError(
            _("This call is on %(day)s: the session opens on that day.")
            % {"day": date_format(held_day, "DATE_FORMAT")},
            field="call",
        )
    if today > held_day + timedelta(days=1):
        raise ValidationError(
            _("This call was on %(day)s: an assembly cannot be held on another day.")
            % {"day": date_format(held_day, "DATE_FORMAT")},
            field="call",
        )
    eligibility = eligible_voters(coop=assembly.coop, on_date=held_day)
    denominator, units = roll_units([v.votes for v in eligibility.voters])
    # Financing members get no vote when nobody else may vote: a third of nothing is nothing.
    RollEntry.objects.bulk_create(
        [
            RollEntry(assembly=assembly, member=v.member, units=u)
            for v, u in zip(eligibility.voters, units, strict=True)
            if u
        ],
        batch_size=2000,
    )
    assembly.status = AssemblyStatus.OPEN
    assembly.call = call
    assembly.opened_at = now
    assembly.vote_denominator = denominator
    assembly.total_units = sum(units)
    assembly.save(update_fields=["status", "call", "opened_at", "vote_denominator", "total_units"])
    audit_record(
        actor=actor,
        action="assembly.open",
        obj=assembly,
        coop=assembly.coop,
        after={
            "status": assembly.status,
            "call": call,
            "voters": sum(1 for u in units if u),
            "votes": str(Fraction(assembly.total_units, denominator)),
        },
    )
    return assembly


def _current_member(assembly: Assembly, member: Member, field: str) -> Member:
    if member.coop_id != assembly.coop_id:
        raise ValidationError(_("This person is not a member of this cooperative."), field=field)
    # A member on the assembly's day (an assembly recorded afterwards names who was a member).
    day = selectors.held_on(assembly)
    if not (
        member.admitted_on is not None
        and member.admitted_on <= day
        and (member.exited_on is None or member.exited_on > day)
    ):
        raise ValidationError(
            _("%(who)s is not a member of the cooperative on the day of the assembly.")
            % {"who": member.audit_label},
            field=field,
        )
    return member


@transaction.atomic
def attendance_register(
    *,
    actor: Actor,
    assembly: Assembly,
    member: Member,
    mode: str = AttendanceMode.IN_PERSON,
    at: datetime | None = None,
) -> Attendance:
    """A member arrives (or comes back). A member who gave a proxy and arrives votes in person:
    the proxy lapses."""
    assembly = assembly_locked(assembly)
    require_status(assembly, AssemblyStatus.OPEN, message=_("The assembly is not in session."))
    _current_member(assembly, member, "member")
    if mode not in AttendanceMode.values:
        raise ValidationError(_("Choose in person or online."), field="mode")
    if mode == AttendanceMode.ONLINE and not assembly.online_url:
        raise ValidationError(_("This assembly has no online link."), field="mode")
    now = at_or_now(at)
    attendance = Attendance.objects.filter(assembly=assembly, member=member).first()
    if attendance is not None and attendance.left_at is None:
        raise ValidationError(
            _("%(who)s is already registered as present.") % {"who": member.audit_label},
            field="member",
        )
    if attendance is None:
        attendance = Attendance.objects.create(
            assembly=assembly,
            member=member,
            mode=mode,
            arrived_at=now,
            registered_by=user_of(actor),
        )
    else:
        attendance.left_at = None
        attendance.mode = mode
        attendance.save(update_fields=["left_at", "mode"])
    for proxy in Proxy.objects.filter(assembly=assembly, grantor=member, revoked_at__isnull=True):
        _revoke(actor, assembly, proxy, _("the member attends in person"), now)
    audit_record(
        actor=actor,
        action="attendance.arrive",
        obj=attendance,
        coop=assembly.coop,
        after={"member": member.audit_label, "mode": mode, "at": jsonable(now)},
    )
    return attendance


@transaction.atomic
def attendance_leave(
    *, actor: Actor, attendance: Attendance, at: datetime | None = None
) -> Attendance:
    """A member leaves: from now on neither they nor the proxies they hold count as present."""
    assembly = assembly_locked(attendance.assembly)
    require_status(assembly, AssemblyStatus.OPEN, message=_("The assembly is not in session."))
    attendance = Attendance.objects.select_related("member").get(pk=attendance.pk)
    if attendance.left_at is not None:
        raise ValidationError(_("This member has already left."))
    attendance.left_at = max(at_or_now(at), attendance.arrived_at)
    attendance.save(update_fields=["left_at"])
    audit_record(
        actor=actor,
        action="attendance.leave",
        obj=attendance,
        coop=assembly.coop,
        after={"member": attendance.member.audit_label, "at": jsonable(attendance.left_at)},
    )
    return attendance


@transaction.atomic
def attendance_join_online(*, user: Actor, assembly: Assembly) -> Attendance:
    """A member following the assembly online registers their own presence."""
    member = selectors.member_for(coop=assembly.coop, user=user)
    if member is None:
        raise ValidationError(_("Only members of the cooperative attend its assembly."))
    return attendance_register(
        actor=user, assembly=assembly, member=member, mode=AttendanceMode.ONLINE
    )


def _max_proxies(assembly: Assembly) -> int:
    day = timezone.localtime(assembly.held_at).date()
    statute = statute_on(coop=assembly.coop, day=day)
    law = limits_on(day).max_proxies_per_member
    return min(statute.max_proxies_per_member if statute else law, law)


def _holder_not_barred(assembly: Assembly, holder: Member) -> None:
    """Art. 2372 c.5 c.c. (via art. 2519): a proxy cannot be given to a director, a member of
    the control body or an employee of the cooperative, as they are on the assembly's day."""
    bar = proxy_bar(holder, selectors.held_on(assembly))
    if bar:
        raise ValidationError(
            _(
                "%(who)s is %(bar)s: directors, members of the control body and employees "
                "cannot hold proxies (art. 2372 c.c., via art. 2519)."
            )
            % {"who": holder.display_name, "bar": bar},
            field="holder",
        )


def _proxies_allow(assembly: Assembly, grantor: Member, holder: Member) -> None:
    """The proxies already given allow this one: one each to give, none held by who gives one
    or given by who holds them, and no more held than the statute's number (art. 2539 c.c.)."""
    active = Proxy.objects.filter(assembly=assembly, revoked_at__isnull=True)
    if active.filter(grantor=grantor).exists():
        raise ValidationError(
            _("%(who)s has already given a proxy for this assembly.")
            % {"who": grantor.audit_label},
            field="grantor",
        )
    if active.filter(grantor=holder).exists():
        raise ValidationError(
            _("%(who)s has given their own proxy and cannot hold others'.")
            % {"who": holder.audit_label},
            field="holder",
        )
    if active.filter(holder=grantor).exists():
        raise ValidationError(
            _("%(who)s holds proxies of others and must attend to use them.")
            % {"who": grantor.audit_label},
            field="grantor",
        )
    limit = _max_proxies(assembly)
    if active.filter(holder=holder).count() >= limit:
        held = ngettext(
            "%(who)s already holds %(n)s proxy, the most the statute allows (art. 2539 c.c.).",
            "%(who)s already holds %(n)s proxies, the most the statute allows (art. 2539 c.c.).",
            limit,
        )
        raise ValidationError(held % {"who": holder.audit_label, "n": limit}, field="holder")


@transaction.atomic
def proxy_register(
    *,
    actor: Actor,
    assembly: Assembly,
    grantor: Member,
    holder: Member,
    reference: str = "",
    at: datetime | None = None,
) -> Proxy:
    """Register a written proxy (art. 2539 c.c.): both members may vote, the holder holds no
    more than the statute's number (at most 10), gave none and holds no office or job (art.
    2372 c.5), and the member represented is not attending."""
    assembly = assembly_locked(assembly)
    require_status(
        assembly,
        AssemblyStatus.CONVENED,
        AssemblyStatus.OPEN,
        message=_("Proxies are registered for a convened assembly or during its session."),
    )
    _current_member(assembly, grantor, "grantor")
    _current_member(assembly, holder, "holder")
    if grantor.pk == holder.pk:
        raise ValidationError(_("A member cannot hold their own proxy."), field="holder")
    for member, field in ((grantor, "grantor"), (holder, "holder")):
        problem = selectors.voting_problem(assembly=assembly, member=member)
        if problem:
            raise ValidationError(problem, field=field)
    _holder_not_barred(assembly, holder)
    _proxies_allow(assembly, grantor, holder)
    if Attendance.objects.filter(assembly=assembly, member=grantor, left_at__isnull=True).exists():
        raise ValidationError(
            _("%(who)s is present and votes in person.") % {"who": grantor.audit_label},
            field="grantor",
        )
    if len(reference) > 200:
        raise ValidationError(_("Keep it within 200 characters."), field="reference")
    proxy = Proxy.objects.create(
        assembly=assembly,
        grantor=grantor,
        holder=holder,
        reference=reference.strip(),
        registered_at=at_or_now(at),
        registered_by=user_of(actor),
    )
    audit_record(
        actor=actor,
        action="proxy.register",
        obj=proxy,
        coop=assembly.coop,
        after={"grantor": grantor.audit_label, "holder": holder.audit_label},
    )
    return proxy


def _revoke(actor: Actor, assembly: Assembly, proxy: Proxy, reason: str, now: datetime) -> None:
    proxy.revoked_at = now
    proxy.revoked_reason = reason[:200]
    proxy.save(update_fields=["revoked_at", "revoked_reason"])
    audit_record(
        actor=actor,
        action="proxy.revoke",
        obj=proxy,
        coop=assembly.coop,
        after={"revoked_at": jsonable(now), "reason": proxy.revoked_reason},
    )


@transaction.atomic
def proxy_revoke(
    *, actor: Actor, proxy: Proxy, reason: str = "", at: datetime | None = None
) -> Proxy:
    assembly = assembly_locked(proxy.assembly)
    require_status(
        assembly,
        AssemblyStatus.CONVENED,
        AssemblyStatus.OPEN,
        message=_("The assembly is over: its proxies stay as they were."),
    )
    proxy = Proxy.objects.get(pk=proxy.pk)
    if proxy.revoked_at is not None:
        raise ValidationError(_("This proxy is already revoked."))
    _revoke(actor, assembly, proxy, (reason or "").strip() or _("revoked"), at_or_now(at))
    return proxy


@transaction.atomic
def assembly_close(*, actor: Actor, assembly: Assembly, at: datetime | None = None) -> Assembly:
    """Close the session (every vote closed first); the minutes' draft is ready to write."""
    assembly = assembly_locked(assembly)
    require_status(assembly, AssemblyStatus.OPEN, message=_("The assembly is not in session."))
    if assembly.motions.filter(status=MotionStatus.OPEN).exists():
        raise ValidationError(_("Close the votes still open first."))
    now = at_or_now(at)
    assembly.attendance.filter(left_at__isnull=True).update(left_at=now)
    assembly.status = AssemblyStatus.CLOSED
    assembly.closed_at = now
    assembly.save(update_fields=["status", "closed_at"])
    Minutes.objects.get_or_create(assembly=assembly, defaults={"coop": assembly.coop})
    audit_record(
        actor=actor,
        action="assembly.close",
        obj=assembly,
        coop=assembly.coop,
        after={"status": assembly.status, "closed_at": jsonable(now)},
    )
    return assembly
