"""API of assemblies: drafts and their agenda, the convocation and its notice, the minutes and the
minute book; and what the other parts of the API share: a service's errors under the body's field
names, and the assembly as data (agenda, motions with their results, the live quorum, the
caller's ballots). The session's endpoints are in ``session_api``, the motions' and ballots' in
``voting_api``. What the path names is found by the selectors (``assembly_visible``: a draft
exists only for the operators, 404 to anyone else) through ``core.lookups.or_404``.

The same rules as the pages (``views``), action by action: members (admin, staff, member) read
convened and past assemblies, results once a vote is closed, signed minutes and the minute book;
draft minutes are the operators'. Parsing here, rules in ``services``."""

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from django.http import HttpResponse
from django.utils.translation import gettext as _
from ninja import Query, Router, Status
from ninja.pagination import paginate

from comunitas.core.endpoints import Pagination, answers, plain_values
from comunitas.core.errors import FieldError, ValidationError
from comunitas.core.lookups import or_404
from comunitas.core.models import Cooperative
from comunitas.core.permissions import Action, can, coop_for
from comunitas.decisions.assemblies import documents, rules, selectors, services, voting_services
from comunitas.decisions.assemblies.schemas import (
    AgendaItemIn,
    AgendaItemOut,
    AgendaItemPatch,
    AssemblyCancelIn,
    AssemblyIn,
    AssemblyItem,
    AssemblyOut,
    AssemblyPatch,
    AssemblyQuery,
    MinuteBookItem,
    MinutesOut,
    MinutesPatch,
)
from comunitas.decisions.models import AgendaItem, Assembly, AssemblyStatus, Minutes, Motion
from comunitas.members.models import Member
from comunitas.projects.models import Project, Proposal

router = Router()
BASE = "/coops/{slug}"
ASSEMBLIES = f"{BASE}/assemblies"
ONE = f"{ASSEMBLIES}/{{int:assembly_id}}"
ITEM = f"{ONE}/agenda/{{int:item_id}}"
TAGS = ["assemblies"]
MINUTES_TAGS = ["minutes"]
IN_PLAY = (AssemblyStatus.OPEN, AssemblyStatus.CLOSED)

BINARY = {"schema": {"type": "string", "format": "binary"}}


def pdf_answer(description: str) -> dict:
    return {
        "responses": {200: {"description": description, "content": {"application/pdf": BINARY}}}
    }


# --- what the other parts share -----------------------------------------------------------------
def _operator(request, coop: Cooperative) -> bool:
    return can(request.auth, coop, Action.MANAGE_ASSEMBLIES)


@contextmanager
def fields_named(names: dict[str, str]) -> Iterator[None]:
    """A service's errors under the names the body gives its fields (``member`` → ``number``)."""
    try:
        yield
    except ValidationError as exc:
        raise ValidationError(
            errors=[FieldError(names.get(e.field or "", e.field), e.message) for e in exc.errors]
        ) from None


def _linked(coop: Cooperative, model, pk: int | None, field: str):
    if pk is None:
        return None
    found = model.objects.filter(coop=coop, pk=pk).first()
    if found is None:
        raise ValidationError(_("Choose one of this cooperative's."), field=field)
    return found


def _agenda_fields(coop: Cooperative, values: dict[str, Any]) -> dict[str, Any]:
    fields = dict(values)
    if "proposal_id" in fields:
        fields["proposal"] = _linked(coop, Proposal, fields.pop("proposal_id"), "proposal_id")
    if "project_id" in fields:
        fields["project"] = _linked(coop, Project, fields.pop("project_id"), "project_id")
    return fields


# --- shapes -------------------------------------------------------------------------------------
def votes_out(units: int, denominator: int) -> dict[str, Any]:
    return {"units": units, "votes": selectors.votes_text(units, denominator)}


def member_ref(member: Member | None) -> dict[str, Any] | None:
    if member is None:
        return None
    return {"member_id": member.pk, "number": member.number, "name": member.display_name}


