"""Every write of the register of offices (organi sociali): a member appointed director or
member of the control body, and the end of an office. One transaction each, audited.

The register is what art. 2372 c.5 c.c. (via art. 2519) needs to refuse those members the
proxies of others (``selectors.proxy_bar``)."""

from __future__ import annotations

from datetime import date

from django.db import transaction
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from comunitas.core.errors import ValidationError
from comunitas.core.kernel.edits import edit, locked, require_text, validated
from comunitas.core.kernel.types import Actor
from comunitas.core.models import Cooperative
from comunitas.members.models import Member, MemberStatus, Office, OfficeKind

APPOINTMENT_FIELDS = ["kind", "title", "started_on", "reference"]
AUDITED = ["member", "kind", "title", "started_on", "ended_on", "reference", "end_reference"]


def _short(day: date) -> str:
    return date_format(day, "SHORT_DATE_FORMAT")


def _member_check(coop: Cooperative, member: Member, day: date) -> None:
    """Only a member of this cooperative, in the book on ``day``, holds one of its offices."""
    if member.coop_id != coop.pk:
        raise ValidationError(_("This person is not a member of this cooperative."), field="member")
    if member.status not in (MemberStatus.ACTIVE, MemberStatus.EXITED):
        raise ValidationError(
            _("%(who)s has not been admitted: only members are recorded in this register.")
            % {"who": member.display_name},
            field="member",
        )
    if member.status == MemberStatus.EXITED:
        raise ValidationError(
            _("%(who)s left the cooperative on %(day)s.")
            % {"who": member.display_name, "day": _short(member.exited_on)},
            field="member",
        )
    if member.admitted_on > day:
        raise ValidationError(
            _("%(who)s was admitted on %(day)s, after the start of the office.")
            % {"who": member.display_name, "day": _short(member.admitted_on)},
            field="started_on",
        )


def _appointment_check(office: Office) -> None:
    if office.kind not in OfficeKind.values:
        raise ValidationError(_("Choose director or member of the control body."), field="kind")
    require_text(office, ["reference"])
    if not isinstance(office.started_on, date):
        raise ValidationError(_("Give the first day in office."), field="started_on")
    _member_check(office.coop, office.member, office.started_on)
    held = Office.objects.filter(member=office.member, kind=office.kind, ended_on__isnull=True)
    if held.exists():
        raise ValidationError(
            _("%(who)s already holds this office: end it before a new appointment.")
            % {"who": office.member.display_name},
            field="member",
        )
    validated(office, exclude=["coop", "member"])


@transaction.atomic
def office_appoint(
    *,
    actor: Actor,
    coop: Cooperative,
    member: Member,
    kind: str,
    started_on: date,
    reference: str,
    title: str = "",
) -> Office:
    """Record that ``member`` holds an office from ``started_on``, by the decision named in
    ``reference`` (the assembly's minutes for directors and auditors, art. 2364 c.c.)."""
    # The member's row is locked so that two requests appointing them at once apply one after
    # the other: the second meets the first's open office (the unique constraint is the last
    # line).
    member = Member.objects.select_for_update().select_related("coop").get(pk=member.pk)
    return edit(
        Office(coop=coop, member=member),
        actor=actor,
        action="office.appoint",
        changes={"kind": kind, "title": title, "started_on": started_on, "reference": reference},
        allowed=APPOINTMENT_FIELDS,
        audited=AUDITED,
        check=_appointment_check,
        coop=coop,
    )


def _end_check(office: Office) -> None:
    if not isinstance(office.ended_on, date):
        raise ValidationError(_("Give the first day out of office."), field="ended_on")
    if office.ended_on < office.started_on:
        raise ValidationError(
            _("The office started on %(day)s: it cannot end before.")
            % {"day": _short(office.started_on)},
            field="ended_on",
        )
    validated(office, exclude=["coop", "member"])


@transaction.atomic
def office_end(*, actor: Actor, office: Office, ended_on: date, reference: str = "") -> Office:
    """End an office: ``ended_on`` is the first day out of office (resignation, revocation,
    the end of the term, the member's exit); the row stays in the register."""
    office = locked(office)
    if office.ended_on is not None:
        raise ValidationError(
            _("This office ended on %(day)s already.") % {"day": _short(office.ended_on)},
            field="ended_on",
        )
    return edit(
        office,
        actor=actor,
        action="office.end",
        changes={"ended_on": ended_on, "end_reference": reference},
        allowed=["ended_on", "end_reference"],
        audited=AUDITED,
        check=_end_check,
        coop=office.coop,
    )
