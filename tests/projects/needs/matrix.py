"""The needs', proposals' and coverage pages' rows of the permission matrix
(tests/core/coops/test_permissions.py), web only (the API has its own rows).

``ids`` makes, in "alpha": a need taken down on paper (nobody's, so every role may support it)
and a second one to merge it into, with fixed ids because the proposal and merge bodies name
them; and member1's proposal answering the first, still collecting supports. Every POST body is
valid for every allowed caller, so they get their 302. Object level: only the proposer or the
operators change a proposal, only the proposer withdraws it (403 for the others)."""

from __future__ import annotations

from comunitas.core.permissions import Action
from comunitas.projects.models import Channel, Need
from tests.helpers import make_proposal

PATH_IDS = ["need_id", "proposal_id"]
NEED_ID, TARGET_ID = 930_001, 930_002

NEED_FORM = {
    "category": "mobility",
    "title": "Nessun autobus la domenica",
    "description": "La domenica non passa nessun autobus per la valle.",
    "municipality": "Mendatica (IM)",
    "locality": "Valcona",
    "age_groups": ["elderly", "young"],
    "people_affected": "80",
    "urgency": "medium",
}
STATUS_FORM = {"status-status": "under_review", "status-reason": "The board looks into it."}
MERGE_FORM = {"merge-into": TARGET_ID}
PROPOSAL_FORM = {
    "title": "Un pulmino di comunità",
    "needs": [NEED_ID],
    "description": "Un pulmino guidato da volontari, la domenica mattina.",
    "resource": "",
    "estimated_costs": "4000.00",
    "estimated_revenues": "1500.00",
    "volunteers_needed": "4",
}
COMMENT_FORM = {"comment-text": "Posso guidare io il primo mese."}
DECISION_FORM = {"decision-decision": "changes", "decision-reason": "Say who insures the van."}

# The proposal is member1's: the resident may not change it; only member1 withdraws it.
NOT_THE_PROPOSER = {"resident": 403}
ONLY_THE_PROPOSER = {"resident": 403, "staff": 403, "admin": 403}

N = "/c/{slug}/needs"
PR = "/c/{slug}/proposals"
WEB = [
    ("get", f"{N}/", None, Action.VIEW_NEEDS),
    ("get", f"{N}/new/", None, Action.PARTICIPATE),
    ("post", f"{N}/new/", NEED_FORM, Action.PARTICIPATE),
    ("get", f"{N}/{{need_id}}/", None, Action.VIEW_NEEDS),
    ("get", f"{N}/{{need_id}}/edit/", None, Action.MANAGE_NEEDS),
    ("post", f"{N}/{{need_id}}/edit/", NEED_FORM, Action.MANAGE_NEEDS),
    ("post", f"{N}/{{need_id}}/support/", {}, Action.PARTICIPATE),
    # Nobody supports it yet: a message says so, and the answer is still the redirect back.
    ("post", f"{N}/{{need_id}}/unsupport/", {}, Action.PARTICIPATE),
    ("post", f"{N}/{{need_id}}/status/", STATUS_FORM, Action.MANAGE_NEEDS),
    ("post", f"{N}/{{need_id}}/merge/", MERGE_FORM, Action.MANAGE_NEEDS),
    ("get", "/c/{slug}/coverage/", None, Action.VIEW_NEEDS),
    ("get", f"{PR}/", None, Action.VIEW_NEEDS),
    ("get", f"{PR}/new/", None, Action.PARTICIPATE),
    ("post", f"{PR}/new/", PROPOSAL_FORM, Action.PARTICIPATE),
    ("get", f"{PR}/{{proposal_id}}/", None, Action.VIEW_NEEDS),
    ("get", f"{PR}/{{proposal_id}}/edit/", None, Action.PARTICIPATE),
    ("post", f"{PR}/{{proposal_id}}/edit/", PROPOSAL_FORM, Action.PARTICIPATE),
    ("post", f"{PR}/{{proposal_id}}/support/", {}, Action.PARTICIPATE),
    ("post", f"{PR}/{{proposal_id}}/unsupport/", {}, Action.PARTICIPATE),
    ("post", f"{PR}/{{proposal_id}}/comments/", COMMENT_FORM, Action.PARTICIPATE),
    ("post", f"{PR}/{{proposal_id}}/withdraw/", {}, Action.PARTICIPATE),
    ("post", f"{PR}/{{proposal_id}}/decide/", DECISION_FORM, Action.DECIDE_PROPOSALS),
]
WEB_EXCEPTIONS = {
    ("get", f"{PR}/{{proposal_id}}/edit/"): NOT_THE_PROPOSER,
    ("post", f"{PR}/{{proposal_id}}/edit/"): NOT_THE_PROPOSER,
    ("post", f"{PR}/{{proposal_id}}/withdraw/"): ONLY_THE_PROPOSER,
}
API: list = []


def ids(people) -> dict[str, int]:
    coop = people["coop"]
    values = {
        "coop": coop,
        "category": "mobility",
        "description": "Manca un collegamento con il paese a valle.",
        "channel": Channel.PAPER,
    }
    need = Need.objects.create(pk=NEED_ID, title="Nessun autobus per la valle", **values)
    Need.objects.create(pk=TARGET_ID, title="Niente trasporti per gli anziani", **values)
    proposal = make_proposal(coop, people["member"], [need])
    return {"need_id": need.pk, "proposal_id": proposal.pk}
