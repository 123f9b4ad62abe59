"""What tests share: logins, cooperatives and the objects of every app made through their
services (as people would), requests run at the same instant, and ``assert_refused``.

Fixtures stay in the conftest.py of their folder; plain functions live here, so that a test
imports them from one place."""

from __future__ import annotations

import threading
from collections.abc import Callable
from datetime import date, datetime, time, timedelta
from decimal import Decimal

import pytest
from django.contrib.auth import get_user_model
from django.db import connection
from django.utils import timezone
from stdnum.it import codicefiscale

from comunitas.commons.models import CommonResource
from comunitas.commons.resources import services as resources_services
from comunitas.core.coops.services import coop_create
from comunitas.core.errors import ValidationError
from comunitas.core.models import Cooperative, Municipality
from comunitas.decisions.assemblies import services as assemblies_services
from comunitas.decisions.assemblies import session_services as assemblies_session_services
from comunitas.members.book import services as book_services
from comunitas.members.book.services import book_setup
from comunitas.members.models import Member, StakeholderCategory
from comunitas.projects.models import Indicator
from comunitas.projects.needs import services as needs_services
from comunitas.projects.projects import services as project_services
from comunitas.projects.proposals import services as proposals_services

ANY_FIELD = object()


def assert_refused(
    call: Callable,
    *args,
    on=ANY_FIELD,
    saying: str = "",
    unchanged: Callable[[], object] | None = None,
    **kwargs,
) -> ValidationError:
    """``call(*args, **kwargs)`` is refused with field errors: one of them on ``on`` (None: the
    request as a whole) when given, one of them containing ``saying``; whatever ``unchanged``
    returns (a count of rows, say) is the same afterwards, since nothing was saved."""
    before = unchanged() if unchanged else None
    with pytest.raises(ValidationError) as caught:
        call(*args, **kwargs)
    errors = caught.value.errors
    if on is not ANY_FIELD:
        assert on in [e.field for e in errors], errors
    assert any(saying in e.message for e in errors), errors
    if unchanged:
        assert unchanged() == before
    return caught.value


# --- Everyone: logins and cooperatives ------------------------------------------------------------
PASSWORD = "a-long-test-password-1"
# A statute version within the law, as a form or an API body sends it.
STATUTE_FORM = {
    "valid_from": "2025-01-01",
    "share_nominal_value": "50.00",
    "max_proxies_per_member": 3,
    "legal_person_max_votes": 1,
    "enrolment_days_before_voting": 90,
    "notice_days": 8,
    "ordinary_quorum_first_call": 50,
    "ordinary_quorum_second_call": 0,
    "extraordinary_quorum_first_call": 50,
    "extraordinary_quorum_second_call": 0,
    "proposal_support_threshold": 10,
    "mutual_work": True,
}


def make_user(username: str, **extra):
    user = get_user_model().objects.create_user(
        username=username, email=f"{username}@example.org", password=PASSWORD, **extra
    )
    return user


def make_coop(slug: str, *, owner=None, seat: str = "008034", **fields) -> Cooperative:
    values = {
        "name": slug.replace("-", " ").title(),
        "slug": slug,
        "legal_form": "coop",
        "founded_year": 2015,
        "seat": Municipality.objects.get(pk=seat),
        "sector": "tourism",
        **fields,
    }
    return coop_create(actor=owner, **values)


# --- Concurrency: requests that run at the same instant -------------------------------------------
def run_together(jobs, *, connections: int | None = None) -> list:
    """Start every job at once on its own thread; return each one's result or exception.
    ``connections`` bounds how many hold a database connection at the same time (a shared
    PostgreSQL server allows 100 in all), as the workers of an application server would."""
    barrier = threading.Barrier(len(jobs))
    pool = threading.BoundedSemaphore(connections or len(jobs))
    results: list = [None] * len(jobs)

    def worker(i, job):
        try:
            barrier.wait()
            with pool:
                try:
                    results[i] = job()
                finally:
                    connection.close()
        except Exception as exc:  # collected and asserted by the test
            results[i] = exc

    threads = [threading.Thread(target=worker, args=(i, job)) for i, job in enumerate(jobs)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return results


# --- Members --------------------------------------------------------------------------------------
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
        **fields,
        consents=CONSENT,
        on_date=day,
        shares=shares,
        user=user,
    )
    return book_services.application_decide(
        actor=actor, member=member, approve=True, decided_on=day, decision_reference="CdA test"
    )


# --- Commons --------------------------------------------------------------------------------------
RESOURCE_FORM = {
    "name": "Rifugio Cà da Cardella",
    "kind": "building",
    "owner_kind": "municipality",
    "owner_name": "Comune di Mendatica",
    "municipality": "Mendatica (IM)",
    "address": "Località Cardella",
    "capacity": "24",
    "condition": "good",
    "description": "Mountain refuge",
    "is_public": "on",
}
RIGHT_FORM = {
    "right-kind": "concession",
    "right-granted_by": "Comune di Mendatica",
    "right-reference": "Delibera 12/2018",
    "right-start_on": "2018-05-01",
    "right-end_on": "2030-05-01",
    "right-annual_fee": "1200.00",
}
OBLIGATION_FORM = {
    "obligation-kind": "insurance",
    "obligation-description": "Fire insurance",
    "obligation-due_on": "2026-06-30",
    "obligation-recurring_months": "12",
}
LOG_FORM = {"log-on_date": "2025-03-10", "log-text": "Roof repaired"}


