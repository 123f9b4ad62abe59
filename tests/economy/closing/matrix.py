"""The closings' pages and endpoints in the permission matrix
(tests/core/coops/test_permissions.py), and the builders the closing tests share.

``ids`` makes, in "alpha", the member book of ``book_for`` (member1 and admin1 are members no. 1
and 2), a profit in the cash book of last year and the year before (takings, and wages paid to
member1), and three closings: the year
before last approved by a carried motion with its ristorni computed on member1's and admin1's
work, last year's a draft with its allocation, and a proposed one three years back. Every POST
is answered, for the allowed callers, by a redirect with a message saying what happened (done,
or why not), so the rows check who may ask, not the rules, which the services' tests check.
Object level: drafts and proposals are the operators' (404 for the rest, who see only approved
closings); a member reads only their own ristorno's statement (404 for another's). A year's
mutual prevalence (``closing_year``, ``closing_draft_year``) is public once its closing is
approved, the operators' before."""

from __future__ import annotations

from datetime import date
from decimal import Decimal as D

from django.utils import timezone

from comunitas.core.permissions import Action
from comunitas.decisions.assemblies import session_services as assemblies_session_services
from comunitas.decisions.assemblies import voting_services as assemblies_voting_services
from comunitas.economy.cashbook.chart import chart_ensure
from comunitas.economy.closing import services
from comunitas.economy.models import Job, Movement
from tests.helpers import book_for, convene, open_session

PATH_IDS = [
    "closing_id",
    "closing_approved_id",
    "closing_ristorno_id",
    "closing_other_ristorno_id",
    "closing_year",
    "closing_draft_year",
]


def last_year() -> int:
    return timezone.localdate().year - 1


def profit(coop, year: int, amount: str = "10000.00", on: date | None = None) -> Movement:
    """An income of ``amount`` in ``year`` in the cash book (written directly: the cash book's
    services are another part's)."""
    category = chart_ensure(coop=coop)["services"]
    return Movement.objects.create(
        coop=coop,
        on_date=on or date(year, 6, 30),
        direction="income",
        amount=D(amount),
        category=category,
        description="Biglietti",
    )


def wage(coop, year: int, amount: str, *, member=None, job=None, on: date | None = None):
    """Wages of ``amount`` paid in ``year`` (labour cost, item B9): to a member when ``member``
    or ``job`` (a member's position) names one, to someone else otherwise."""
    return Movement.objects.create(
        coop=coop,
        on_date=on or date(year, 6, 27),
        direction="expense",
        amount=D(amount),
        category=chart_ensure(coop=coop)["staff"],
        description="Stipendio",
        job=job,
        member=member or (job.member if job else None),
    )


def job(member, year: int, *, fte: str = "1.00", start=None, end=None) -> Job:
    """A position of ``member`` for the whole of ``year`` unless told otherwise."""
    return Job.objects.create(
        coop=member.coop,
        member=member,
        title="Guida",
        contract="permanent",
        fte=D(fte),
        start_date=start or date(year, 1, 1),
        end_date=end or date(year + 1, 1, 1),
        lives_in_territory=True,
    )


def carried_motion(book: dict, title: str = "Approvazione del bilancio", carried: bool = True):
    """A motion of an assembly in session (five of the eight voters present: quorate), voted by
    member no. 5 (for or against) and closed."""
    session = open_session(convene(book))["assembly"]
    staff, member = book["staff"], book["members"][5]
    for key in ("member", 3, 5, 6, 7):
        assemblies_session_services.attendance_register(
            actor=staff, assembly=session, member=book["members"][key]
        )
    motion = assemblies_voting_services.motion_create(actor=staff, assembly=session, title=title)
    motion = assemblies_voting_services.motion_open(actor=staff, motion=motion)
    assemblies_voting_services.ballot_cast(
        actor=staff,
        motion=motion,
        voter=member,
        choice="for" if carried else "against",
        recorded_by_staff=True,
    )
    return assemblies_voting_services.motion_close(actor=staff, motion=motion)


def allocated(book: dict, year: int, ristorni: str = "1000.00"):
    """A draft closing of ``year`` from the cash book (a profit of 10,000 €: 12,000 € of
    takings, 2,000 € of wages paid to member1, all of the labour cost, so ristorni may take up
    to the whole result under art. 2545-sexies) with an allocation giving ``ristorni`` to
    ristorni."""
    admin, coop = book["admin"], book["coop"]
    profit(coop, year, "12000.00")
    wage(coop, year, "2000.00", member=book["members"]["member"])
    closing = services.closing_prepare(actor=admin, coop=coop, year=year, result_source="cash_book")
    services.closing_allocate(
        actor=admin, closing=closing, ristorni=D(ristorni), reinvestment_percent=D(50)
    )
    return closing


