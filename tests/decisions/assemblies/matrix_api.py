"""The assemblies API's rows of the permission matrix (tests/core/coops/test_permissions.py).

The API's paths name ``assembly_id``, ``item_id``, ``attendance_id``, ``proxy_id`` and
``motion_id``, the names of the pages' matrix (tests/decisions/assemblies/matrix.py), so a row
with those names meets the objects *its* ``ids`` makes: in "alpha", the member book of
``book_for`` and an assembly in session, not quorate, with its agenda, member no. 3 present
(``attendance_id``), a proxy of no. 4 to no. 3, a draft motion and a draft of its minutes.
Where that state refuses what the row asks, the callers allowed get the service's 422 (listed
in ``API_EXCEPTIONS``): they passed the permission check, the rule said no.

The rows below them name this module's own objects, made by ``ids`` (and only for rows that
name one of them, so the two modules never build the same member book twice), where the same
operations succeed:

* ``draft_assembly_id`` with ``draft_item_id``: a draft a month away, with one agenda item;
* ``convened_assembly_id``: convened, its first call today (it can be opened or cancelled);
* ``session_assembly_id``: in session and quorate: members no. 1 (member1), 3, 5 and 6
  present, no. 3 holding no. 4's proxy (5 of 8 votes); its motions ``open_motion_id`` (an open
  ballot being voted), ``draft_motion_id``, ``closed_motion_id`` (an open ballot, closed,
  where staff recorded no. 5's vote) and ``secret_motion_id`` (a secret ballot, closed).

Object level: a draft does not exist for a member (404); draft minutes are the operators' own
(404 for a member); only a member on the roll and present votes (member1 201; staff1, who is
no member, and the resident 422; admin1 is not present: 422); the named votes of a ballot are
listed only for a closed open ballot (404 otherwise)."""

from __future__ import annotations

from datetime import timedelta

from comunitas.core.permissions import Action
from comunitas.decisions.assemblies import services as assemblies_services
from comunitas.decisions.assemblies import session_services as assemblies_session_services
from comunitas.decisions.assemblies import voting_services as assemblies_voting_services
from tests.helpers import ASSEMBLY_FIELDS, book_for, convene, first_call, open_session

PATH_IDS = [
    "draft_assembly_id",
    "draft_item_id",
    "convened_assembly_id",
    "session_assembly_id",
    "open_motion_id",
    "draft_motion_id",
    "closed_motion_id",
    "secret_motion_id",
]
WEB: list = []  # the pages' rows are in matrix_assemblies.py

BASE = "/api/v1/coops/{slug}"
A = f"{BASE}/assemblies"
ONE = f"{A}/{{assembly_id}}"
M = f"{ONE}/motions/{{motion_id}}"
DRAFT = f"{A}/{{draft_assembly_id}}"
CONVENED = f"{A}/{{convened_assembly_id}}"
SESSION = f"{A}/{{session_assembly_id}}"
SESSION_MOTIONS = f"{SESSION}/motions"

API_ASSEMBLY = {
    **ASSEMBLY_FIELDS,
    "first_call_at": "2031-05-10T18:00",
    "second_call_at": "2031-05-11T18:00",
}
RECORDED = {"number": 5, "choice": "for"}

