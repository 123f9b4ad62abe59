"""The rules every write of the member book checks: a member's data (the codice fiscale against
the birth date and sex, the model's rules, no one in the book twice), the day of a board's
decision, and the capital a natural person may hold (art. 2525 c.2).

Plain functions that raise the project's ``ValidationError`` (or return its field errors); the
services call them inside their transaction, the import calls ``identity_errors`` row by row."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from django.db.models import Sum
from django.utils import timezone
from django.utils.formats import localize
from django.utils.translation import gettext as _
from stdnum.exceptions import ValidationError as StdnumError
from stdnum.it import codicefiscale

from comunitas.core.errors import FieldError, ValidationError
from comunitas.core.formatting import euro
from comunitas.core.kernel.edits import validated
from comunitas.core.kernel.money import ZERO
from comunitas.core.law import limits_on
from comunitas.core.models import Cents
from comunitas.core.validators import compact_code
from comunitas.members.models import (
    Member,
    MemberKind,
    MemberStatus,
    MovementKind,
    ShareClass,
    ShareMovement,
)


def today() -> date:
    return timezone.localdate()


# --- a member's data ----------------------------------------------------------------------------
def identity_errors(member: Member) -> list[FieldError]:
    """The codice fiscale must agree with the birth date and sex given (python-stdnum decodes
    both); a person's code has 16 characters, an organisation's 11 digits."""
    errors: list[FieldError] = []
    code = member.fiscal_code
    if member.kind == MemberKind.PERSON:
        if not code:
            return [FieldError("fiscal_code", _("A person's codice fiscale is required."))]
        if len(code) != 16:
            return [FieldError("fiscal_code", _("A person's codice fiscale has 16 characters."))]
        try:
            # The code has two digits for the year: take the century that makes an age of 0-99.
            born = codicefiscale.get_birth_date(code, minyear=today().year - 99)
            sex = codicefiscale.get_gender(code)
        except StdnumError:
            return []  # the field validator reports the code itself
        if member.birth_date and member.birth_date != born:
            errors.append(
                FieldError(
                    "birth_date",
                    _("The codice fiscale says %(date)s: check the birth date or the code.")
                    % {"date": localize(born)},
                )
            )
        if member.sex and member.sex != sex:
            errors.append(
                FieldError("sex", _("The codice fiscale is of a person of the other sex."))
            )
        if member.birth_date and member.birth_date > today():
            errors.append(FieldError("birth_date", _("The birth date is in the future.")))
    elif code and len(code) != 11:
        errors.append(
            FieldError("fiscal_code", _("An organisation's codice fiscale has 11 digits."))
        )
    return errors


def member_check(member: Member) -> None:
    """A member's data as the book keeps them: codes compacted and agreeing with the birth date
    and sex, the model's rules, a category of this cooperative, no one else in the book (or
    applying) with the same codice fiscale."""
    member.fiscal_code = compact_code(member.fiscal_code)
    member.vat_number = compact_code(member.vat_number)
    errors = identity_errors(member)
    try:
        validated(member, exclude=["coop", "category", "user"])
    except ValidationError as exc:
        errors = exc.errors + [e for e in errors if e.field not in {f.field for f in exc.errors}]
    if member.category_id and member.category.coop_id != member.coop_id:
        errors.append(FieldError("category", _("This category belongs to another cooperative.")))
    if member.kind == MemberKind.ORGANISATION and member.category_id is None:
        errors.append(FieldError("category", _("Choose a category.")))
    if errors:
        raise ValidationError(errors=errors)
    duplicate = (
        Member.objects.filter(
            coop=member.coop, status__in=[MemberStatus.APPLICANT, MemberStatus.ACTIVE]
        )
        .exclude(pk=member.pk)
        .filter(fiscal_code=member.fiscal_code)
    )
    if member.fiscal_code and duplicate.exists():
        raise ValidationError(
            _("A member or applicant with this codice fiscale is already in the book."),
            field="fiscal_code",
        )


# --- decisions and capital ----------------------------------------------------------------------
def decision_day(decided_on: date | None, requested_on: date, reference: str) -> date:
    """A board decision: between the request and today, naming the meeting that took it."""
    day = decided_on or today()
    if day < requested_on:
        raise ValidationError(
            _("The decision cannot come before the request it decides."), field="decided_on"
        )
    if day > today():
        raise ValidationError(_("The decision date is in the future."), field="decided_on")
    if not reference.strip():
        raise ValidationError(
            _("Say which board meeting decided (e.g. 'CdA 12/03/2025')."),
            field="decision_reference",
        )
    return day


def capped_holding(member: Member) -> Decimal:
    """Capital of a person that counts towards the art. 2525 cap: shares from ristorni and
    financing members' shares are outside it (art. 2525 c.3; L. 59/1992 art. 4)."""
    rows = ShareMovement.objects.filter(member=member, share_class__for_financing=False).exclude(
        kind=MovementKind.RISTORNO
    )
    return rows.aggregate(total=Cents(Sum("subscribed")))["total"] or ZERO


def holding_cap_check(member: Member, share_class: ShareClass, extra: Decimal, day: date) -> None:
    """A natural person may not hold more than the legal maximum (art. 2525 c.2)."""
    if member.kind != MemberKind.PERSON or share_class.for_financing:
        return
    if member.category_id and member.category.is_financing:
        return
    cap = limits_on(day).natural_person_max_holding
    held = capped_holding(member) if member.pk else ZERO
    if held + extra > cap:
        raise ValidationError(
            _(
                "A natural person may hold at most %(cap)s of capital (art. 2525 c.c.); "
                "this would make %(total)s."
            )
            % {"cap": euro(cap), "total": euro(held + extra)},
            field="shares",
        )
