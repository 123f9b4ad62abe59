"""The consultations rows of the permission matrix (tests/core/coops/test_permissions.py), and the
consultations every consultation test makes (through the services, as staff would).

``ids`` makes, in "alpha":

* ``consultation_id``: a closed, named single-choice consultation for members and residents,
  answered by member1, with its options (``option_id`` is one). Every route is in the matrix
  with it: the pages that change it refuse with a message and send back to the consultation
  (302), the API answers 422 to staff and the board (``API_EXCEPTIONS``); its results are public.
* ``draft_consultation_id`` (with ``draft_option_id``), ``open_consultation_id`` and
  ``members_consultation_id``: the same routes where they succeed — editing a draft and its
  options, opening it, closing an open consultation, answering it.

Object level: answering is for the consultation's audience. A resident answering a members-only
consultation gets **403** (who they are, not what they sent, is the problem: it is no
field error); every other refusal of an answer is a 422 naming the field."""

from __future__ import annotations

from datetime import timedelta

from django.utils import timezone

from comunitas.core.permissions import Action
from comunitas.decisions.consultations import answer_services as consultations_answer_services
from comunitas.decisions.consultations import services as consultations_services
from comunitas.decisions.models.consultations import ConsultationOption

# The routes' ids, and the other consultations' (a row's objects are made when it names one).
PATH_IDS = [
    "consultation_id",
    "option_id",
    "draft_consultation_id",
    "draft_option_id",
    "open_consultation_id",
    "members_consultation_id",
]

OPTIONS = ("Cinema d'autore", "Documentari", "Classici restaurati")


def closing(days: int = 7):
    return timezone.now() + timedelta(days=days)


def slots(n: int = 3, *, days: int = 10) -> list[dict]:
    """Time slots of three hours on following days, from 9 o'clock."""
    start = timezone.localtime(timezone.now() + timedelta(days=days)).replace(
        hour=9, minute=0, second=0, microsecond=0
    )
    return [
        {"starts_at": start + timedelta(days=i), "ends_at": start + timedelta(days=i, hours=3)}
        for i in range(n)
    ]


def make_consultation(coop, actor, *, kind: str = "single_choice", options=OPTIONS, **fields):
    """A draft consultation of ``kind`` (a meeting-time poll gets three slots)."""
    values = {"title": "Quale rassegna per l'autunno?", "kind": kind, "closes_at": closing()}
    values.update(fields)
    if kind == "proposal":
        given: list[dict] = []
    elif kind == "meeting_time":
        given = slots() if options is OPTIONS else list(options)
    else:
        given = [{"label": label} for label in options]
    return consultations_services.consultation_create(
        actor=actor, coop=coop, **values, options=given
    )


def open_consultation(coop, actor, **fields):
    consultation = make_consultation(coop, actor, **fields)
    return consultations_services.consultation_open(actor=actor, consultation=consultation)


def closed_consultation(coop, actor, **fields):
    consultation = open_consultation(coop, actor, **fields)
    return consultations_services.consultation_close(actor=actor, consultation=consultation)


def option_ids(consultation) -> list[int]:
    return list(consultation.options.values_list("pk", flat=True))


# --- forms and bodies ---------------------------------------------------------------------------
CONSULTATION_FORM = {
    "title": "Che cosa proiettiamo in autunno?",
    "description": "La rassegna del giovedì sera, da ottobre a dicembre.",
    "kind": "ranked_choice",
    "audience": "both",
    "closes_at": "2031-10-01T18:00",
    "min_choices": "1",
    "max_choices": "",
    "dots": "10",
    "options_text": "Cinema d'autore\nDocumentari\nClassici restaurati",
}
EDIT_FORM = {key: value for key, value in CONSULTATION_FORM.items() if key != "options_text"}
OPTION_FORM = {"option-label": "Cortometraggi", "option-description": ""}
OUTCOME_FORM = {"outcome": "Il consiglio sceglie la rassegna di cinema d'autore.", "outcome_on": ""}
API_CONSULTATION = {
    "title": "Quando la giornata di lavoro al rifugio?",
    "kind": "single_choice",
    "closes_at": "2031-10-01T18:00:00+02:00",
    "options": [{"label": "Sabato"}, {"label": "Domenica"}],
}
# The first option of the open consultations, at fixed ids, since the bodies name them.
OPEN_CHOICE, MEMBERS_CHOICE = 948_001, 948_002
VOTE_FORM = {"choices": OPEN_CHOICE}
MEMBERS_VOTE_FORM = {"choices": MEMBERS_CHOICE}
API_VOTE = {"choices": [OPEN_CHOICE]}
API_MEMBERS_VOTE = {"choices": [MEMBERS_CHOICE]}

C = "/c/{slug}/consultations"
ONE = f"{C}/{{consultation_id}}"
DRAFT = f"{C}/{{draft_consultation_id}}"
OPEN = f"{C}/{{open_consultation_id}}"
MEMBERS = f"{C}/{{members_consultation_id}}"
MANAGE, VIEW, VOTE = Action.MANAGE_CONSULTATIONS, Action.VIEW_CONSULTATIONS, Action.VOTE

