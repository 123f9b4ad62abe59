"""Every write of an assembly before and after its session: the draft and its agenda, the
convocation with its notices (and their cancellation), and the minutes signed into the minute
book; the session's writes are in ``session_services``, the motions' and ballots' in
``voting_services``, and all three share the row lock and the status check defined here.

One transaction each; the rules are checked here and the database constraints are the last line
(SQLite and PostgreSQL answer alike); every change is audited (``decisions/apps.py`` names the codes
of all three modules)."""

from __future__ import annotations

from datetime import datetime, timedelta
from functools import partial
from typing import Any

from django.conf import settings
from django.db import transaction
from django.db.models import F, Max
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from comunitas.core.audit import audit_record, jsonable, snapshot
from comunitas.core.coops.selectors import statute_on
from comunitas.core.errors import FieldError, ValidationError
from comunitas.core.kernel.edits import edit, require_text, validated
from comunitas.core.kernel.types import Actor, user_of
from comunitas.core.law import limits_on
from comunitas.core.models import Cooperative
from comunitas.core.notify import is_quiet, notify
from comunitas.core.tasks import defer
from comunitas.decisions.assemblies import selectors
from comunitas.decisions.assemblies.documents import notice_pdf
from comunitas.decisions.models import (
    AgendaItem,
    Assembly,
    AssemblyKind,
    AssemblyStatus,
    MinuteBook,
    Minutes,
    MinutesStatus,
    Notice,
    NoticeChannel,
)
from comunitas.decisions.moments import at_or_now
from comunitas.members.models import Member, MemberStatus
from comunitas.projects.models import Project, Proposal

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
MINUTES_FIELDS = ["narrative", "chair_name", "chair_role", "secretary_name", "secretary_role"]
MAX_AGENDA = 50
# The related rows a service sets itself (or that are checked by hand), not from the fields.
ASSEMBLY_SET = ["coop", "created_by", "convened_by"]
AGENDA_LINKS = ["assembly", "proposal", "project"]
MINUTES_SET = ["coop", "assembly", "signed_by"]
EMAILS = "decisions/assemblies/email"
SECOND_CALL_WITHIN_DAYS = 30  # art. 2369 c.c.


def assembly_locked(assembly: Assembly) -> Assembly:
    """The assembly, re-read under its row lock: the writes of one assembly take turns."""
    return Assembly.objects.select_for_update().select_related("coop").get(pk=assembly.pk)


def require_status(assembly: Assembly, *statuses: str, message: str) -> None:
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
    # Art. 2369 c.c. (via art. 2519): the second call is on another day than the first, and
    # within thirty days of it.
    if first and second:
        days = (timezone.localtime(second).date() - timezone.localtime(first).date()).days
        if days < 1:
            message = _("The second call must be on a later day than the first (art. 2369 c.c.).")
        elif days > SECOND_CALL_WITHIN_DAYS:
            message = _(
                "The second call must be within %(n)s days of the first (art. 2369 c.c.): "
                "it is %(days)s days after it."
            ) % {"n": SECOND_CALL_WITHIN_DAYS, "days": days}
        else:
            message = ""
        if message:
            errors.append(FieldError("second_call_at", message))
    if errors:
        raise ValidationError(errors=errors)
    validated(assembly, exclude=ASSEMBLY_SET)


# A draft is written, checked and audited by its fields: ``_edit_assembly(assembly, actor=,
# action=, changes=)``.
_edit_assembly = partial(
    edit, allowed=ASSEMBLY_FIELDS, audited=ASSEMBLY_FIELDS, check=_check_assembly
)


@transaction.atomic
def assembly_create(
    *,
    actor: Actor,
    coop: Cooperative,
    title: str,
    first_call_at: datetime,
    kind: str = AssemblyKind.ORDINARY,
    second_call_at: datetime | None = None,
    place: str = "",
    online_url: str = "",
    notes: str = "",
    synthetic: bool = False,
) -> Assembly:
    """Draft an assembly (not yet convened: nobody is told)."""
    assembly = Assembly(coop=coop, created_by=user_of(actor), synthetic=synthetic)
    changes = {
        "kind": kind,
        "title": title,
        "first_call_at": first_call_at,
        "second_call_at": second_call_at,
        "place": place,
        "online_url": online_url,
        "notes": notes,
    }
    return _edit_assembly(assembly, actor=actor, action="assembly.create", changes=changes)


@transaction.atomic
def assembly_update(*, actor: Actor, assembly: Assembly, fields: dict[str, Any]) -> Assembly:
    """Change a draft; once convened, the notice has gone out: cancel and convene again."""
    assembly = assembly_locked(assembly)
    require_status(
        assembly,
        AssemblyStatus.DRAFT,
        message=_("The notice has gone out: cancel the assembly and convene a new one."),
    )
    return _edit_assembly(assembly, actor=actor, action="assembly.update", changes=fields)


