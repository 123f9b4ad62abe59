"""The assemblies' pages in the permission matrix (tests/core/coops/test_permissions.py); the API
has its own rows (matrix_api.py).

``ids`` makes, in "alpha", the member book of ``book_for`` (member1 and admin1 are members no. 1
and 2) and an assembly in session with an agenda item, member no. 3 present, a proxy of no. 4 to
no. 3, a draft motion and a draft of its minutes (which exist once an assembly closes; made
directly here so that one assembly serves every row). Every POST is answered, for the allowed
callers, by a redirect with a message saying what happened (done, or why not), so the rows check
who may ask, not the rules, which the services' tests check. Object level: the assembly in
session cannot be edited (the form answers 200 with the error); the minutes' draft is the
operators' own (404 for a member)."""

from __future__ import annotations

from comunitas.core.permissions import Action
from comunitas.decisions.assemblies import session_services as assemblies_session_services
from comunitas.decisions.assemblies import voting_services as assemblies_voting_services
from comunitas.decisions.models import Minutes
from tests.helpers import ASSEMBLY_FIELDS, book_for, convene, open_session

PATH_IDS = ["assembly_id", "item_id", "attendance_id", "proxy_id", "motion_id"]

ASSEMBLY_FORM = {
    **ASSEMBLY_FIELDS,
    "first_call_at": "2031-05-10T18:00",
    "second_call_at": "2031-05-11T18:00",
    "notes": "",
}
MOTION_FORM = {
    "agenda_item": "",
    "title": "Approvazione del bilancio",
    "text": "",
    "kind": "resolution",
    "ballot": "open",
    "majority": "simple",
    "majority_base": "cast",
    "qualified_numerator": 2,
    "qualified_denominator": 3,
    "seats": 1,
    "candidates": "",
}
MINUTES_FORM = {
    "chair_name": "Ada Board",
    "chair_role": "Presidente",
    "secretary_name": "Sara Staff",
    "secretary_role": "",
    "narrative": "",
}
NOT_EDITABLE = {"staff": 200, "admin": 200}  # the form shows why: the notice has gone out

A = "/c/{slug}/assemblies"
ONE = f"{A}/{{assembly_id}}"
M = f"{ONE}/motions/{{motion_id}}"
WEB = [
    ("get", f"{A}/", None, Action.VIEW_ASSEMBLIES),
    ("get", f"{A}/new/", None, Action.MANAGE_ASSEMBLIES),
    ("post", f"{A}/new/", ASSEMBLY_FORM, Action.MANAGE_ASSEMBLIES),
    ("get", "/c/{slug}/minutes/", None, Action.VIEW_ASSEMBLIES),
    ("get", f"{ONE}/", None, Action.VIEW_ASSEMBLIES),
    ("get", f"{ONE}/edit/", None, Action.MANAGE_ASSEMBLIES),
    ("post", f"{ONE}/edit/", ASSEMBLY_FORM, Action.MANAGE_ASSEMBLIES),
    ("post", f"{ONE}/agenda/", {"agenda-title": "Varie"}, Action.MANAGE_ASSEMBLIES),
    ("get", f"{ONE}/agenda/{{item_id}}/edit/", None, Action.MANAGE_ASSEMBLIES),
    (
        "post",
        f"{ONE}/agenda/{{item_id}}/edit/",
        {"agenda-title": "Bilancio"},
        Action.MANAGE_ASSEMBLIES,
    ),
    ("post", f"{ONE}/agenda/{{item_id}}/remove/", {}, Action.MANAGE_ASSEMBLIES),
    ("post", f"{ONE}/convene/", {}, Action.CONVENE_ASSEMBLIES),
    ("post", f"{ONE}/cancel/", {"reason": "Sala inagibile"}, Action.CONVENE_ASSEMBLIES),
    ("get", f"{ONE}/notice.pdf", None, Action.VIEW_ASSEMBLIES),
    ("get", f"{ONE}/quorum/", None, Action.VIEW_ASSEMBLIES),
    ("post", f"{ONE}/open/", {"call": "first"}, Action.MANAGE_ASSEMBLIES),
    ("post", f"{ONE}/close/", {}, Action.MANAGE_ASSEMBLIES),
    ("get", f"{ONE}/voters/", None, Action.MANAGE_ASSEMBLIES),
    ("get", f"{ONE}/desk/", None, Action.MANAGE_ASSEMBLIES),
    (
        "post",
        f"{ONE}/desk/",
        {"attendance-number": 5, "attendance-mode": "in_person"},
        Action.MANAGE_ASSEMBLIES,
    ),
    ("post", f"{ONE}/attendance/{{attendance_id}}/leave/", {}, Action.MANAGE_ASSEMBLIES),
    ("post", f"{ONE}/join/", {}, Action.VOTE),
    ("post", f"{ONE}/proxies/", {"proxy-grantor": 6, "proxy-holder": 3}, Action.MANAGE_ASSEMBLIES),
    ("post", f"{ONE}/proxies/{{proxy_id}}/revoke/", {}, Action.MANAGE_ASSEMBLIES),
    ("get", f"{ONE}/motions/new/", None, Action.MANAGE_ASSEMBLIES),
    ("post", f"{ONE}/motions/new/", MOTION_FORM, Action.MANAGE_ASSEMBLIES),
    ("get", f"{M}/edit/", None, Action.MANAGE_ASSEMBLIES),
    ("post", f"{M}/edit/", MOTION_FORM, Action.MANAGE_ASSEMBLIES),
    ("post", f"{M}/open/", {}, Action.MANAGE_ASSEMBLIES),
    ("post", f"{M}/close/", {}, Action.MANAGE_ASSEMBLIES),
    ("post", f"{M}/vote/", {"voter": 1, "choice": "for"}, Action.VOTE),
    (
        "post",
        f"{M}/record/",
        {"record-number": 3, "record-choice": "for"},
        Action.MANAGE_ASSEMBLIES,
    ),
    ("get", f"{ONE}/minutes/", None, Action.MANAGE_ASSEMBLIES),
    ("post", f"{ONE}/minutes/", MINUTES_FORM, Action.MANAGE_ASSEMBLIES),
    ("post", f"{ONE}/minutes/sign/", {}, Action.CONVENE_ASSEMBLIES),
    ("get", f"{ONE}/minutes.pdf", None, Action.VIEW_ASSEMBLIES),
]
WEB_EXCEPTIONS = {
    ("post", f"{ONE}/edit/"): NOT_EDITABLE,
    ("post", f"{ONE}/agenda/{{item_id}}/edit/"): NOT_EDITABLE,  # the agenda is fixed too
    ("get", f"{ONE}/minutes.pdf"): {"member": 404},  # a draft: the operators' own
}
API: list = []


def ids(people) -> dict[str, int]:
    session = open_session(convene(book_for(people)))
    assembly, staff, members = session["assembly"], session["staff"], session["members"]
    attendance = assemblies_session_services.attendance_register(
        actor=staff, assembly=assembly, member=members[3]
    )
    proxy = assemblies_session_services.proxy_register(
        actor=staff, assembly=assembly, grantor=members[4], holder=members[3]
    )
    motion = assemblies_voting_services.motion_create(
        actor=staff, assembly=assembly, title="Bilancio 2025"
    )
    Minutes.objects.create(coop=assembly.coop, assembly=assembly)
    return {
        "assembly_id": assembly.pk,
        "item_id": assembly.agenda.first().pk,
        "attendance_id": attendance.pk,
        "proxy_id": proxy.pk,
        "motion_id": motion.pk,
    }
