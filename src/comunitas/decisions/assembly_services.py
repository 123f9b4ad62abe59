"""Every write of an assembly: the draft and its agenda, the convocation with its notices, the
session (the voters' roll fixed on the assembly's day, attendance, proxies), motions and their
ballots, closing, and the minutes signed into the minute book.

One transaction each; the rules are checked here and the database constraints are the last
line (SQLite and PostgreSQL answer alike); every change is audited, a secret ballot without
its choice. Who may vote, and with how many votes, is the member book's rule
(``members.selectors.eligible_voters``: 90 days in the book, legal persons up to the statute's
votes, financing members scaled to one third), read once when the assembly opens.
"""

from __future__ import annotations

import math
from datetime import datetime, timedelta
from fractions import Fraction
from typing import Any

from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import F, Max
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from comunitas.core.audit import audit_record, jsonable, snapshot
from comunitas.core.coops.selectors import statute_on
from comunitas.core.errors import FieldError, ValidationError
from comunitas.core.kernel.edits import assign, require_text, validated
from comunitas.core.law import limits_on
from comunitas.core.notify import is_quiet, notify
from comunitas.core.tasks import defer
from comunitas.decisions import assembly_selectors as selectors
from comunitas.decisions.models import (
    AgendaItem,
    Assembly,
    AssemblyStatus,
    Attendance,
    AttendanceMode,
    BallotKind,
    Call,
    Candidate,
    Choice,
    Majority,
    MajorityBase,
    MinuteBook,
    Minutes,
    MinutesStatus,
    Motion,
    MotionKind,
    MotionStatus,
    Notice,
    NoticeChannel,
    Proxy,
    RollEntry,
    Vote,
)
from comunitas.members.book.selectors import eligible_voters
from comunitas.members.models import Member, MemberStatus

AUDIT_LABELS = {
    "assembly.create": gettext_lazy("assembly drafted"),
    "assembly.update": gettext_lazy("assembly changed"),
    "assembly.convene": gettext_lazy("assembly convened"),
    "assembly.cancel": gettext_lazy("assembly cancelled"),
    "assembly.open": gettext_lazy("assembly opened"),
    "assembly.close": gettext_lazy("assembly closed"),
    "agenda.add": gettext_lazy("agenda item added"),
    "agenda.update": gettext_lazy("agenda item changed"),
    "agenda.remove": gettext_lazy("agenda item removed"),
    "attendance.arrive": gettext_lazy("arrival at an assembly registered"),
    "attendance.leave": gettext_lazy("departure from an assembly registered"),
    "proxy.register": gettext_lazy("proxy registered"),
    "proxy.revoke": gettext_lazy("proxy revoked"),
    "motion.create": gettext_lazy("motion drafted"),
    "motion.update": gettext_lazy("motion changed"),
    "motion.open": gettext_lazy("vote opened"),
    "motion.close": gettext_lazy("vote closed"),
    "vote.cast": gettext_lazy("vote cast"),
    "minutes.update": gettext_lazy("minutes changed"),
    "minutes.sign": gettext_lazy("minutes signed"),
}

ASSEMBLY_FIELDS = [
    "kind",
    "title",
    "first_call_at",
    "second_call_at",
    "place",
    "online_url",
    "notes",
]
AGENDA_FIELDS = ["title", "description", "proposal", "project"]
MOTION_FIELDS = [
    "title",
    "text",
    "agenda_item",
    "kind",
    "ballot",
    "majority",
    "majority_base",
    "qualified_numerator",
    "qualified_denominator",
    "seats",
]
MINUTES_FIELDS = ["narrative", "chair_name", "chair_role", "secretary_name", "secretary_role"]
MAX_CANDIDATES = 100
MAX_AGENDA = 50


def _now(at: datetime | None) -> datetime:
    return at or timezone.now()


def _locked(assembly: Assembly) -> Assembly:
    """The assembly, re-read under its row lock: the writes of one assembly take turns."""
    return Assembly.objects.select_for_update().select_related("coop").get(pk=assembly.pk)


def _require(assembly: Assembly, *statuses: str, message: str) -> None:
    if assembly.status not in statuses:
        raise ValidationError(message)