API = [
    # The pages' objects: an assembly in session, not quorate, with a draft motion.
    ("get", A, None, Action.VIEW_ASSEMBLIES),
    ("post", A, API_ASSEMBLY, Action.MANAGE_ASSEMBLIES),
    ("get", ONE, None, Action.VIEW_ASSEMBLIES),
    ("patch", ONE, {"title": "Assemblea di primavera"}, Action.MANAGE_ASSEMBLIES),
    ("post", f"{ONE}/agenda", {"title": "Varie"}, Action.MANAGE_ASSEMBLIES),
    ("patch", f"{ONE}/agenda/{{item_id}}", {"description": "x"}, Action.MANAGE_ASSEMBLIES),
    ("delete", f"{ONE}/agenda/{{item_id}}", None, Action.MANAGE_ASSEMBLIES),
    ("post", f"{ONE}/convene", None, Action.CONVENE_ASSEMBLIES),
    ("post", f"{ONE}/cancel", {"reason": "Sala inagibile"}, Action.CONVENE_ASSEMBLIES),
    ("get", f"{ONE}/notice.pdf", None, Action.VIEW_ASSEMBLIES),
    ("post", f"{ONE}/open", {"call": "first"}, Action.MANAGE_ASSEMBLIES),
    ("post", f"{ONE}/close", None, Action.MANAGE_ASSEMBLIES),
    ("get", f"{ONE}/voters", None, Action.MANAGE_ASSEMBLIES),
    ("get", f"{ONE}/quorum", None, Action.VIEW_ASSEMBLIES),
    ("get", f"{ONE}/attendance", None, Action.MANAGE_ASSEMBLIES),
    ("post", f"{ONE}/attendance", {"number": 5, "mode": "in_person"}, Action.MANAGE_ASSEMBLIES),
    ("post", f"{ONE}/attendance/{{attendance_id}}/leave", None, Action.MANAGE_ASSEMBLIES),
    ("post", f"{ONE}/join", None, Action.VOTE),
    ("get", f"{ONE}/proxies", None, Action.MANAGE_ASSEMBLIES),
    ("post", f"{ONE}/proxies", {"grantor": 6, "holder": 3}, Action.MANAGE_ASSEMBLIES),
    ("post", f"{ONE}/proxies/{{proxy_id}}/revoke", {}, Action.MANAGE_ASSEMBLIES),
    ("get", f"{ONE}/motions", None, Action.VIEW_ASSEMBLIES),
    ("post", f"{ONE}/motions", {"title": "Quota associativa"}, Action.MANAGE_ASSEMBLIES),
    ("get", M, None, Action.VIEW_ASSEMBLIES),
    ("patch", M, {"title": "Bilancio consuntivo 2025"}, Action.MANAGE_ASSEMBLIES),
    ("post", f"{M}/open", None, Action.MANAGE_ASSEMBLIES),
    ("post", f"{M}/close", None, Action.MANAGE_ASSEMBLIES),
    ("post", f"{M}/ballots", {"choice": "for"}, Action.VOTE),
    ("post", f"{M}/recorded-votes", RECORDED, Action.MANAGE_ASSEMBLIES),
    ("get", f"{M}/result", None, Action.VIEW_ASSEMBLIES),
    ("get", f"{M}/my-ballots", None, Action.VOTE),
    ("get", f"{M}/votes", None, Action.VIEW_ASSEMBLIES),
    ("get", f"{BASE}/minutes", None, Action.VIEW_ASSEMBLIES),
    ("get", f"{ONE}/minutes", None, Action.VIEW_ASSEMBLIES),
    ("patch", f"{ONE}/minutes", {"chair_name": "Ada Board"}, Action.MANAGE_ASSEMBLIES),
    ("post", f"{ONE}/minutes/sign", None, Action.CONVENE_ASSEMBLIES),
    ("get", f"{ONE}/minutes.pdf", None, Action.VIEW_ASSEMBLIES),
    # This module's objects, where the same operations succeed.
    ("get", DRAFT, None, Action.VIEW_ASSEMBLIES),
    ("patch", DRAFT, {"title": "Assemblea di primavera"}, Action.MANAGE_ASSEMBLIES),
    ("post", f"{DRAFT}/agenda", {"title": "Varie"}, Action.MANAGE_ASSEMBLIES),
    (
        "patch",
        f"{DRAFT}/agenda/{{draft_item_id}}",
        {"description": "Il rendiconto dell'anno."},
        Action.MANAGE_ASSEMBLIES,
    ),
    ("delete", f"{DRAFT}/agenda/{{draft_item_id}}", None, Action.MANAGE_ASSEMBLIES),
    ("post", f"{DRAFT}/convene", None, Action.CONVENE_ASSEMBLIES),
    ("post", f"{CONVENED}/cancel", {"reason": "Sala inagibile"}, Action.CONVENE_ASSEMBLIES),
    ("post", f"{CONVENED}/open", {"call": "first"}, Action.MANAGE_ASSEMBLIES),
    ("post", f"{SESSION_MOTIONS}/{{open_motion_id}}/ballots", {"choice": "for"}, Action.VOTE),
    (
        "post",
        f"{SESSION_MOTIONS}/{{open_motion_id}}/recorded-votes",
        RECORDED,
        Action.MANAGE_ASSEMBLIES,
    ),
    ("get", f"{SESSION_MOTIONS}/{{open_motion_id}}/my-ballots", None, Action.VOTE),
    ("post", f"{SESSION_MOTIONS}/{{open_motion_id}}/close", None, Action.MANAGE_ASSEMBLIES),
    ("post", f"{SESSION_MOTIONS}/{{draft_motion_id}}/open", None, Action.MANAGE_ASSEMBLIES),
    ("get", f"{SESSION_MOTIONS}/{{closed_motion_id}}/result", None, Action.VIEW_ASSEMBLIES),
    ("get", f"{SESSION_MOTIONS}/{{closed_motion_id}}/votes", None, Action.VIEW_ASSEMBLIES),
    ("get", f"{SESSION_MOTIONS}/{{secret_motion_id}}/votes", None, Action.VIEW_ASSEMBLIES),
]