def approved(book: dict, year: int):
    """A closing of ``year`` with ristorni on the work of member1 and admin1, approved."""
    members = book["members"]
    closing = allocated(book, year)
    job(members["member"], year)
    job(members["admin"], year, fte="0.50")
    services.ristorni_compute(actor=book["admin"], closing=closing, basis="work")
    services.closing_propose(actor=book["admin"], closing=closing)
    motion = carried_motion(book)
    return services.closing_approve(actor=book["admin"], closing=closing, motion=motion)


def make(people) -> dict:
    book = book_for(people)
    year = last_year()
    done = approved(book, year - 1)
    draft = allocated(book, year)
    proposed = allocated(book, year - 2, ristorni="0")
    services.closing_propose(actor=book["admin"], closing=proposed)
    lines = {r.member_id: r for r in done.ristorno.lines.all()}
    return {
        **book,
        "approved": done,
        "draft": draft,
        "proposed": proposed,
        "own_ristorno": lines[book["members"]["member"].pk],
        "other_ristorno": lines[book["members"]["admin"].pk],
        "motion": done.motion,
    }


def ids(people) -> dict[str, int]:
    made = make(people)
    return {
        "closing_id": made["draft"].pk,
        "closing_approved_id": made["approved"].pk,
        "closing_ristorno_id": made["own_ristorno"].pk,
        "closing_other_ristorno_id": made["other_ristorno"].pk,
        "closing_year": made["approved"].year,
        "closing_draft_year": made["draft"].year,
    }


def _new_form() -> dict:
    # Four years back: no closing and no movements there (a break-even from the cash book).
    return {"year": last_year() - 3, "result_source": "cash_book", "notes": ""}


ALLOCATION_FORM = {
    "legal_reserve_percent": "30",
    "ristorni": "500.00",
    "dividends": "0.00",
    "reinvestment_percent": "50",
}
EDIT_FORM = {
    "result_source": "cash_book",
    "result": "",
    "postal_bond_rate": "5.00",
    "postal_bond_rate_note": "Circolare dell'associazione",
    "notes": "x",
}
COVERAGE_FORM = {"indivisible": "0.00", "legal_reserve": "0.00", "carried_forward": "0.00"}
RISTORNI_FORM = {"basis": "work", "shares_percent": "0"}
PAY_FORM = {"on_date": str(timezone.localdate()), "share_class": ""}
HIDDEN = {who: 404 for who in ("anonymous", "stranger", "resident", "member")}
REFUSED = 422  # the allowed callers reach the service, which refuses (the row tests who may ask)

# {closing_id} is last year's draft (the workflow's rows), {closing_approved_id} the approved one.
C = "/c/{slug}/economy/closings"
ONE = f"{C}/{{closing_id}}"
DONE = f"{C}/{{closing_approved_id}}"
OWN = f"{C}/ristorni/{{closing_ristorno_id}}"
WEB = [
    ("get", f"{C}/", None, Action.VIEW_MONEY_FLOW),
    ("get", f"{C}/new/", None, Action.CLOSE_ACCOUNTS),
    ("post", f"{C}/new/", _new_form(), Action.CLOSE_ACCOUNTS),
    ("get", f"{C}/mine/", None, Action.VIEW_ECONOMY),
    ("get", f"{DONE}/", None, Action.VIEW_MONEY_FLOW),
    ("get", f"{ONE}/", None, Action.VIEW_ACCOUNTS),
    ("get", f"{ONE}/edit/", None, Action.CLOSE_ACCOUNTS),
    ("post", f"{ONE}/edit/", EDIT_FORM, Action.CLOSE_ACCOUNTS),
    ("get", f"{ONE}/allocation/", None, Action.CLOSE_ACCOUNTS),
    ("post", f"{ONE}/allocation/", ALLOCATION_FORM, Action.CLOSE_ACCOUNTS),
    ("get", f"{ONE}/allocation/preview/", ALLOCATION_FORM, Action.CLOSE_ACCOUNTS),
    ("get", f"{ONE}/coverage/", None, Action.CLOSE_ACCOUNTS),
    ("post", f"{ONE}/coverage/", COVERAGE_FORM, Action.CLOSE_ACCOUNTS),
    ("post", f"{ONE}/propose/", {}, Action.CLOSE_ACCOUNTS),
    ("post", f"{ONE}/withdraw/", {}, Action.CLOSE_ACCOUNTS),
    ("post", f"{ONE}/approve/", {"motion": ""}, Action.CLOSE_ACCOUNTS),
    ("post", f"{ONE}/ristorni/compute/", RISTORNI_FORM, Action.CLOSE_ACCOUNTS),
    ("get", f"{ONE}/ristorni/", None, Action.VIEW_ACCOUNTS),
    ("get", f"{DONE}/ristorni/", None, Action.VIEW_ACCOUNTS),
    ("post", f"{ONE}/ristorni/pay/", PAY_FORM, Action.CLOSE_ACCOUNTS),
    ("post", f"{DONE}/ristorni/pay/", PAY_FORM, Action.CLOSE_ACCOUNTS),
    ("get", f"{OWN}/", None, Action.VIEW_ECONOMY),
    ("get", f"{C}/ristorni/{{closing_other_ristorno_id}}/", None, Action.VIEW_ACCOUNTS),
    ("get", f"{OWN}/statement.pdf", None, Action.VIEW_ECONOMY),
]
WEB_EXCEPTIONS = {
    ("get", f"{ONE}/"): HIDDEN,  # a draft is the operators' working copy
    ("post", f"{ONE}/coverage/"): {"admin": 200},  # a profit has no loss: the form says why
    ("get", f"{C}/ristorni/{{closing_other_ristorno_id}}/"): {"member": 404},  # another's
}