# --- the draft ----------------------------------------------------------------------------------
def _check_assembly(assembly: Assembly) -> None:
    errors = []
    if not assembly.title.strip():
        errors.append(FieldError("title", _("This field cannot be blank.")))
    if not (assembly.place.strip() or assembly.online_url):
        errors.append(FieldError("place", _("Say where the assembly meets, or give its link.")))
    first, second = assembly.first_call_at, assembly.second_call_at
    # Art. 2369 c.c. (via art. 2519): the second call cannot be on the day of the first.
    if first and second and timezone.localtime(second).date() <= timezone.localtime(first).date():
        errors.append(
            FieldError(
                "second_call_at",
                _("The second call must be on a later day than the first (art. 2369 c.c.)."),
            )
        )
    if errors:
        raise ValidationError(errors=errors)


@transaction.atomic
def assembly_create(*, actor, coop, fields: dict[str, Any], synthetic: bool = False) -> Assembly:
    """Draft an assembly (not yet convened: nobody is told)."""
    assembly = Assembly(coop=coop, created_by=actor, synthetic=synthetic)
    assign(assembly, fields, ASSEMBLY_FIELDS)
    _check_assembly(assembly)
    validated(assembly, exclude=["coop", "created_by", "convened_by"])
    assembly.save()
    audit_record(
        actor=actor,
        action="assembly.create",
        obj=assembly,
        coop=coop,
        after=snapshot(assembly, ASSEMBLY_FIELDS),
    )
    return assembly


@transaction.atomic
def assembly_update(*, actor, assembly: Assembly, fields: dict[str, Any]) -> Assembly:
    """Change a draft; once convened, the notice has gone out: cancel and convene again."""
    assembly = _locked(assembly)
    _require(
        assembly,
        AssemblyStatus.DRAFT,
        message=_("The notice has gone out: cancel the assembly and convene a new one."),
    )
    before = snapshot(assembly, ASSEMBLY_FIELDS)
    assign(assembly, fields, ASSEMBLY_FIELDS)
    _check_assembly(assembly)
    validated(assembly, exclude=["coop", "created_by", "convened_by"])
    assembly.save()
    audit_record(
        actor=actor,
        action="assembly.update",
        obj=assembly,
        coop=assembly.coop,
        before=before,
        after=snapshot(assembly, ASSEMBLY_FIELDS),
    )
    return assembly


def _check_agenda_links(assembly: Assembly, item: AgendaItem) -> None:
    messages = {
        "proposal": _("Choose a proposal of this cooperative."),
        "project": _("Choose a project of this cooperative."),
    }
    for name, message in messages.items():
        linked = getattr(item, name)
        if linked is not None and linked.coop_id != assembly.coop_id:
            raise ValidationError(message, field=name)


@transaction.atomic
def agenda_item_add(*, actor, assembly: Assembly, fields: dict[str, Any]) -> AgendaItem:
    assembly = _locked(assembly)
    _require(
        assembly,
        AssemblyStatus.DRAFT,
        message=_("The agenda is fixed once the assembly is convened."),
    )
    last = assembly.agenda.aggregate(n=Max("position"))["n"] or 0
    if last >= MAX_AGENDA:
        raise ValidationError(_("An agenda has at most %(n)s items.") % {"n": MAX_AGENDA})
    item = AgendaItem(assembly=assembly, position=last + 1)
    assign(item, fields, AGENDA_FIELDS)
    require_text(item, ["title"])
    _check_agenda_links(assembly, item)
    validated(item, exclude=["assembly", "proposal", "project"])
    item.save()
    audit_record(
        actor=actor,
        action="agenda.add",
        obj=item,
        coop=assembly.coop,
        after=snapshot(item, ["position", *AGENDA_FIELDS]),
    )
    return item


@transaction.atomic
def agenda_item_update(*, actor, item: AgendaItem, fields: dict[str, Any]) -> AgendaItem:
    assembly = _locked(item.assembly)
    _require(
        assembly,
        AssemblyStatus.DRAFT,
        message=_("The agenda is fixed once the assembly is convened."),
    )
    item = AgendaItem.objects.get(pk=item.pk)
    before = snapshot(item, AGENDA_FIELDS)
    assign(item, fields, AGENDA_FIELDS)
    require_text(item, ["title"])
    _check_agenda_links(assembly, item)
    validated(item, exclude=["assembly", "proposal", "project"])
    item.save()
    audit_record(
        actor=actor,
        action="agenda.update",
        obj=item,
        coop=assembly.coop,
        before=before,
        after=snapshot(item, AGENDA_FIELDS),
    )
    return item