def _check_agenda_links(assembly: Assembly, item: AgendaItem) -> None:
    messages = {
        "proposal": _("Choose a proposal of this cooperative."),
        "project": _("Choose a project of this cooperative."),
    }
    for name, message in messages.items():
        linked = getattr(item, name)
        if linked is not None and linked.coop_id != assembly.coop_id:
            raise ValidationError(message, field=name)


def _check_agenda_item(assembly: Assembly, item: AgendaItem) -> None:
    require_text(item, ["title"])
    _check_agenda_links(assembly, item)
    validated(item, exclude=AGENDA_LINKS)


def _draft_agenda(assembly: Assembly) -> Assembly:
    """The assembly locked, while its agenda may still change (a draft)."""
    assembly = assembly_locked(assembly)
    require_status(
        assembly,
        AssemblyStatus.DRAFT,
        message=_("The agenda is fixed once the assembly is convened."),
    )
    return assembly


def _edit_agenda_item(item: AgendaItem, **change: Any) -> AgendaItem:
    """``edit`` an item (``actor=``, ``action=``, ``changes=``) of its assembly's agenda; a new
    item's trail names its position too (a change never moves it)."""
    assembly = item.assembly
    audited = AGENDA_FIELDS if item.pk else ["position", *AGENDA_FIELDS]
    check = partial(_check_agenda_item, assembly)
    return edit(
        item, allowed=AGENDA_FIELDS, audited=audited, check=check, coop=assembly.coop, **change
    )


@transaction.atomic
def agenda_item_add(
    *,
    actor: Actor,
    assembly: Assembly,
    title: str,
    description: str = "",
    proposal: Proposal | None = None,
    project: Project | None = None,
) -> AgendaItem:
    """A point at the end of a draft's agenda, optionally about a proposal or a project of the
    assembly's cooperative."""
    assembly = _draft_agenda(assembly)
    last = assembly.agenda.aggregate(n=Max("position"))["n"] or 0
    if last >= MAX_AGENDA:
        raise ValidationError(_("An agenda has at most %(n)s items.") % {"n": MAX_AGENDA})
    item = AgendaItem(assembly=assembly, position=last + 1)
    changes = {"title": title, "description": description, "proposal": proposal, "project": project}
    return _edit_agenda_item(item, actor=actor, action="agenda.add", changes=changes)


@transaction.atomic
def agenda_item_update(*, actor: Actor, item: AgendaItem, fields: dict[str, Any]) -> AgendaItem:
    assembly = _draft_agenda(item.assembly)
    item = AgendaItem.objects.get(pk=item.pk)
    item.assembly = assembly
    return _edit_agenda_item(item, actor=actor, action="agenda.update", changes=fields)


@transaction.atomic
def agenda_item_remove(*, actor: Actor, item: AgendaItem) -> None:
    """Remove a point from a draft agenda; the points after it move up."""
    assembly = _draft_agenda(item.assembly)
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
def assembly_convene(*, actor: Actor, assembly: Assembly, at: datetime | None = None) -> Assembly:
    """Convene the assembly: every current member gets the notice, by e-mail or, without an
    address, printed for the post; refused when the first call is nearer than the statute's
    notice allows."""
    assembly = assembly_locked(assembly)
    require_status(assembly, AssemblyStatus.DRAFT, message=_("This assembly is already convened."))
    now = at_or_now(at)
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
    assembly.convened_by = user_of(actor)
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
        defer(_send_notices, assembly.pk, f"{EMAILS}/notice")
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
        + reverse("decisions:assembly_detail", args=[assembly.coop.slug, assembly.pk]),
        "notice_url": settings.SITE_URL
        + reverse("decisions:assembly_notice_pdf", args=[assembly.coop.slug, assembly.pk]),
    }
    # The notice itself goes with every e-mail, made once for all of them.
    attachments = None
    if template.endswith("/notice"):
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
def assembly_cancel(*, actor: Actor, assembly: Assembly, reason: str) -> Assembly:
    """Cancel a draft or a convened assembly (with the reason, told to every member notified)."""
    assembly = assembly_locked(assembly)
    require_status(
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
        defer(_send_notices, assembly.pk, f"{EMAILS}/cancelled")
    return assembly


# --- minutes ------------------------------------------------------------------------------------
def _locked_minutes(minutes: Minutes) -> Minutes:
    return Minutes.objects.select_for_update().select_related("assembly__coop").get(pk=minutes.pk)


@transaction.atomic
def minutes_update(*, actor: Actor, minutes: Minutes, fields: dict[str, Any]) -> Minutes:
    minutes = _locked_minutes(minutes)
    if minutes.is_signed:
        raise ValidationError(_("Signed minutes cannot change."))
    return edit(
        minutes,
        actor=actor,
        action="minutes.update",
        changes=fields,
        allowed=MINUTES_FIELDS,
        audited=MINUTES_FIELDS,
        check=partial(validated, exclude=MINUTES_SET),
    )


@transaction.atomic
def minutes_sign(*, actor: Actor, minutes: Minutes, at: datetime | None = None) -> Minutes:
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
    minutes.signed_at = at_or_now(at)
    minutes.signed_by = user_of(actor)
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