def result_out(motion: Motion) -> dict[str, Any]:
    """The tally as the selector gives it: hidden (turnout only) until the vote is closed; no
    query for a resolution, none for an election's prefetched candidates."""
    tally = selectors.tally(motion=motion)
    assembly = motion.assembly
    d = assembly.vote_denominator
    out: dict[str, Any] = {
        "motion_id": motion.pk,
        "status": motion.status,
        "ballot": motion.ballot,
        "hidden": tally.hidden,
        "voters": tally.voters,
        "vote_denominator": d,
        "quorum_met": tally.quorum_met,
        "passed": tally.passed,
        "candidates": [],
    }
    figures = ("votes_for", "votes_against", "votes_abstain", "votes_cast", "base")
    moments = ("present_at_open", "present_at_close")
    if tally.hidden:
        return {**out, **dict.fromkeys((*figures, *moments))}
    ids = {c.name: c.pk for c in motion.candidates.all()}
    return {
        **out,
        "votes_for": votes_out(motion.for_units, d),
        "votes_against": votes_out(motion.against_units, d),
        "votes_abstain": votes_out(motion.abstain_units, d),
        "votes_cast": votes_out(motion.cast_units, d),
        "base": votes_out(rules.majority_base_units(motion, assembly), d),
        "present_at_open": votes_out(motion.present_units_at_open, d),
        "present_at_close": votes_out(motion.present_units_at_close, d),
        "candidates": [
            {
                "id": ids[c.name],
                "name": c.name,
                "units": c.units,
                "votes": c.votes,
                "elected": c.elected,
            }
            for c in tally.candidates
        ],
    }


MOTION_ATTRIBUTES = [
    "id",
    "position",
    "agenda_item_id",
    *voting_services.MOTION_TERMS,
    "status",
    "opened_at",
    "closed_at",
]


def motion_out(motion: Motion) -> dict[str, Any]:
    """A motion with its candidates (never their running votes) and its result."""
    return {
        **{name: getattr(motion, name) for name in MOTION_ATTRIBUTES},
        "majority_text": selectors.majority_text(motion),
        "candidates": [
            {"id": c.pk, "name": c.name, "position": c.position} for c in motion.candidates.all()
        ],
        "result": result_out(motion),
    }


def quorum_out(assembly: Assembly) -> dict[str, Any]:
    quorum = selectors.quorum(assembly=assembly)
    d = quorum.denominator
    return {
        "call": assembly.call or None,
        "percent": quorum.percent,
        "vote_denominator": d,
        "total": votes_out(quorum.total_units, d),
        "present": votes_out(quorum.present_units, d),
        "in_person": votes_out(quorum.in_person_units, d),
        "by_proxy": votes_out(quorum.proxy_units, d),
        "threshold_units": str(quorum.threshold_units),
        "threshold_votes": quorum.threshold_display,
        "present_percent": quorum.present_percent,
        "attendees": quorum.attendees,
        "proxies": quorum.proxies,
        "met": quorum.met,
    }


def _me(mine: selectors.MyBallots, motions: list[Motion]) -> dict[str, Any]:
    return {
        "member": member_ref(mine.member),
        "present": mine.present,
        "on_roll": mine.on_roll,
        "problem": mine.problem,
        "represented": [member_ref(m) for m in mine.represented],
        "pending": [
            {"motion_id": m.pk, "voters": [member_ref(v) for v in mine.pending(m)]}
            for m in motions
            if m.is_open
        ],
    }


def assembly_out(request, coop: Cooperative, assembly: Assembly) -> dict[str, Any]:
    """The assembly's page as data: agenda, motions with their results, the live quorum once
    in session, the minutes' state and what the caller may vote. A constant number of queries."""
    motions = selectors.assembly_motions(assembly=assembly)
    mine = selectors.my_ballots(assembly=assembly, user=request.auth, motions=motions)
    minutes = Minutes.objects.filter(assembly=assembly).only("status", "number").first()
    if minutes is not None and not minutes.is_signed and not _operator(request, coop):
        minutes = None
    return {
        **{
            name: getattr(assembly, name)
            for name in (
                "id",
                "kind",
                "title",
                "status",
                "first_call_at",
                "second_call_at",
                "held_at",
                "place",
                "online_url",
                "synthetic",
                "notes",
                "convened_at",
                "notice_days",
                "opened_at",
                "closed_at",
                "cancelled_reason",
                "vote_denominator",
            )
        },
        "call": assembly.call or None,
        "motion_count": len(motions),
        "passed_count": sum(1 for m in motions if m.passed),
        "total": votes_out(assembly.total_units, assembly.vote_denominator),
        "agenda": selectors.assembly_agenda(assembly=assembly),
        "motions": [motion_out(m) for m in motions],
        "quorum": quorum_out(assembly) if assembly.status in IN_PLAY else None,
        "minutes": None
        if minutes is None
        else {"status": minutes.status, "number": minutes.number},
        "me": _me(mine, motions),
    }


def detail_out(request, coop: Cooperative, assembly_id: int) -> dict[str, Any]:
    assembly = or_404(selectors.assembly_visible, coop=coop, pk=assembly_id, user=request.auth)
    return assembly_out(request, coop, assembly)


def _minutes_out(minutes: Minutes) -> dict[str, Any]:
    return {
        **{
            name: getattr(minutes, name)
            for name in (
                "assembly_id",
                "number",
                "status",
                "narrative",
                "chair_name",
                "chair_role",
                "secretary_name",
                "secretary_role",
                "signed_at",
                "updated_at",
            )
        },
        "record_html": str(documents.minutes_html(minutes=minutes)),
    }