@transaction.atomic
def agenda_item_remove(*, actor, item: AgendaItem) -> None:
    """Remove a point from a draft agenda; the points after it move up."""
    assembly = _locked(item.assembly)
    _require(
        assembly,
        AssemblyStatus.DRAFT,
        message=_("The agenda is fixed once the assembly is convened."),
    )
    item = AgendaItem.objects.get(pk=item.pk)
    audit_record(
        actor=actor,
        action="agenda.remove",
        obj=item,
        coop=assembly.coop,
        before=snapshot(item, ["position", "title"]),
    )
    position = item.position
    item.delete()
    # One by one, in order, so that the unique (assembly, position) holds after each update.
    for later in assembly.agenda.filter(position__gt=position).order_by("position"):
        later.position -= 1
        later.save(update_fields=["position"])


# --- convocation --------------------------------------------------------------------------------
def notice_days_required(assembly: Assembly) -> int:
    """The statute's notice, never under the law's minimum (art. 2366 c.c.)."""
    today = timezone.localdate()
    statute = statute_on(coop=assembly.coop, day=today)
    law = limits_on(today).min_notice_days
    return max(statute.notice_days if statute else law, law)


@transaction.atomic
def assembly_convene(*, actor, assembly: Assembly, at: datetime | None = None) -> Assembly:
    """Convene the assembly: every current member gets the notice, by e-mail or, without an
    address, printed for the post; refused when the first call is nearer than the statute's
    notice allows."""
    assembly = _locked(assembly)
    _require(assembly, AssemblyStatus.DRAFT, message=_("This assembly is already convened."))
    now = _now(at)
    if not assembly.agenda.exists():
        raise ValidationError(_("Write the agenda before convening the assembly."))
    days = notice_days_required(assembly)
    first_day = timezone.localtime(assembly.first_call_at).date()
    earliest = timezone.localtime(now).date() + timedelta(days=days)
    if first_day < earliest:
        raise ValidationError(
            _(
                "The statute asks for %(days)s days of notice: convened today, the first call "
                "can be on %(earliest)s at the earliest."
            )
            % {"days": days, "earliest": date_format(earliest, "DATE_FORMAT")},
            field="first_call_at",
        )
    assembly.status = AssemblyStatus.CONVENED
    assembly.convened_at = now
    assembly.convened_by = actor
    assembly.notice_days = days
    assembly.save(update_fields=["status", "convened_at", "convened_by", "notice_days"])
    members = list(
        Member.objects.filter(coop=assembly.coop, status=MemberStatus.ACTIVE).only("id", "email")
    )
    Notice.objects.bulk_create(
        [
            Notice(
                assembly=assembly,
                member=m,
                channel=NoticeChannel.EMAIL if m.email else NoticeChannel.POST,
                sent_at=now,
            )
            for m in members
        ],
        batch_size=2000,
    )
    audit_record(
        actor=actor,
        action="assembly.convene",
        obj=assembly,
        coop=assembly.coop,
        after={
            "status": assembly.status,
            "notice_days": days,
            "notices": len(members),
            "by_email": sum(1 for m in members if m.email),
        },
    )
    if not is_quiet():
        defer(_send_notices, assembly.pk, "decisions/email/notice")
    return assembly


def _send_notices(assembly_id: int, template: str) -> None:
    """One e-mail per member with an address, sent after the convocation committed (a task in
    production: an assembly of thousands is not sent in the request)."""
    assembly = Assembly.objects.select_related("coop").get(pk=assembly_id)
    context = {
        "assembly": assembly,
        "coop": assembly.coop,
        "agenda": list(assembly.agenda.all()),
        "url": settings.SITE_URL
        + reverse("assembly_detail", args=[assembly.coop.slug, assembly.pk]),
        "notice_url": settings.SITE_URL
        + reverse("assembly_notice_pdf", args=[assembly.coop.slug, assembly.pk]),
    }
    # The notice itself goes with every e-mail, made once for all of them.
    attachments = None
    if template.endswith("/notice"):
        from comunitas.decisions.assembly_documents import notice_pdf

        pdf = notice_pdf(assembly=assembly)
        attachments = [
            (f"convocazione-{assembly.coop.slug}-{assembly.pk}.pdf", pdf, "application/pdf")
        ]
    recipients = (
        Notice.objects.filter(assembly=assembly, channel=NoticeChannel.EMAIL)
        .select_related("member")
        .order_by("member__number")
    )
    for notice in recipients.iterator(chunk_size=2000):
        notify(
            to=notice.member.email,
            template=template,
            context={**context, "member": notice.member},
            attachments=attachments,
        )