WEB = [
    ("get", f"{C}/", None, VIEW),
    ("get", f"{C}/new/", None, MANAGE),
    ("post", f"{C}/new/", CONSULTATION_FORM, MANAGE),
    ("get", f"{ONE}/", None, VIEW),
    ("get", f"{ONE}/results/", None, VIEW),
    # The closed consultation: each change is refused with a message, back to its page.
    ("post", f"{ONE}/vote/", {"choices": "1"}, VOTE),
    ("get", f"{ONE}/edit/", None, MANAGE),
    ("post", f"{ONE}/edit/", EDIT_FORM, MANAGE),
    ("post", f"{ONE}/options/", OPTION_FORM, MANAGE),
    ("post", f"{ONE}/options/{{option_id}}/remove/", {}, MANAGE),
    ("post", f"{ONE}/open/", {}, MANAGE),
    ("post", f"{ONE}/close/", {}, MANAGE),
    ("get", f"{ONE}/outcome/", None, MANAGE),
    ("post", f"{ONE}/outcome/", OUTCOME_FORM, MANAGE),
    # The same routes where they succeed.
    ("get", f"{DRAFT}/", None, VIEW),  # a draft is staff's and the board's (see below)
    ("get", f"{DRAFT}/edit/", None, MANAGE),
    ("post", f"{DRAFT}/edit/", EDIT_FORM, MANAGE),
    ("post", f"{DRAFT}/options/", OPTION_FORM, MANAGE),
    ("post", f"{DRAFT}/options/{{draft_option_id}}/remove/", {}, MANAGE),
    ("post", f"{DRAFT}/open/", {}, MANAGE),
    ("get", f"{OPEN}/", None, VIEW),
    ("post", f"{OPEN}/vote/", VOTE_FORM, VOTE),
    ("post", f"{OPEN}/close/", {}, MANAGE),
    ("post", f"{MEMBERS}/vote/", MEMBERS_VOTE_FORM, VOTE),
]
# A closed consultation's edit page sends staff back to it; a draft does not exist for the
# others (404, as any object they may not see); a resident is outside a members-only audience.
DRAFT_UNSEEN = {"anonymous": 404, "stranger": 404, "resident": 404, "member": 404}
WEB_EXCEPTIONS = {
    ("get", f"{ONE}/edit/"): {"staff": 302, "admin": 302},
    ("get", f"{DRAFT}/"): DRAFT_UNSEEN,
    ("post", f"{MEMBERS}/vote/"): {"resident": 403},
}

A = "/api/v1/coops/{slug}/consultations"
AONE = f"{A}/{{consultation_id}}"
ADRAFT = f"{A}/{{draft_consultation_id}}"
AOPEN = f"{A}/{{open_consultation_id}}"
AMEMBERS = f"{A}/{{members_consultation_id}}"
API_OPTION = {"label": "Cortometraggi"}
API_OUTCOME = {"outcome": "Si farà la giornata di sabato."}
API = [
    ("get", A, None, VIEW),
    ("post", A, API_CONSULTATION, MANAGE),
    ("get", AONE, None, VIEW),
    ("get", f"{AONE}/results", None, VIEW),
    ("get", f"{AONE}/my-answer", None, VOTE),
    ("post", f"{AONE}/outcome", API_OUTCOME, MANAGE),
    # Refused on the closed consultation (422; see API_EXCEPTIONS) ...
    ("patch", AONE, {"description": "Altro testo."}, MANAGE),
    ("post", f"{AONE}/options", API_OPTION, MANAGE),
    ("patch", f"{AONE}/options/{{option_id}}", API_OPTION, MANAGE),
    ("delete", f"{AONE}/options/{{option_id}}", None, MANAGE),
    ("post", f"{AONE}/open", None, MANAGE),
    ("post", f"{AONE}/close", None, MANAGE),
    ("post", f"{AONE}/vote", {"choices": [1]}, VOTE),
    # ... and accepted where they apply.
    ("patch", ADRAFT, {"description": "Altro testo."}, MANAGE),
    ("post", f"{ADRAFT}/options", API_OPTION, MANAGE),
    ("patch", f"{ADRAFT}/options/{{draft_option_id}}", API_OPTION, MANAGE),
    ("delete", f"{ADRAFT}/options/{{draft_option_id}}", None, MANAGE),
    ("post", f"{ADRAFT}/open", None, MANAGE),
    ("post", f"{AOPEN}/close", None, MANAGE),
    ("post", f"{AOPEN}/vote", API_VOTE, VOTE),
    ("post", f"{AMEMBERS}/vote", API_MEMBERS_VOTE, VOTE),
]
CLOSED = {"staff": 422, "admin": 422}
API_EXCEPTIONS = {
    ("patch", AONE): CLOSED,
    ("post", f"{AONE}/options"): CLOSED,
    ("patch", f"{AONE}/options/{{option_id}}"): CLOSED,
    ("delete", f"{AONE}/options/{{option_id}}"): CLOSED,
    ("post", f"{AONE}/open"): CLOSED,
    ("post", f"{AONE}/close"): CLOSED,
    ("post", f"{AONE}/vote"): {"resident": 422, "member": 422, **CLOSED},
    ("post", f"{AMEMBERS}/vote"): {"resident": 403},
}


def ids(people) -> dict[str, int]:
    coop, staff = people["coop"], people["staff"]
    closed = open_consultation(coop, staff, title="Matrix: closed")
    consultations_answer_services.consultation_answer(
        actor=people["member"], consultation=closed, choices=[option_ids(closed)[0]]
    )
    closed = consultations_services.consultation_close(actor=staff, consultation=closed)
    draft = make_consultation(coop, staff, title="Matrix: draft")
    opened = open_consultation(coop, staff, title="Matrix: open to everyone")
    members = open_consultation(coop, staff, title="Matrix: members only", audience="members")
    for consultation, pk in ((opened, OPEN_CHOICE), (members, MEMBERS_CHOICE)):
        ConsultationOption.objects.filter(pk=option_ids(consultation)[0]).update(id=pk)
    return {
        "consultation_id": closed.pk,
        "option_id": option_ids(closed)[0],
        "draft_consultation_id": draft.pk,
        "draft_option_id": option_ids(draft)[0],
        "open_consultation_id": opened.pk,
        "members_consultation_id": members.pk,
    }
