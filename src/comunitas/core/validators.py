"""Field validators for Italian identifiers, wrapping python-stdnum with translated messages."""

from __future__ import annotations

import re

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _
from stdnum.exceptions import ValidationError as StdnumError
from stdnum.it import codicefiscale, iva

ALBO_NUMBER = re.compile(r"^[A-Z]\d{6}$")


def validate_codice_fiscale(value: str) -> None:
    """A personal (16 characters) or organisation (11 digits) codice fiscale."""
    try:
        codicefiscale.validate(value)
    except StdnumError:
        raise ValidationError(
            _("%(value)s is not a valid codice fiscale."), params={"value": value}
        ) from None


def validate_partita_iva(value: str) -> None:
    try:
        iva.validate(value)
    except StdnumError:
        raise ValidationError(
            _("%(value)s is not a valid partita IVA."), params={"value": value}
        ) from None


def validate_albo_number(value: str) -> None:
    """Number in the national register of cooperatives (Albo società cooperative), e.g. A123456."""
    if not ALBO_NUMBER.match(value):
        raise ValidationError(
            _("The register number is a letter followed by six digits, e.g. A123456.")
        )


def compact_code(value: str) -> str:
    """Identifiers are stored without spaces or dots, upper case."""
    return re.sub(r"[\s.\-]", "", value or "").upper()
