"""Fixtures of the member book: applications as a form sends them and admitted members."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from django.contrib.auth import get_user_model
from django.utils import timezone, translation

from comunitas.core.models import Municipality
from comunitas.members.book import services as book_services
from comunitas.members.models import Member

# Valid codici fiscali (python-stdnum check digits) with the birth date and sex they encode.
PERSON = {
    "kind": "person",
    "first_name": "Maria",
    "last_name": "Rossi",
    "fiscal_code": "RSSMRA80A41H501Y",
    "birth_date": date(1980, 1, 1),
    "sex": "F",
    "email": "maria.rossi@example.org",
}
ORGANISATION = {
    "kind": "organisation",
    "organisation_name": "Pro Loco Mendatica",
    "organisation_kind": "association",
    "fiscal_code": "00743110157",
    "representative_name": "Giovanni Bianchi",
    "representative_role": "Presidente",
    "email": "proloco@example.org",
}
CONSENT = {"privacy": True}


def fiscal_code(n: int, *, sex: str = "M") -> tuple[str, date]:
    """A valid personal codice fiscale number ``n`` and the birth date it encodes."""
    from stdnum.it import codicefiscale

    born = date(1950, 1, 1) + timedelta(days=n % 20000)
    months = "ABCDEHLMPRST"
    day = born.day + (40 if sex == "F" else 0)
    consonants = "BCDFGHLMNPQRSTVZ"
    surname = "".join(consonants[(n // 16**i) % 16] for i in range(3))
    name = "".join(consonants[(n // 16 ** (i + 3)) % 16] for i in range(3))
    body = f"{surname}{name}{born.year % 100:02d}{months[born.month - 1]}{day:02d}H501"
    return body + codicefiscale.calc_check_digit(body), born


def person(n: int, **extra) -> dict:
    code, born = fiscal_code(n, sex=extra.get("sex", "M"))
    return {
        "kind": "person",
        "first_name": f"Nome{n}",
        "last_name": f"Cognome{n}",
        "fiscal_code": code,
        "birth_date": born,
        "sex": "M",
        "email": f"socio{n}@example.org",
        **extra,
    }


def admit(
    coop,
    fields: dict,
    *,
    actor=None,
    days_ago: int = 200,
    shares: int | None = None,
    user=None,
    user_id: int | None = None,
) -> Member:
    """An applicant admitted ``days_ago`` days ago, its shares subscribed (not yet paid)."""
    day = timezone.localdate() - timedelta(days=days_ago)
    if user_id is not None:
        user = get_user_model().objects.get(pk=user_id)
    member = book_services.application_submit(
        actor=actor,
        coop=coop,
        fields=fields,
        consents=CONSENT,
        on_date=day,
        shares=shares,
        user=user,
    )
    return book_services.application_decide(
        actor=actor, member=member, approve=True, decided_on=day, decision_reference="CdA test"
    )


@pytest.fixture(autouse=True)
def english(settings):
    """The member book's tests read messages in English, the language of the source; pages that
    a test wants in Italian ask for it (cookie or Accept-Language)."""
    settings.LANGUAGE_CODE = "en"
    with translation.override("en"):
        yield


@pytest.fixture
def book(people):
    """The ``people`` cooperative with its member book set up and a resident of Mendatica."""
    book_services.book_setup(coop=people["coop"])
    people["mendatica"] = Municipality.objects.get(pk="008034")
    return people