def resource_fields(**extra) -> dict:
    return {
        "name": "Rifugio",
        "kind": "building",
        "owner_kind": "municipality",
        "owner_name": "Comune di Mendatica",
        "municipality": Municipality.objects.get(pk="008034"),
        "capacity": 24,
        "is_public": True,
        **extra,
    }


def make_resource(coop, actor=None, **extra) -> CommonResource:
    return resources_services.resource_create(actor=actor, coop=coop, **resource_fields(**extra))


def add_right(resource, *, start: date, end: date | None, kind: str = "concession", fee="0"):
    return resources_services.use_right_add(
        actor=None,
        resource=resource,
        kind=kind,
        start_on=start,
        end_on=end,
        annual_fee=fee,
    )


def add_obligation(resource, *, due: date, months: int | None = None, kind: str = "insurance"):
    return resources_services.obligation_add(
        actor=None,
        resource=resource,
        kind=kind,
        due_on=due,
        recurring_months=months,
        description="",
    )


# --- Projects -------------------------------------------------------------------------------------
NEED_FORM = {
    "title": "Nessun negozio di alimentari",
    "description": "Dopo la chiusura dell'ultimo negozio gli anziani vanno a valle per il pane.",
    "category": "shops",
    "urgency": "high",
    "people_affected": 120,
    "age_groups": ["elderly"],
}


def make_need(coop, user, **fields):
    return needs_services.need_submit(actor=user, coop=coop, **{**NEED_FORM, **fields})


def make_proposal(coop, user, needs, **fields):
    values = {
        "title": "Riaprire la bottega",
        "description": "Un emporio di comunità gestito da soci volontari e due dipendenti.",
        "estimated_costs": Decimal("18000.00"),
        "estimated_revenues": Decimal("25000.00"),
        "volunteers_needed": 6,
        **fields,
    }
    return proposals_services.proposal_submit(actor=user, coop=coop, **values, needs=needs)


def make_project(coop, user, needs=(), **fields):
    values = {"title": "Bottega di comunità", "summary": "L'emporio riaperto.", **fields}
    return project_services.project_create(
        actor=user, coop=coop, **values, needs=list(needs), resources=[]
    )


def indicator(code: str) -> Indicator:
    return Indicator.objects.get(coop=None, code=code)


def add_objective(project, user, code="jobs-fte", **fields):
    values = {
        "indicator": indicator(code),
        "description": "Due posti di lavoro",
        "unit": "FTE",
        "baseline": Decimal("0"),
        "target": Decimal("2"),
        "target_date": date(2027, 12, 31),
        **fields,
    }
    return project_services.objective_add(actor=user, project=project, **values)


# --- Decisions ------------------------------------------------------------------------------------
# --- assemblies -----------------------------------------------------------------------------------
def category(coop, code: str):
    return StakeholderCategory.objects.get(coop=coop, code=code)


def book_for(people) -> dict:
    """The ``people`` cooperative's member book for an assembly held today: member1 and admin1
    are members no. 1 and 2 with their logins, members no. 3-8 may vote too, no. 9 was admitted
    89 days ago and may not yet; staff1 is not a member."""
    coop = people["coop"]
    book_setup(coop=coop)
    members = {
        "member": admit(coop, person(1, first_name="Marta"), user=people["member"], days_ago=400),
        "admin": admit(coop, person(2, first_name="Ada"), user=people["admin"], days_ago=500),
    }
    for n in range(3, 9):
        members[n] = admit(coop, person(n), days_ago=300 + n)
    members["recent"] = admit(coop, person(9, first_name="Nuovo"), days_ago=89)
    return {**people, "members": members}


def convene(book: dict) -> dict:
    """An ordinary assembly with two agenda items, convened ten days before its first call."""
    admin = book["admin"]
    assembly = assemblies_services.assembly_create(
        actor=admin,
        coop=book["coop"],
        **ASSEMBLY_FIELDS,
        first_call_at=first_call(),
        second_call_at=first_call(24),
    )
    assemblies_services.agenda_item_add(actor=admin, assembly=assembly, title="Bilancio 2025")
    assemblies_services.agenda_item_add(actor=admin, assembly=assembly, title="Elezione CdA")
    assembly = assemblies_services.assembly_convene(
        actor=admin, assembly=assembly, at=first_call() - timedelta(days=10)
    )
    return {**book, "assembly": assembly}


def open_session(convened: dict) -> dict:
    """The convened assembly opened at first call, an hour before it starts (registration)."""
    assembly = assemblies_session_services.assembly_open(
        actor=convened["admin"], assembly=convened["assembly"], call="first", at=first_call(-1)
    )
    return {**convened, "assembly": assembly}


def first_call(hours: int = 0):
    """Today at 18:00 local time (plus ``hours``), when the tests' assemblies meet."""
    day = timezone.localdate()
    return timezone.make_aware(datetime.combine(day, time(18, 0))) + timedelta(hours=hours)


ASSEMBLY_FIELDS = {
    "kind": "ordinary",
    "title": "Assemblea ordinaria 2026",
    "place": "Sala consiliare, Mendatica",
    "online_url": "https://meet.example.org/assemblea",
}