def _pdf(content: bytes, name: str) -> HttpResponse:
    response = HttpResponse(content, content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="{name}"'
    return response


# --- assemblies ---------------------------------------------------------------------------------
@router.get(ASSEMBLIES, response=answers(200, list[AssemblyItem]), tags=TAGS)
@paginate(Pagination)
def assembly_list(request, slug: str, filters: Query[AssemblyQuery]):
    """Assemblies, the latest first, with how many motions each has and how many passed; by
    ``status``. Drafts are listed to operators only. Four queries (the cooperative, the
    caller's roles, the count, the page), whatever the number of assemblies."""
    coop = coop_for(request.auth, slug, Action.VIEW_ASSEMBLIES)
    found = selectors.assembly_list(
        coop=coop, status=filters.status.value if filters.status else ""
    )
    if not _operator(request, coop):
        found = found.exclude(status=AssemblyStatus.DRAFT)
    return found


@router.post(ASSEMBLIES, response=answers(201, AssemblyOut), tags=TAGS)
def assembly_create(request, slug: str, payload: AssemblyIn):
    """Draft an assembly (nobody is told yet): write its agenda, then convene it."""
    coop = coop_for(request.auth, slug, Action.MANAGE_ASSEMBLIES)
    assembly = services.assembly_create(
        actor=request.auth, coop=coop, **plain_values(payload.dict())
    )
    return Status(201, detail_out(request, coop, assembly.pk))


@router.get(ONE, response=answers(200, AssemblyOut), tags=TAGS)
def assembly_get(request, slug: str, assembly_id: int):
    """The agenda, each motion with its result (hidden while its vote is open), the live quorum
    once in session, the minutes' state, and ``me``: whom the caller may still vote for."""
    coop = coop_for(request.auth, slug, Action.VIEW_ASSEMBLIES)
    return detail_out(request, coop, assembly_id)


@router.patch(ONE, response=answers(200, AssemblyOut), tags=TAGS)
def assembly_update(request, slug: str, assembly_id: int, payload: AssemblyPatch):
    """Change a draft; once convened the notice has gone out: cancel and convene a new one."""
    coop = coop_for(request.auth, slug, Action.MANAGE_ASSEMBLIES)
    services.assembly_update(
        actor=request.auth,
        assembly=or_404(selectors.assembly_visible, coop=coop, pk=assembly_id, user=request.auth),
        fields=plain_values(payload.dict(exclude_unset=True)),
    )
    return detail_out(request, coop, assembly_id)


@router.post(f"{ONE}/agenda", response=answers(201, AgendaItemOut), tags=TAGS)
def agenda_add(request, slug: str, assembly_id: int, payload: AgendaItemIn):
    """A point at the end of a draft's agenda (ordine del giorno)."""
    coop = coop_for(request.auth, slug, Action.MANAGE_ASSEMBLIES)
    assembly = or_404(selectors.assembly_visible, coop=coop, pk=assembly_id, user=request.auth)
    with fields_named({"proposal": "proposal_id", "project": "project_id"}):
        item = services.agenda_item_add(
            actor=request.auth, assembly=assembly, **_agenda_fields(coop, payload.dict())
        )
    return Status(201, item)


def _item(request, coop: Cooperative, assembly_id: int, item_id: int) -> AgendaItem:
    assembly = or_404(selectors.assembly_visible, coop=coop, pk=assembly_id, user=request.auth)
    return or_404(selectors.agenda_item_get, assembly=assembly, pk=item_id)


@router.patch(ITEM, response=answers(200, AgendaItemOut), tags=TAGS)
def agenda_update(request, slug: str, assembly_id: int, item_id: int, payload: AgendaItemPatch):
    coop = coop_for(request.auth, slug, Action.MANAGE_ASSEMBLIES)
    item = _item(request, coop, assembly_id, item_id)
    with fields_named({"proposal": "proposal_id", "project": "project_id"}):
        return services.agenda_item_update(
            actor=request.auth,
            item=item,
            fields=_agenda_fields(coop, payload.dict(exclude_unset=True)),
        )


@router.delete(ITEM, response=answers(204, None), tags=TAGS)
def agenda_remove(request, slug: str, assembly_id: int, item_id: int):
    """Remove a point from a draft's agenda; the points after it move up."""
    coop = coop_for(request.auth, slug, Action.MANAGE_ASSEMBLIES)
    services.agenda_item_remove(actor=request.auth, item=_item(request, coop, assembly_id, item_id))
    return Status(204, None)


@router.post(f"{ONE}/convene", response=answers(200, AssemblyOut), tags=TAGS)
def assembly_convene(request, slug: str, assembly_id: int):
    """The board convenes the assembly: every current member is sent the notice (by e-mail, or
    printed for the post); refused when the first call is nearer than the statute's notice."""
    coop = coop_for(request.auth, slug, Action.CONVENE_ASSEMBLIES)
    services.assembly_convene(
        actor=request.auth,
        assembly=or_404(selectors.assembly_visible, coop=coop, pk=assembly_id, user=request.auth),
    )
    return detail_out(request, coop, assembly_id)


@router.post(f"{ONE}/cancel", response=answers(200, AssemblyOut), tags=TAGS)
def assembly_cancel(request, slug: str, assembly_id: int, payload: AssemblyCancelIn):
    """The board cancels an assembly not yet in session, saying why (members notified are told)."""
    coop = coop_for(request.auth, slug, Action.CONVENE_ASSEMBLIES)
    services.assembly_cancel(
        actor=request.auth,
        assembly=or_404(selectors.assembly_visible, coop=coop, pk=assembly_id, user=request.auth),
        reason=payload.reason,
    )
    return detail_out(request, coop, assembly_id)


@router.get(
    f"{ONE}/notice.pdf",
    response=answers(200, None),
    tags=TAGS,
    openapi_extra=pdf_answer("The convocation notice (avviso di convocazione) as PDF"),
)
def assembly_notice_pdf(request, slug: str, assembly_id: int):
    """The convocation notice as it is printed for members without an e-mail address."""
    coop = coop_for(request.auth, slug, Action.VIEW_ASSEMBLIES)
    assembly = or_404(selectors.assembly_visible, coop=coop, pk=assembly_id, user=request.auth)
    return _pdf(documents.notice_pdf(assembly=assembly), f"convocazione-{assembly.pk}.pdf")


# --- minutes ------------------------------------------------------------------------------------
def _minutes(request, slug: str, action: Action, assembly_id: int) -> Minutes:
    """The minutes of the path's assembly, for a caller allowed ``action`` (``minutes_visible``)."""
    coop = coop_for(request.auth, slug, action)
    return or_404(selectors.minutes_visible, coop=coop, assembly_id=assembly_id, user=request.auth)


@router.get(f"{BASE}/minutes", response=answers(200, list[MinuteBookItem]), tags=MINUTES_TAGS)
@paginate(Pagination)
def minute_book(request, slug: str):
    """The minute book (libro delle adunanze, art. 2421 c.c.): signed minutes, newest first."""
    coop = coop_for(request.auth, slug, Action.VIEW_ASSEMBLIES)
    return selectors.minute_book(coop=coop)


@router.get(f"{ONE}/minutes", response=answers(200, MinutesOut), tags=MINUTES_TAGS)
def minutes_get(request, slug: str, assembly_id: int):
    """The minutes of a closed assembly: the record (frozen once signed), the narrative and the
    signatures. Members read them once signed; drafts are the operators'."""
    minutes = _minutes(request, slug, Action.VIEW_ASSEMBLIES, assembly_id)
    return _minutes_out(minutes)


@router.patch(f"{ONE}/minutes", response=answers(200, MinutesOut), tags=MINUTES_TAGS)
def minutes_update(request, slug: str, assembly_id: int, payload: MinutesPatch):
    """Write the narrative and who signs; signed minutes cannot change."""
    minutes = _minutes(request, slug, Action.MANAGE_ASSEMBLIES, assembly_id)
    updated = services.minutes_update(
        actor=request.auth, minutes=minutes, fields=payload.dict(exclude_unset=True)
    )
    updated.assembly = minutes.assembly
    return _minutes_out(updated)


@router.post(f"{ONE}/minutes/sign", response=answers(200, MinutesOut), tags=MINUTES_TAGS)
def minutes_sign(request, slug: str, assembly_id: int):
    """The board signs the minutes: they take the next number of the minute book."""
    minutes = _minutes(request, slug, Action.CONVENE_ASSEMBLIES, assembly_id)
    signed = services.minutes_sign(actor=request.auth, minutes=minutes)
    signed.assembly = minutes.assembly
    return _minutes_out(signed)


@router.get(
    f"{ONE}/minutes.pdf",
    response=answers(200, None),
    tags=MINUTES_TAGS,
    openapi_extra=pdf_answer("The minutes (verbale) as PDF, signed or in draft"),
)
def minutes_pdf(request, slug: str, assembly_id: int):
    minutes = _minutes(request, slug, Action.VIEW_ASSEMBLIES, assembly_id)
    name = f"verbale-{minutes.number}" if minutes.number else f"verbale-bozza-{assembly_id}"
    return _pdf(documents.minutes_pdf(minutes=minutes), f"{name}-{minutes.coop.slug}.pdf")
