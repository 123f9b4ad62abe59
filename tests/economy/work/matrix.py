"""The economy's work rows of the permission matrix (tests/core/coops/test_permissions.py): jobs,
volunteering and budgets, and the helpers the work tests build their data with (through the
services, as staff and volunteers would).

``ids`` makes, in "alpha": ``work_job_id``, a running position of a named person, and
``work_entry_id``, hours the member declared (so confirming and rejecting them succeed, each
in its own rolled-back savepoint)."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from django.utils import timezone

from comunitas.core.permissions import Action
from comunitas.economy.work import services as work_services

PATH_IDS = ["work_job_id", "work_entry_id"]

JOB_FIELDS = {
    "person_name": "Rossi Anna",
    "title": "Guida turistica",
    "contract": "permanent",
    "fte": Decimal("1.00"),
    "start_date": date(2024, 3, 1),
    "end_date": None,
    "lives_in_territory": True,
    "age_band": "25-34",
}


def make_job(coop, actor, **fields):
    return work_services.job_create(actor=actor, coop=coop, **{**JOB_FIELDS, **fields})


def declare(coop, user, hours="2.50", on_date=None, activity="Visite guidate", **fields):
    return work_services.volunteer_declare(
        actor=user,
        coop=coop,
        activity=activity,
        on_date=on_date or timezone.localdate(),
        hours=hours,
        **fields,
    )


def enter(coop, actor, hours="3.00", on_date=None, person_name="Bianchi Luca", **fields):
    return work_services.volunteer_enter(
        actor=actor,
        coop=coop,
        **{
            "person_name": person_name,
            "activity": fields.pop("activity", "Pulizie"),
            "on_date": on_date or timezone.localdate(),
            "hours": hours,
            **fields,
        },
    )


def today() -> str:
    return timezone.localdate().isoformat()


JOB_FORM = {
    "member": "",
    "person_name": "Verdi Marta",
    "title": "Cassiera",
    "contract": "fixed_term",
    "fte": "0.5",
    "start_date": "2025-01-10",
    "end_date": "",
    "municipality": "",
    "lives_in_territory": "on",
    "age_band": "u25",
    "previously_unemployed": "unknown",
    "unemployment_consent_on": "",
    "resource": "",
    "project": "",
}
END_FORM = {"end_date": "2025-12-01"}
RATE_FORM = {"valid_from": "2025-01-01", "hourly_value": "17.50", "source": "ISTAT 2024"}
HOURS_FORM = {
    "member": "",
    "person_name": "Neri Paolo",
    "activity": "Accoglienza",
    "on_date": "2025-05-04",
    "hours": "4",
    "project": "",
    "resource": "",
}
DECLARE_FORM = {
    "activity": "Accoglienza",
    "on_date": "2025-05-04",
    "hours": "2",
    "project": "",
    "resource": "",
}
BUDGET_FORM = {"services": "12000.00", "staff": "8000.00"}

W = "/c/{slug}/economy"
WEB = [
    ("get", f"{W}/jobs/", None, Action.VIEW_ACCOUNTS),
    ("get", f"{W}/jobs/summary/", None, Action.VIEW_ECONOMY),
    ("get", f"{W}/jobs/new/", None, Action.MANAGE_ACCOUNTS),
    ("post", f"{W}/jobs/new/", JOB_FORM, Action.MANAGE_ACCOUNTS),
    ("get", f"{W}/jobs/{{work_job_id}}/edit/", None, Action.MANAGE_ACCOUNTS),
    (
        "post",
        f"{W}/jobs/{{work_job_id}}/edit/",
        {**JOB_FORM, "start_date": "2024-03-01"},
        Action.MANAGE_ACCOUNTS,
    ),
    ("get", f"{W}/jobs/{{work_job_id}}/end/", None, Action.MANAGE_ACCOUNTS),
    ("post", f"{W}/jobs/{{work_job_id}}/end/", END_FORM, Action.MANAGE_ACCOUNTS),
    ("get", f"{W}/volunteering/", None, Action.VIEW_ACCOUNTS),
    ("get", f"{W}/volunteering/new/", None, Action.MANAGE_ACCOUNTS),
    ("post", f"{W}/volunteering/new/", HOURS_FORM, Action.MANAGE_ACCOUNTS),
    ("get", f"{W}/volunteering/pending/", None, Action.MANAGE_ACCOUNTS),
    ("post", f"{W}/volunteering/{{work_entry_id}}/confirm/", {}, Action.MANAGE_ACCOUNTS),
    (
        "post",
        f"{W}/volunteering/{{work_entry_id}}/reject/",
        {"reason": "Non risulta"},
        Action.MANAGE_ACCOUNTS,
    ),
    ("get", f"{W}/volunteering/mine/", None, Action.DECLARE_HOURS),
    ("post", f"{W}/volunteering/mine/", DECLARE_FORM, Action.DECLARE_HOURS),
    ("get", f"{W}/volunteering/rates/", None, Action.VIEW_ACCOUNTS),
    ("get", f"{W}/volunteering/rates/new/", None, Action.MANAGE_ACCOUNTS),
    ("post", f"{W}/volunteering/rates/new/", RATE_FORM, Action.MANAGE_ACCOUNTS),
    ("get", f"{W}/budgets/", None, Action.VIEW_ACCOUNTS),
    ("get", f"{W}/budgets/edit/", None, Action.MANAGE_ACCOUNTS),
    ("post", f"{W}/budgets/edit/", BUDGET_FORM, Action.MANAGE_ACCOUNTS),
]

API_JOB = {
    "person_name": "Verdi Marta",
    "title": "Cassiera",
    "contract": "fixed_term",
    "fte": "0.5",
    "start_date": "2025-01-10",
    "lives_in_territory": False,
}
API_HOURS = {
    "person_name": "Neri Paolo",
    "activity": "Accoglienza",
    "on_date": "2025-05-04",
    "hours": "4",
}
API_DECLARE = {"activity": "Accoglienza", "on_date": "2025-05-04", "hours": "2"}
A = "/api/v1/coops/{slug}/economy"
API = [
    ("get", f"{A}/jobs", None, Action.VIEW_ACCOUNTS),
    ("post", f"{A}/jobs", API_JOB, Action.MANAGE_ACCOUNTS),
    ("get", f"{A}/jobs/summary", None, Action.VIEW_ECONOMY),
    ("get", f"{A}/jobs/series", None, Action.VIEW_ECONOMY),
    ("get", f"{A}/jobs/{{work_job_id}}", None, Action.VIEW_ACCOUNTS),
    ("patch", f"{A}/jobs/{{work_job_id}}", {"title": "Guida"}, Action.MANAGE_ACCOUNTS),
    ("post", f"{A}/jobs/{{work_job_id}}/end", END_FORM, Action.MANAGE_ACCOUNTS),
    ("get", f"{A}/volunteering", None, Action.VIEW_ACCOUNTS),
    ("post", f"{A}/volunteering", API_HOURS, Action.MANAGE_ACCOUNTS),
    ("get", f"{A}/volunteering/mine", None, Action.DECLARE_HOURS),
    ("post", f"{A}/volunteering/mine", API_DECLARE, Action.DECLARE_HOURS),
    ("post", f"{A}/volunteering/{{work_entry_id}}/confirm", None, Action.MANAGE_ACCOUNTS),
    (
        "post",
        f"{A}/volunteering/{{work_entry_id}}/reject",
        {"reason": "Non risulta"},
        Action.MANAGE_ACCOUNTS,
    ),
    ("get", f"{A}/volunteering/summary", None, Action.VIEW_ECONOMY),
    ("get", f"{A}/volunteering/rates", None, Action.VIEW_ECONOMY),
    ("post", f"{A}/volunteering/rates", RATE_FORM, Action.MANAGE_ACCOUNTS),
    ("get", f"{A}/budgets/lines", None, Action.VIEW_ACCOUNTS),
    (
        "put",
        f"{A}/budgets/lines",
        {"year": 2025, "amounts": {"services": "1000.00"}},
        Action.MANAGE_ACCOUNTS,
    ),
    ("get", f"{A}/budgets/comparison", None, Action.VIEW_ACCOUNTS),
]


def ids(people) -> dict[str, int]:
    coop = people["coop"]
    job = make_job(coop, people["staff"])
    entry = declare(coop, people["member"], on_date=date(2025, 5, 3))
    return {"work_job_id": job.pk, "work_entry_id": entry.pk}