@transaction.atomic
def assembly_cancel(*, actor, assembly: Assembly, reason: str) -> Assembly:
    """Cancel a draft or a convened assembly (with the reason, told to every member notified)."""
    assembly = _locked(assembly)
    _require(
        assembly,
        AssemblyStatus.DRAFT,
        AssemblyStatus.CONVENED,
        message=_("Only an assembly not yet in session can be cancelled."),
    )
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError(_("Say why the assembly is cancelled."), field="reason")
    if len(reason) > 2000:
        raise ValidationError(_("Keep it within 2,000 characters."), field="reason")
    was_convened = assembly.status == AssemblyStatus.CONVENED
    assembly.status = AssemblyStatus.CANCELLED
    assembly.cancelled_reason = reason
    assembly.save(update_fields=["status", "cancelled_reason"])
    audit_record(
        actor=actor,
        action="assembly.cancel",
        obj=assembly,
        coop=assembly.coop,
        after={"status": assembly.status, "reason": reason},
    )
    if was_convened and not is_quiet():
        defer(_send_notices, assembly.pk, "decisions/email/cancelled")
    return assembly


# --- the session --------------------------------------------------------------------------------
def _roll_units(votes: list[Fraction]) -> tuple[int, list[int]]:
    """The least common denominator D of the votes and each vote as a whole number of 1/D."""
    denominator = 1
    for vote in votes:
        denominator = math.lcm(denominator, vote.denominator)
    return denominator, [int(vote * denominator) for vote in votes]