A = "/api/v1/coops/{slug}/economy/closings"
AONE = f"{A}/{{closing_id}}"
ADONE = f"{A}/{{closing_approved_id}}"
AOWN = f"{A}/ristorni/{{closing_ristorno_id}}"
API = [
    ("get", A, None, Action.VIEW_MONEY_FLOW),
    ("post", A, {"year": last_year() - 3, "result_source": "cash_book"}, Action.CLOSE_ACCOUNTS),
    ("get", f"{A}/mine", None, Action.VIEW_ECONOMY),
    ("get", f"{A}/motions", None, Action.CLOSE_ACCOUNTS),
    ("get", ADONE, None, Action.VIEW_MONEY_FLOW),
    ("get", AONE, None, Action.VIEW_ACCOUNTS),
    # The mutual prevalence of a year: public once its closing is approved, else operators'.
    ("get", f"{A}/{{closing_year}}/prevalence", None, Action.VIEW_MONEY_FLOW),
    ("get", f"{A}/{{closing_draft_year}}/prevalence", None, Action.VIEW_ACCOUNTS),
    ("patch", AONE, {"notes": "Bilancio"}, Action.CLOSE_ACCOUNTS),
    ("post", f"{AONE}/allocation/preview", ALLOCATION_FORM, Action.CLOSE_ACCOUNTS),
    ("put", f"{AONE}/allocation", ALLOCATION_FORM, Action.CLOSE_ACCOUNTS),
    ("put", f"{AONE}/coverage", COVERAGE_FORM, Action.CLOSE_ACCOUNTS),
    ("post", f"{AONE}/propose", None, Action.CLOSE_ACCOUNTS),
    ("post", f"{AONE}/withdraw", None, Action.CLOSE_ACCOUNTS),
    ("post", f"{AONE}/approve", {"motion_id": 1}, Action.CLOSE_ACCOUNTS),
    ("put", f"{AONE}/ristorni", RISTORNI_FORM, Action.CLOSE_ACCOUNTS),
    ("get", f"{AONE}/ristorni", None, Action.VIEW_ACCOUNTS),
    ("get", f"{ADONE}/ristorni", None, Action.VIEW_ACCOUNTS),
    ("post", f"{AONE}/ristorni/pay", {"on_date": PAY_FORM["on_date"]}, Action.CLOSE_ACCOUNTS),
    ("post", f"{ADONE}/ristorni/pay", {"on_date": PAY_FORM["on_date"]}, Action.CLOSE_ACCOUNTS),
    ("get", AOWN, None, Action.VIEW_ECONOMY),
    ("get", f"{A}/ristorni/{{closing_other_ristorno_id}}", None, Action.VIEW_ACCOUNTS),
]
API_EXCEPTIONS = {
    ("get", AONE): HIDDEN,
    ("get", f"{A}/ristorni/{{closing_other_ristorno_id}}"): {"member": 404},
    ("put", f"{AONE}/coverage"): {"admin": REFUSED},  # last year's draft is a profit
    ("post", f"{AONE}/withdraw"): {"admin": REFUSED},  # a draft cannot be withdrawn
    ("post", f"{AONE}/approve"): {"admin": REFUSED},  # a draft, and no carried motion of alpha
    ("put", f"{AONE}/ristorni"): {"admin": REFUSED},  # nobody worked in last year's book
    ("post", f"{AONE}/ristorni/pay"): {"admin": REFUSED},  # not approved
}