OPERATORS_REFUSED = {"staff": 422, "admin": 422}  # in session: the rule says no
BOARD_REFUSED = {"admin": 422}
NOT_A_VOTE = {"resident": 422, "member": 422, "staff": 422, "admin": 422}
NOT_LISTED = {"member": 404, "staff": 404, "admin": 404}
API_EXCEPTIONS = {
    ("patch", ONE): OPERATORS_REFUSED,
    ("post", f"{ONE}/agenda"): OPERATORS_REFUSED,
    ("patch", f"{ONE}/agenda/{{item_id}}"): OPERATORS_REFUSED,
    ("delete", f"{ONE}/agenda/{{item_id}}"): OPERATORS_REFUSED,
    ("post", f"{ONE}/convene"): BOARD_REFUSED,
    ("post", f"{ONE}/cancel"): BOARD_REFUSED,
    ("post", f"{ONE}/open"): OPERATORS_REFUSED,
    # staff1 is no member; member1 and admin1 are, and not yet present.
    ("post", f"{ONE}/join"): {"resident": 422, "staff": 422},
    ("post", f"{M}/open"): OPERATORS_REFUSED,  # not quorate
    ("post", f"{M}/close"): OPERATORS_REFUSED,  # not open
    ("post", f"{M}/ballots"): NOT_A_VOTE,
    ("post", f"{M}/recorded-votes"): OPERATORS_REFUSED,
    ("get", f"{M}/votes"): NOT_LISTED,  # not closed
    ("get", f"{ONE}/minutes"): {"member": 404},  # a draft: the operators' own
    ("post", f"{ONE}/minutes/sign"): BOARD_REFUSED,  # no chair nor secretary yet
    ("get", f"{ONE}/minutes.pdf"): {"member": 404},
    ("get", DRAFT): {"member": 404},  # a draft does not exist for members
    # member1 is present and on the roll; admin1 is not present, staff1 no member.
    ("post", f"{SESSION_MOTIONS}/{{open_motion_id}}/ballots"): {
        "resident": 422,
        "staff": 422,
        "admin": 422,
    },
    ("get", f"{SESSION_MOTIONS}/{{secret_motion_id}}/votes"): NOT_LISTED,
}


def make(people) -> dict:
    """The objects of this module's rows (see the module's docstring), through the services."""
    book = book_for(people)
    admin, staff, members = book["admin"], book["staff"], book["members"]
    month = first_call(24 * 30)
    draft = assemblies_services.assembly_create(
        actor=admin,
        coop=book["coop"],
        **ASSEMBLY_FIELDS,
        first_call_at=month,
        second_call_at=month + timedelta(1),
    )
    item = assemblies_services.agenda_item_add(actor=admin, assembly=draft, title="Bilancio")
    convened = convene(book)["assembly"]
    session = open_session(convene(book))["assembly"]
    for key in ("member", 3, 5, 6):
        assemblies_session_services.attendance_register(
            actor=staff, assembly=session, member=members[key]
        )
    assemblies_session_services.proxy_register(
        actor=staff, assembly=session, grantor=members[4], holder=members[3]
    )

    def motion(title: str, **fields):
        return assemblies_voting_services.motion_create(
            actor=staff, assembly=session, title=title, **fields
        )

    closed = assemblies_voting_services.motion_open(actor=staff, motion=motion("Bilancio 2025"))
    assemblies_voting_services.ballot_cast(
        actor=staff, motion=closed, voter=members[5], choice="for", recorded_by_staff=True
    )
    assemblies_voting_services.motion_close(actor=staff, motion=closed)
    secret = assemblies_voting_services.motion_open(
        actor=staff, motion=motion("Elezione", ballot="secret")
    )
    assemblies_voting_services.motion_close(actor=staff, motion=secret)
    opened = assemblies_voting_services.motion_open(actor=staff, motion=motion("Quota associativa"))
    return {
        **book,
        "draft": draft,
        "item": item,
        "convened": convened,
        "session": session,
        "open_motion": opened,
        "draft_motion": motion("Regolamento interno"),
        "closed_motion": closed,
        "secret_motion": secret,
    }


def ids(people) -> dict[str, int]:
    made = make(people)
    return {
        "draft_assembly_id": made["draft"].pk,
        "draft_item_id": made["item"].pk,
        "convened_assembly_id": made["convened"].pk,
        "session_assembly_id": made["session"].pk,
        "open_motion_id": made["open_motion"].pk,
        "draft_motion_id": made["draft_motion"].pk,
        "closed_motion_id": made["closed_motion"].pk,
        "secret_motion_id": made["secret_motion"].pk,
    }