@transaction.atomic
def assembly_open(*, actor, assembly: Assembly, call: str, at: datetime | None = None) -> Assembly:
    """Open the session at the first or the second call and fix the voters' roll from the
    member book on that day: who may vote, and with how many votes."""
    assembly = _locked(assembly)
    _require(
        assembly,
        AssemblyStatus.CONVENED,
        message=_("Only a convened assembly can be opened."),
    )
    now = _now(at)
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
    denominator, units = _roll_units([v.votes for v in eligibility.voters])
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
    actor,
    assembly: Assembly,
    member: Member,
    mode: str = AttendanceMode.IN_PERSON,
    at: datetime | None = None,
) -> Attendance:
    """A member arrives (or comes back). A member who gave a proxy and arrives votes in person:
    the proxy lapses."""
    assembly = _locked(assembly)
    _require(assembly, AssemblyStatus.OPEN, message=_("The assembly is not in session."))
    _current_member(assembly, member, "member")
    if mode not in AttendanceMode.values:
        raise ValidationError(_("Choose in person or online."), field="mode")
    if mode == AttendanceMode.ONLINE and not assembly.online_url:
        raise ValidationError(_("This assembly has no online link."), field="mode")
    now = _now(at)
    attendance = Attendance.objects.filter(assembly=assembly, member=member).first()
    if attendance is not None and attendance.left_at is None:
        raise ValidationError(
            _("%(who)s is already registered as present.") % {"who": member.audit_label},
            field="member",
        )
    if attendance is None:
        attendance = Attendance.objects.create(
            assembly=assembly, member=member, mode=mode, arrived_at=now, registered_by=actor
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
def attendance_leave(*, actor, attendance: Attendance, at: datetime | None = None) -> Attendance:
    """A member leaves: from now on neither they nor the proxies they hold count as present."""
    assembly = _locked(attendance.assembly)
    _require(assembly, AssemblyStatus.OPEN, message=_("The assembly is not in session."))
    attendance = Attendance.objects.select_related("member").get(pk=attendance.pk)
    if attendance.left_at is not None:
        raise ValidationError(_("This member has already left."))
    attendance.left_at = max(_now(at), attendance.arrived_at)
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
def attendance_join_online(*, user, assembly: Assembly) -> Attendance:
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


@transaction.atomic
def proxy_register(
    *,
    actor,
    assembly: Assembly,
    grantor: Member,
    holder: Member,
    reference: str = "",
    at: datetime | None = None,
) -> Proxy:
    """Register a written proxy (art. 2539 c.c.): both members may vote in this assembly, the
    holder holds no more than the statute's number (at most 10) and gave no proxy of their own,
    and the member represented is not attending."""
    assembly = _locked(assembly)
    _require(
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
        raise ValidationError(
            _("%(who)s already holds %(n)s proxies, the most the statute allows (art. 2539 c.c.).")
            % {"who": holder.audit_label, "n": limit},
            field="holder",
        )
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
        registered_at=_now(at),
        registered_by=actor,
    )
    audit_record(
        actor=actor,
        action="proxy.register",
        obj=proxy,
        coop=assembly.coop,
        after={"grantor": grantor.audit_label, "holder": holder.audit_label},
    )
    return proxy


def _revoke(actor, assembly: Assembly, proxy: Proxy, reason: str, now: datetime) -> None:
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
def proxy_revoke(*, actor, proxy: Proxy, reason: str = "", at: datetime | None = None) -> Proxy:
    assembly = _locked(proxy.assembly)
    _require(
        assembly,
        AssemblyStatus.CONVENED,
        AssemblyStatus.OPEN,
        message=_("The assembly is over: its proxies stay as they were."),
    )
    proxy = Proxy.objects.get(pk=proxy.pk)
    if proxy.revoked_at is not None:
        raise ValidationError(_("This proxy is already revoked."))
    _revoke(actor, assembly, proxy, (reason or "").strip() or _("revoked"), _now(at))
    return proxy


# --- motions ------------------------------------------------------------------------------------
def _check_motion(assembly: Assembly, motion: Motion, candidates: list[str] | None) -> None:
    errors = []
    if not motion.title.strip():
        errors.append(FieldError("title", _("This field cannot be blank.")))
    if motion.agenda_item is not None and motion.agenda_item.assembly_id != assembly.pk:
        errors.append(FieldError("agenda_item", _("Choose an item of this assembly's agenda.")))
    if motion.majority == Majority.QUALIFIED and not (
        1 <= motion.qualified_numerator <= motion.qualified_denominator
        and motion.qualified_numerator * 2 > motion.qualified_denominator
    ):
        errors.append(
            FieldError(
                "qualified_numerator",
                _("A qualified majority is a fraction over one half and up to 1, e.g. 2/3."),
            )
        )
    if motion.kind == MotionKind.ELECTION:
        names = candidates or []
        if len(names) < 1:
            errors.append(FieldError("candidates", _("An election needs at least one candidate.")))
        if len(names) > MAX_CANDIDATES:
            errors.append(
                FieldError("candidates", _("At most %(n)s candidates.") % {"n": MAX_CANDIDATES})
            )
        if len({n.casefold() for n in names}) != len(names):
            errors.append(FieldError("candidates", _("Each candidate is named once.")))
        if any(not n or len(n) > 160 for n in names):
            errors.append(
                FieldError("candidates", _("Give each candidate a name (160 characters at most)."))
            )
        if not 1 <= motion.seats <= max(len(names), 1):
            errors.append(FieldError("seats", _("Elect from 1 to as many as the candidates.")))
    elif candidates:
        errors.append(FieldError("candidates", _("Only an election has candidates.")))
    if errors:
        raise ValidationError(errors=errors)


def _set_candidates(motion: Motion, names: list[str]) -> None:
    motion.candidates.all().delete()
    Candidate.objects.bulk_create(
        [Candidate(motion=motion, name=name, position=i) for i, name in enumerate(names, start=1)]
    )


def _clean_names(candidates: list[str] | None) -> list[str] | None:
    if candidates is None:
        return None
    return [" ".join(str(n).split()) for n in candidates if str(n).strip()]


@transaction.atomic
def motion_create(
    *, actor, assembly: Assembly, fields: dict[str, Any], candidates: list[str] | None = None
) -> Motion:
    """Draft a motion (or an election and its candidates) on the assembly's agenda."""
    assembly = _locked(assembly)
    _require(
        assembly,
        AssemblyStatus.DRAFT,
        AssemblyStatus.CONVENED,
        AssemblyStatus.OPEN,
        message=_("The assembly is over: no more motions."),
    )
    last = assembly.motions.aggregate(n=Max("position"))["n"] or 0
    motion = Motion(assembly=assembly, position=last + 1)
    assign(motion, fields, MOTION_FIELDS)
    names = _clean_names(candidates)
    _check_motion(assembly, motion, names)
    validated(motion, exclude=["assembly", "agenda_item"])
    motion.save()
    if motion.kind == MotionKind.ELECTION:
        _set_candidates(motion, names or [])
    audit_record(
        actor=actor,
        action="motion.create",
        obj=motion,
        coop=assembly.coop,
        after={**snapshot(motion, MOTION_FIELDS), "candidates": names or []},
    )
    return motion


@transaction.atomic
def motion_update(
    *, actor, motion: Motion, fields: dict[str, Any], candidates: list[str] | None = None
) -> Motion:
    assembly = _locked(motion.assembly)
    motion = Motion.objects.get(pk=motion.pk)
    if motion.status != MotionStatus.DRAFT:
        raise ValidationError(_("This motion has been put to the vote: it can no longer change."))
    before = {
        **snapshot(motion, MOTION_FIELDS),
        "candidates": list(motion.candidates.values_list("name", flat=True)),
    }
    assign(motion, fields, MOTION_FIELDS)
    names = _clean_names(candidates) if candidates is not None else before["candidates"]
    _check_motion(assembly, motion, names if motion.kind == MotionKind.ELECTION else candidates)
    validated(motion, exclude=["assembly", "agenda_item"])
    motion.save()
    if motion.kind == MotionKind.ELECTION:
        if names != before["candidates"]:
            _set_candidates(motion, names)
    else:
        motion.candidates.all().delete()
        names = []
    audit_record(
        actor=actor,
        action="motion.update",
        obj=motion,
        coop=assembly.coop,
        before=before,
        after={**snapshot(motion, MOTION_FIELDS), "candidates": names},
    )
    return motion


def _locked_motion(motion: Motion) -> tuple[Assembly, Motion]:
    assembly = _locked(motion.assembly)
    return assembly, Motion.objects.select_for_update().get(pk=motion.pk)


@transaction.atomic
def motion_open(*, actor, motion: Motion, at: datetime | None = None) -> Motion:
    """Put a motion to the vote: only in session and when the assembly is quorate."""
    assembly, motion = _locked_motion(motion)
    _require(assembly, AssemblyStatus.OPEN, message=_("The assembly is not in session."))
    if motion.status != MotionStatus.DRAFT:
        raise ValidationError(_("This motion has already been put to the vote."))
    quorum = selectors.quorum(assembly=assembly)
    if not quorum.met:
        raise ValidationError(
            _(
                "The assembly is not quorate: %(present)s votes present, more than "
                "%(needed)s needed at the %(call)s."
            )
            % {
                "present": quorum.present_display,
                "needed": quorum.threshold_display,
                "call": assembly.get_call_display().lower(),
            }
        )
    motion.status = MotionStatus.OPEN
    motion.opened_at = _now(at)
    motion.present_units_at_open = quorum.present_units
    motion.save(update_fields=["status", "opened_at", "present_units_at_open"])
    audit_record(
        actor=actor,
        action="motion.open",
        obj=motion,
        coop=assembly.coop,
        after={"status": motion.status, "present_units": quorum.present_units},
    )
    return motion


def _ballot_choice(motion: Motion, choice: str, candidate_ids: list[int] | None) -> list[int]:
    """The candidates chosen (elections) after checking the choice; [] for a resolution."""
    if motion.kind == MotionKind.RESOLUTION:
        if choice not in Choice.values:
            raise ValidationError(_("Vote for, against or abstain."), field="choice")
        if candidate_ids:
            raise ValidationError(_("This motion has no candidates."), field="candidates")
        return []
    if choice:
        raise ValidationError(
            _("An election is voted by choosing candidates (none for a blank ballot)."),
            field="choice",
        )
    ids = list(candidate_ids or [])
    if len(set(ids)) != len(ids):
        raise ValidationError(_("Choose each candidate once."), field="candidates")
    if len(ids) > motion.seats:
        raise ValidationError(
            _("Choose at most %(n)s candidates.") % {"n": motion.seats}, field="candidates"
        )
    known = set(motion.candidates.filter(pk__in=ids).values_list("pk", flat=True))
    if known != set(ids):
        raise ValidationError(_("Choose among this election's candidates."), field="candidates")
    return ids


@transaction.atomic
def ballot_cast(
    *,
    actor,
    motion: Motion,
    voter: Member,
    choice: str = "",
    candidates: list[int] | None = None,
    recorded_by_staff: bool = False,
    at: datetime | None = None,
) -> Vote:
    """One vote of ``voter`` on ``motion``: cast by the voter (``actor`` is their login), by the
    holder of their proxy (``actor`` is the holder's login), or, in an open ballot, recorded by
    staff for a member present. Each voter votes once: a unique constraint, so a second request
    at the same moment fails on the database however the requests interleave. A secret vote
    stores who voted, never what: its choice only moves the per-option totals."""
    motion = Motion.objects.select_related("assembly__coop").get(pk=motion.pk)
    assembly = motion.assembly
    if assembly.status != AssemblyStatus.OPEN or motion.status != MotionStatus.OPEN:
        raise ValidationError(_("This vote is not open."))
    chosen = _ballot_choice(motion, choice, candidates)
    now = _now(at)
    holder = None
    if recorded_by_staff:
        if motion.ballot == BallotKind.SECRET:
            raise ValidationError(_("In a secret ballot every member casts their own vote."))
        if not selectors.is_present(assembly=assembly, member=voter):
            # A member represented votes through the holder of their proxy, who is present.
            proxy = (
                Proxy.objects.filter(assembly=assembly, grantor=voter, revoked_at__isnull=True)
                .select_related("holder")
                .first()
            )
            if proxy is None or not selectors.is_present(assembly=assembly, member=proxy.holder):
                raise ValidationError(
                    _("%(who)s is neither present nor represented by a member present.")
                    % {"who": voter.audit_label},
                    field="voter",
                )
            holder = proxy.holder
    else:
        caster = selectors.member_for(coop=assembly.coop, user=actor)
        if caster is None:
            raise ValidationError(_("Only members of the cooperative vote in its assembly."))
        if caster.pk != voter.pk:
            holder = caster
            if not Proxy.objects.filter(
                assembly=assembly, grantor=voter, holder=caster, revoked_at__isnull=True
            ).exists():
                raise ValidationError(
                    _("You hold no proxy of %(who)s.") % {"who": voter.audit_label},
                    field="voter",
                )
        if not selectors.is_present(assembly=assembly, member=caster):
            raise ValidationError(_("Register your presence (in person or online) before voting."))
    entry = RollEntry.objects.filter(assembly=assembly, member=voter).first()
    if entry is None:
        raise ValidationError(
            selectors.voting_problem(assembly=assembly, member=voter)
            or _("%(who)s is not on the voters' roll.") % {"who": voter.audit_label},
            field="voter",
        )
    secret = motion.ballot == BallotKind.SECRET
    try:
        with transaction.atomic():
            vote = Vote.objects.create(
                motion=motion,
                voter=voter,
                by_proxy=holder,
                recorded_by=actor if recorded_by_staff else None,
                units=entry.units,
                cast_at=now,
                choice="" if secret else choice if motion.kind == MotionKind.RESOLUTION else "",
            )
    except IntegrityError:
        raise ValidationError(
            _("%(who)s has already voted on this motion.") % {"who": voter.audit_label},
            field="voter",
        ) from None
    # The tally moves only while the motion is open: this UPDATE waits for a closing in
    # progress, and finds nothing to update once the motion is closed.
    counter = {"voters": F("voters") + 1}
    if motion.kind == MotionKind.RESOLUTION:
        counter[f"{choice}_units"] = F(f"{choice}_units") + entry.units
    elif not chosen:
        counter["abstain_units"] = F("abstain_units") + entry.units  # a blank ballot
    if not Motion.objects.filter(pk=motion.pk, status=MotionStatus.OPEN).update(**counter):
        raise ValidationError(_("This vote is not open."))
    if chosen:
        Candidate.objects.filter(pk__in=chosen).update(units=F("units") + entry.units)
        if not secret:
            vote.candidates.set(chosen)
    after: dict[str, Any] = {"motion": motion.pk, "voter": voter.audit_label}
    if holder is not None:
        after["proxy_holder"] = holder.audit_label
    if not secret:  # a secret ballot's trail says who voted, never what
        after["choice"] = choice if motion.kind == MotionKind.RESOLUTION else sorted(chosen)
    audit_record(actor=actor, action="vote.cast", obj=vote, coop=assembly.coop, after=after)
    return vote


def _passes(motion: Motion, base_units: int) -> bool:
    yes = motion.for_units
    if yes == 0:  # nothing carries without a vote for it, whatever the base
        return False
    if motion.majority == Majority.SIMPLE:
        return yes > motion.against_units
    if motion.majority == Majority.ABSOLUTE:
        return yes * 2 > base_units
    return yes * motion.qualified_denominator >= motion.qualified_numerator * base_units


def majority_base_units(motion: Motion, assembly: Assembly) -> int:
    if motion.majority_base == MajorityBase.ALL:
        return assembly.total_units
    if motion.majority_base == MajorityBase.PRESENT:
        # Members who arrived after the vote was called and voted count as present too.
        return max(motion.present_units_at_open, motion.cast_units)
    return motion.cast_units


@transaction.atomic
def motion_close(*, actor, motion: Motion, at: datetime | None = None) -> Motion:
    """Close the vote and fix its result: the quorum still met at its close, the majority on
    its base; in an election the candidates with most votes fill the seats (a tie for the
    last seat elects nobody to it: the chair calls a new vote)."""
    assembly, motion = _locked_motion(motion)
    if motion.status != MotionStatus.OPEN:
        raise ValidationError(_("This vote is not open."))
    quorum = selectors.quorum(assembly=assembly)
    motion.status = MotionStatus.CLOSED
    motion.closed_at = _now(at)
    motion.present_units_at_close = quorum.present_units
    motion.quorum_met = quorum.met
    if motion.kind == MotionKind.ELECTION:
        ranked = list(motion.candidates.order_by("-units", "position"))
        cutoff = ranked[motion.seats - 1].units if len(ranked) >= motion.seats else 0
        beyond = ranked[motion.seats].units if len(ranked) > motion.seats else -1
        for candidate in ranked:
            if not quorum.met or candidate.units == 0 or candidate.units < cutoff:
                candidate.elected = False
            elif candidate.units == cutoff and cutoff == beyond:
                candidate.elected = None  # tied for the last seat
            else:
                candidate.elected = True
        Candidate.objects.bulk_update(ranked, ["elected"])
        motion.passed = quorum.met and any(c.elected for c in ranked)
    else:
        motion.passed = quorum.met and _passes(motion, majority_base_units(motion, assembly))
    motion.save(
        update_fields=["status", "closed_at", "present_units_at_close", "quorum_met", "passed"]
    )
    audit_record(
        actor=actor,
        action="motion.close",
        obj=motion,
        coop=assembly.coop,
        after={
            "status": motion.status,
            "voters": motion.voters,
            "for": motion.for_units,
            "against": motion.against_units,
            "abstain": motion.abstain_units,
            "quorum_met": motion.quorum_met,
            "passed": motion.passed,
        },
    )
    return motion


@transaction.atomic
def assembly_close(*, actor, assembly: Assembly, at: datetime | None = None) -> Assembly:
    """Close the session (every vote closed first); the minutes' draft is ready to write."""
    assembly = _locked(assembly)
    _require(assembly, AssemblyStatus.OPEN, message=_("The assembly is not in session."))
    if assembly.motions.filter(status=MotionStatus.OPEN).exists():
        raise ValidationError(_("Close the votes still open first."))
    now = _now(at)
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


# --- minutes ------------------------------------------------------------------------------------
def _locked_minutes(minutes: Minutes) -> Minutes:
    return Minutes.objects.select_for_update().select_related("assembly__coop").get(pk=minutes.pk)


@transaction.atomic
def minutes_update(*, actor, minutes: Minutes, fields: dict[str, Any]) -> Minutes:
    minutes = _locked_minutes(minutes)
    if minutes.is_signed:
        raise ValidationError(_("Signed minutes cannot change."))
    before = snapshot(minutes, MINUTES_FIELDS)
    assign(minutes, fields, MINUTES_FIELDS)
    validated(minutes, exclude=["coop", "assembly", "signed_by"])
    minutes.save()
    audit_record(
        actor=actor,
        action="minutes.update",
        obj=minutes,
        coop=minutes.coop,
        before=before,
        after=snapshot(minutes, MINUTES_FIELDS),
    )
    return minutes


@transaction.atomic
def minutes_sign(*, actor, minutes: Minutes, at: datetime | None = None) -> Minutes:
    """Sign the minutes: they take the next number of the minute book (gapless: the counter's
    row is updated in this transaction) and the record is frozen as it reads today."""
    minutes = _locked_minutes(minutes)
    if minutes.is_signed:
        raise ValidationError(_("These minutes are already signed."))
    if minutes.assembly.status != AssemblyStatus.CLOSED:
        raise ValidationError(_("Minutes are signed once the assembly is closed."))
    missing = [
        FieldError(name, _("The minutes name their chair and secretary."))
        for name in ("chair_name", "secretary_name")
        if not getattr(minutes, name).strip()
    ]
    if missing:
        raise ValidationError(errors=missing)
    book, _created = MinuteBook.objects.get_or_create(coop=minutes.coop)
    MinuteBook.objects.filter(pk=book.pk).update(last_number=F("last_number") + 1)
    minutes.number = MinuteBook.objects.values_list("last_number", flat=True).get(pk=book.pk)
    minutes.status = MinutesStatus.SIGNED
    minutes.signed_at = _now(at)
    minutes.signed_by = actor
    minutes.record_html = render_to_string(
        "decisions/assemblies/_record.html",
        selectors.minutes_record(assembly=minutes.assembly, minutes=minutes),
    )
    minutes.save()
    audit_record(
        actor=actor,
        action="minutes.sign",
        obj=minutes,
        coop=minutes.coop,
        after={"number": minutes.number, "signed_at": jsonable(minutes.signed_at)},
    )
    return minutes
