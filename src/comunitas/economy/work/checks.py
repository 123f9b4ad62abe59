"""The checks every write of jobs, volunteering and budgets shares: numbers, dates and years
within the range the pages accept, projects and resources of the cooperative's own, and
the person (an admitted member, or a named person, not both). Each raises ``ValidationError``
naming the field."""

from __future__ import annotations

from datetime import date
from decimal import Decimal, InvalidOperation

from django.utils.translation import gettext as _

from comunitas.commons.models import CommonResource
from comunitas.core.errors import ValidationError
from comunitas.core.models import Cooperative
from comunitas.members.models import Member, MemberStatus
from comunitas.projects.models import Project

FIRST_YEAR, LAST_YEAR = 1900, 2199
# Members whose jobs or hours may be recorded: admitted, now or in the past.
RECORDED_MEMBERS = (MemberStatus.ACTIVE, MemberStatus.EXITED)


# --- shared checks ------------------------------------------------------------------------------
def check_decimal(value, field: str, message: str) -> Decimal:
    try:
        number = Decimal(value)
    except (InvalidOperation, TypeError, ValueError):
        raise ValidationError(message, field=field) from None
    if not number.is_finite():
        raise ValidationError(message, field=field)
    return number


def check_date(value, field: str) -> date:
    if not isinstance(value, date):
        raise ValidationError(_("Give a date."), field=field)
    if not FIRST_YEAR <= value.year <= LAST_YEAR:
        raise ValidationError(
            _("Give a date between %(a)s and %(b)s.") % {"a": FIRST_YEAR, "b": LAST_YEAR},
            field=field,
        )
    return value


def check_year(year) -> int:
    if not isinstance(year, int) or not FIRST_YEAR <= year <= LAST_YEAR:
        raise ValidationError(
            _("Give a year between %(a)s and %(b)s.") % {"a": FIRST_YEAR, "b": LAST_YEAR},
            field="year",
        )
    return year


def check_own(obj, coop: Cooperative, field: str, message: str) -> None:
    """A project, resource or member must be this cooperative's own."""
    if obj is not None and obj.coop_id != coop.pk:
        raise ValidationError(message, field=field)


def check_links(obj, coop: Cooperative) -> None:
    if obj.project is not None and not isinstance(obj.project, Project):
        raise ValidationError(_("Choose a project of the cooperative."), field="project")
    if obj.resource is not None and not isinstance(obj.resource, CommonResource):
        raise ValidationError(_("Choose a resource of the cooperative."), field="resource")
    check_own(obj.project, coop, "project", _("Choose a project of the cooperative."))
    check_own(obj.resource, coop, "resource", _("Choose a resource of the cooperative."))


def check_person(obj, coop: Cooperative, *, user_ok: bool = False) -> None:
    """A member of the cooperative or a named person, not both (the login of a volunteer who
    declared counts as the person too)."""
    member = obj.member
    if member is not None:
        if not isinstance(member, Member) or member.coop_id != coop.pk:
            raise ValidationError(_("Choose a member of the cooperative."), field="member")
        if member.status not in RECORDED_MEMBERS:
            raise ValidationError(
                _("Only an admitted member (or a former one) can be chosen."), field="member"
            )
        if obj.person_name:
            raise ValidationError(
                _("Give either a member or the name of a person, not both."), field="person_name"
            )
    elif not obj.person_name and not (user_ok and obj.user_id):
        raise ValidationError(
            _("Choose a member or give the name of the person."), field="person_name"
        )
