"""API of assemblies: drafts and their agenda, the convocation and its notice, the session (the
voters' roll, attendance, proxies, the live quorum), motions, ballots and results, the minutes
and the minute book.

The same rules as the pages (``assembly_views``), action by action: members (admin, staff,
member) read convened and past assemblies, the quorum, results once a vote is closed, signed
minutes and the minute book; a draft assembly, and draft minutes, exist only for the operators
(404 to anyone else); members' names (the roll, attendance, proxies) are shown to operators
only. Anyone with a role may try to vote or to join online: the services decide (on the roll,
present, holding the proxy), and refuse with a 422. Members are named in bodies by their
register number, looked up within the cooperative. A secret ballot is never told apart by
voter: receipts say who voted, results are totals, and the named votes of an open ballot are
listed only once its vote is closed. Parsing here, rules in ``assembly_services``."""

from collections.abc import Iterator
from contextlib import contextmanager
from fractions import Fraction
from typing import Any

from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404
from django.utils.translation import gettext as _
from ninja import Query, Router, Status
from ninja.pagination import paginate

from comunitas.core.endpoints import Pagination, answers
from comunitas.core.errors import FieldError, ValidationError
from comunitas.core.models import Cooperative
from comunitas.core.permissions import Action, can, coop_for
from comunitas.core.versions import coop_access
from comunitas.decisions import assembly_cache
from comunitas.decisions import assembly_documents as documents
from comunitas.decisions import assembly_selectors as selectors
from comunitas.decisions import assembly_services as services
from comunitas.decisions.assembly_forms import member_by_number
from comunitas.decisions.assembly_schemas import (
    AgendaItemIn,
    AgendaItemOut,
    AgendaItemPatch,
    AssemblyAttendanceIn,
    AssemblyAttendanceOut,
    AssemblyBallotIn,
    AssemblyBallotReceipt,
    AssemblyCancelIn,
    AssemblyIn,
    AssemblyItem,
    AssemblyOpenIn,
    AssemblyOut,
    AssemblyPatch,
    AssemblyQuery,
    AssemblyQuorumOut,
    MinuteBookItem,
    MinutesOut,
    MinutesPatch,
    MotionIn,
    MotionOut,
    MotionPatch,
    MotionResultOut,
    MyBallotsOut,
    OpenVoteOut,
    ProxyIn,
    ProxyOut,
    ProxyRevokeIn,
    RecordedVoteIn,
    RollVoterOut,
)
from comunitas.decisions.models import (
    Assembly,
    AssemblyStatus,
    Attendance,
    BallotKind,
    Minutes,
    Motion,
    Proxy,
    RollEntry,
    Vote,
)
from comunitas.members.book.selectors import eligible_voters
from comunitas.members.models import Member
from comunitas.projects.models import Project, Proposal
from comunitas.projects.needs.api import Shaped

router = Router()
BASE = "/coops/{slug}"
ASSEMBLIES = f"{BASE}/assemblies"
ONE = f"{ASSEMBLIES}/{{int:assembly_id}}"
ITEM = f"{ONE}/agenda/{{int:item_id}}"
MOTION = f"{ONE}/motions/{{int:motion_id}}"
TAGS = ["assemblies"]
MINUTES_TAGS = ["minutes"]
IN_PLAY = (AssemblyStatus.OPEN, AssemblyStatus.CLOSED)

BINARY = {"schema": {"type": "string", "format": "binary"}}


def pdf_answer(description: str) -> dict:
    return {
        "responses": {200: {"description": description, "content": {"application/pdf": BINARY}}}
    }


# --- lookups ------------------------------------------------------------------------------------
def _operator(request, coop: Cooperative) -> bool:
    return can(request.auth, coop, Action.MANAGE_ASSEMBLIES)


def _assembly(request, coop: Cooperative, assembly_id: int) -> Assembly:
    """An assembly of this cooperative; a draft only for the operators (as the pages)."""
    try:
        assembly = selectors.assembly_get(coop=coop, pk=assembly_id)
    except Assembly.DoesNotExist:
        raise Http404 from None
    if assembly.status == AssemblyStatus.DRAFT and not _operator(request, coop):
        raise Http404
    return assembly


def _motion(assembly: Assembly, motion_id: int) -> Motion:
    try:
        motion = selectors.motion_get(assembly=assembly, pk=motion_id)
    except Motion.DoesNotExist:
        raise Http404 from None
    motion.assembly = assembly  # the one already read, with the caller's checks
    return motion


def _minutes(request, coop: Cooperative, assembly_id: int) -> Minutes:
    """The minutes of an assembly; members see them once signed, operators also in draft."""
    assembly = _assembly(request, coop, assembly_id)
    minutes = Minutes.objects.filter(assembly=assembly).select_related("coop__seat").first()
    if minutes is None or (not minutes.is_signed and not _operator(request, coop)):
        raise Http404
    minutes.assembly = assembly
    return minutes


@contextmanager
def fields_named(names: dict[str, str]) -> Iterator[None]:
    """A service's errors under the names the body gives its fields (``member`` → ``number``)."""
    try:
        yield
    except ValidationError as exc:
        raise ValidationError(
            errors=[FieldError(names.get(e.field or "", e.field), e.message) for e in exc.errors]
        ) from None


def _plain(values: dict[str, Any]) -> dict[str, Any]:
    """Enum members as their values, as the services and the database expect."""
    return {k: (v.value if hasattr(v, "value") else v) for k, v in values.items()}


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


def _motion_fields(assembly: Assembly, values: dict[str, Any]) -> dict[str, Any]:
    fields = _plain(values)
    fields.pop("candidates", None)
    if "agenda_item_id" in fields:
        pk = fields.pop("agenda_item_id")
        item = None if pk is None else assembly.agenda.filter(pk=pk).first()
        if pk is not None and item is None:
            raise ValidationError(
                _("Choose an item of this assembly's agenda."), field="agenda_item_id"
            )
        fields["agenda_item"] = item
    return fields


# --- shapes -------------------------------------------------------------------------------------
def _votes(units: int, denominator: int) -> dict[str, Any]:
    return {"units": units, "votes": selectors.votes_text(units, denominator)}


def _ref(member: Member | None) -> dict[str, Any] | None:
    if member is None:
        return None
    return {"member_id": member.pk, "number": member.number, "name": member.display_name}


def _result(motion: Motion) -> dict[str, Any]:
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
        "votes_for": _votes(motion.for_units, d),
        "votes_against": _votes(motion.against_units, d),
        "votes_abstain": _votes(motion.abstain_units, d),
        "votes_cast": _votes(motion.cast_units, d),
        "base": _votes(services.majority_base_units(motion, assembly), d),
        "present_at_open": _votes(motion.present_units_at_open, d),
        "present_at_close": _votes(motion.present_units_at_close, d),
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
    "title",
    "text",
    "kind",
    "ballot",
    "majority",
    "majority_base",
    "qualified_numerator",
    "qualified_denominator",
    "seats",
    "status",
    "opened_at",
    "closed_at",
]


def _motion_out(motion: Motion) -> dict[str, Any]:
    """A motion with its candidates (never their running votes) and its result."""
    return {
        **{name: getattr(motion, name) for name in MOTION_ATTRIBUTES},
        "majority_text": selectors.majority_text(motion),
        "candidates": [
            {"id": c.pk, "name": c.name, "position": c.position} for c in motion.candidates.all()
        ],
        "result": _result(motion),
    }


def _quorum(assembly: Assembly) -> dict[str, Any]:
    quorum = selectors.quorum(assembly=assembly)
    d = quorum.denominator
    return {
        "call": assembly.call or None,
        "percent": quorum.percent,
        "vote_denominator": d,
        "total": _votes(quorum.total_units, d),
        "present": _votes(quorum.present_units, d),
        "in_person": _votes(quorum.in_person_units, d),
        "by_proxy": _votes(quorum.proxy_units, d),
        "threshold_units": str(quorum.threshold_units),
        "threshold_votes": quorum.threshold_display,
        "present_percent": quorum.present_percent,
        "attendees": quorum.attendees,
        "proxies": quorum.proxies,
        "met": quorum.met,
    }


def _me(mine: selectors.MyBallots, motions: list[Motion]) -> dict[str, Any]:
    return {
        "member": _ref(mine.member),
        "present": mine.present,
        "on_roll": mine.on_roll,
        "problem": mine.problem,
        "represented": [_ref(m) for m in mine.represented],
        "pending": [
            {"motion_id": m.pk, "voters": [_ref(v) for v in mine.pending(m)]}
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
        "total": _votes(assembly.total_units, assembly.vote_denominator),
        "agenda": selectors.assembly_agenda(assembly=assembly),
        "motions": [_motion_out(m) for m in motions],
        "quorum": _quorum(assembly) if assembly.status in IN_PLAY else None,
        "minutes": None
        if minutes is None
        else {"status": minutes.status, "number": minutes.number},
        "me": _me(mine, motions),
    }


def _detail(request, coop: Cooperative, assembly_id: int) -> dict[str, Any]:
    return assembly_out(request, coop, _assembly(request, coop, assembly_id))


def _attendance(attendance: Attendance, units: int | None, denominator: int) -> dict[str, Any]:
    return {
        "id": attendance.pk,
        "member": _ref(attendance.member),
        "mode": attendance.mode,
        "arrived_at": attendance.arrived_at,
        "left_at": attendance.left_at,
        "present": attendance.is_present,
        "own_votes": None if units is None else _votes(units, denominator),
    }


def _attendance_of(attendance: Attendance) -> dict[str, Any]:
    assembly = attendance.assembly
    units = (
        RollEntry.objects.filter(assembly=assembly, member_id=attendance.member_id)
        .values_list("units", flat=True)
        .first()
    )
    return _attendance(attendance, units, assembly.vote_denominator)


def _proxy(proxy: Proxy) -> dict[str, Any]:
    return {
        "id": proxy.pk,
        "grantor": _ref(proxy.grantor),
        "holder": _ref(proxy.holder),
        "reference": proxy.reference,
        "registered_at": proxy.registered_at,
        "active": proxy.is_active,
        "revoked_at": proxy.revoked_at,
        "revoked_reason": proxy.revoked_reason,
    }


def _receipt(vote: Vote, motion: Motion) -> dict[str, Any]:
    # Who voted and when: the choice is not echoed, whatever the ballot.
    return {
        "motion_id": motion.pk,
        "voter": _ref(vote.voter),
        "by_proxy": _ref(vote.by_proxy),
        "recorded_by_staff": vote.recorded_by_id is not None,
        "cast_at": vote.cast_at,
        "secret": motion.ballot == BallotKind.SECRET,
    }


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
        actor=request.auth, coop=coop, fields=_plain(payload.dict())
    )
    return Status(201, _detail(request, coop, assembly.pk))


@router.get(ONE, response=answers(200, AssemblyOut), tags=TAGS)
def assembly_get(request, slug: str, assembly_id: int):
    """The agenda, each motion with its result (hidden while its vote is open), the live quorum
    once in session, the minutes' state, and ``me``: whom the caller may still vote for."""
    coop = coop_for(request.auth, slug, Action.VIEW_ASSEMBLIES)
    return _detail(request, coop, assembly_id)


@router.patch(ONE, response=answers(200, AssemblyOut), tags=TAGS)
def assembly_update(request, slug: str, assembly_id: int, payload: AssemblyPatch):
    """Change a draft; once convened the notice has gone out: cancel and convene a new one."""
    coop = coop_for(request.auth, slug, Action.MANAGE_ASSEMBLIES)
    services.assembly_update(
        actor=request.auth,
        assembly=_assembly(request, coop, assembly_id),
        fields=_plain(payload.dict(exclude_unset=True)),
    )
    return _detail(request, coop, assembly_id)


@router.post(f"{ONE}/agenda", response=answers(201, AgendaItemOut), tags=TAGS)
def agenda_add(request, slug: str, assembly_id: int, payload: AgendaItemIn):
    """A point at the end of a draft's agenda (ordine del giorno)."""
    coop = coop_for(request.auth, slug, Action.MANAGE_ASSEMBLIES)
    assembly = _assembly(request, coop, assembly_id)
    with fields_named({"proposal": "proposal_id", "project": "project_id"}):
        item = services.agenda_item_add(
            actor=request.auth, assembly=assembly, fields=_agenda_fields(coop, payload.dict())
        )
    return Status(201, item)


def _item(request, coop: Cooperative, assembly_id: int, item_id: int):
    assembly = _assembly(request, coop, assembly_id)
    return get_object_or_404(assembly.agenda.select_related("assembly"), pk=item_id)


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
    services.assembly_convene(actor=request.auth, assembly=_assembly(request, coop, assembly_id))
    return _detail(request, coop, assembly_id)


@router.post(f"{ONE}/cancel", response=answers(200, AssemblyOut), tags=TAGS)
def assembly_cancel(request, slug: str, assembly_id: int, payload: AssemblyCancelIn):
    """The board cancels an assembly not yet in session, saying why (members notified are told)."""
    coop = coop_for(request.auth, slug, Action.CONVENE_ASSEMBLIES)
    services.assembly_cancel(
        actor=request.auth,
        assembly=_assembly(request, coop, assembly_id),
        reason=payload.reason,
    )
    return _detail(request, coop, assembly_id)


@router.get(
    f"{ONE}/notice.pdf",
    response=answers(200, None),
    tags=TAGS,
    openapi_extra=pdf_answer("The convocation notice (avviso di convocazione) as PDF"),
)
def assembly_notice_pdf(request, slug: str, assembly_id: int):
    """The convocation notice as it is printed for members without an e-mail address."""
    coop = coop_for(request.auth, slug, Action.VIEW_ASSEMBLIES)
    assembly = _assembly(request, coop, assembly_id)
    return _pdf(documents.notice_pdf(assembly=assembly), f"convocazione-{assembly.pk}.pdf")


# --- the session --------------------------------------------------------------------------------
@router.post(f"{ONE}/open", response=answers(200, AssemblyOut), tags=TAGS)
def assembly_open(request, slug: str, assembly_id: int, payload: AssemblyOpenIn):
    """Open the session at the first or second call, on its day: the voters' roll is fixed
    from the member book on that day."""
    coop = coop_for(request.auth, slug, Action.MANAGE_ASSEMBLIES)
    services.assembly_open(
        actor=request.auth,
        assembly=_assembly(request, coop, assembly_id),
        call=payload.call.value,
    )
    return _detail(request, coop, assembly_id)


@router.post(f"{ONE}/close", response=answers(200, AssemblyOut), tags=TAGS)
def assembly_close(request, slug: str, assembly_id: int):
    """Close the session (every vote closed first): the minutes' draft is ready to write."""
    coop = coop_for(request.auth, slug, Action.MANAGE_ASSEMBLIES)
    services.assembly_close(actor=request.auth, assembly=_assembly(request, coop, assembly_id))
    return _detail(request, coop, assembly_id)


def _roll_voters(entries: list[RollEntry], denominator: int) -> list[dict[str, Any]]:
    return [
        {
            "member_id": e.member_id,
            "number": e.member.number,
            "name": e.member.display_name,
            "category": e.member.category.code,
            "votes": selectors.votes_text(e.units, denominator),
            "votes_fraction": str(Fraction(e.units, denominator)),
            "units": e.units,
            "vote_denominator": denominator,
        }
        for e in entries
    ]


@router.get(f"{ONE}/voters", response=answers(200, list[RollVoterOut]), tags=TAGS)
@paginate(Pagination)
def assembly_voters(request, slug: str, assembly_id: int):
    """Who may vote, in the book's order: the roll once it is fixed (with exact units), before
    that the member book on the assembly's day (art. 2538 c.c.; financing members together at
    most one third, L. 59/1992 art. 4). Operators only: it names members."""
    coop = coop_for(request.auth, slug, Action.MANAGE_ASSEMBLIES)
    assembly = _assembly(request, coop, assembly_id)
    if assembly.status in IN_PLAY:
        d = assembly.vote_denominator
        return Shaped(selectors.roll(assembly=assembly), lambda page: _roll_voters(page, d))
    eligibility = eligible_voters(coop=coop, on_date=selectors.held_on(assembly))
    return [
        {
            "member_id": v.member.pk,
            "number": v.member.number,
            "name": v.member.display_name,
            "category": v.member.category.code,
            "votes": v.votes_display,
            "votes_fraction": str(v.votes),
            "units": None,
            "vote_denominator": None,
        }
        for v in eligibility.voters
    ]


@router.get(f"{ONE}/quorum", response=answers(200, AssemblyQuorumOut), tags=TAGS)
def assembly_quorum(request, slug: str, assembly_id: int):
    """The votes present now against the quorum of the call in force: seven queries (the
    cooperative, the caller's roles, the assembly, and the quorum's four)."""
    coop = coop_for(request.auth, slug, Action.VIEW_ASSEMBLIES)
    return _quorum(_assembly(request, coop, assembly_id))


@router.get(f"{ONE}/attendance", response=answers(200, list[AssemblyAttendanceOut]), tags=TAGS)
@paginate(Pagination)
def attendance_list(request, slug: str, assembly_id: int):
    """Who came, when and how, with the votes each carries on the roll (operators only)."""
    coop = coop_for(request.auth, slug, Action.MANAGE_ASSEMBLIES)
    assembly = _assembly(request, coop, assembly_id)
    d = assembly.vote_denominator
    return [_attendance(a, a.units, d) for a in selectors.attendance_list(assembly=assembly)]


@router.post(f"{ONE}/attendance", response=answers(201, AssemblyAttendanceOut), tags=TAGS)
def attendance_register(request, slug: str, assembly_id: int, payload: AssemblyAttendanceIn):
    """A member arrives (or comes back), in person or online; a proxy they gave lapses."""
    coop = coop_for(request.auth, slug, Action.MANAGE_ASSEMBLIES)
    assembly = _assembly(request, coop, assembly_id)
    member = member_by_number(coop, payload.number, "number")
    with fields_named({"member": "number"}):
        attendance = services.attendance_register(
            actor=request.auth, assembly=assembly, member=member, mode=payload.mode.value
        )
    return Status(201, _attendance_of(attendance))


@router.post(
    f"{ONE}/attendance/{{int:attendance_id}}/leave",
    response=answers(200, AssemblyAttendanceOut),
    tags=TAGS,
)
def attendance_leave(request, slug: str, assembly_id: int, attendance_id: int):
    """A member leaves: neither they nor the proxies they hold count as present any more."""
    coop = coop_for(request.auth, slug, Action.MANAGE_ASSEMBLIES)
    assembly = _assembly(request, coop, assembly_id)
    attendance = get_object_or_404(Attendance, assembly=assembly, pk=attendance_id)
    attendance = services.attendance_leave(actor=request.auth, attendance=attendance)
    attendance.assembly = assembly
    return _attendance_of(attendance)


@router.post(f"{ONE}/join", response=answers(201, AssemblyAttendanceOut), tags=TAGS)
def assembly_join(request, slug: str, assembly_id: int):
    """A member following online registers their own presence."""
    coop = coop_for(request.auth, slug, Action.VOTE)
    assembly = _assembly(request, coop, assembly_id)
    attendance = services.attendance_join_online(user=request.auth, assembly=assembly)
    attendance.assembly = assembly
    return Status(201, _attendance_of(attendance))


@router.get(f"{ONE}/proxies", response=answers(200, list[ProxyOut]), tags=TAGS)
@paginate(Pagination)
def proxy_list(request, slug: str, assembly_id: int):
    """Proxies registered, active and revoked, by holder (operators only)."""
    coop = coop_for(request.auth, slug, Action.MANAGE_ASSEMBLIES)
    return [_proxy(p) for p in selectors.proxy_list(assembly=_assembly(request, coop, assembly_id))]


@router.post(f"{ONE}/proxies", response=answers(201, ProxyOut), tags=TAGS)
def proxy_register(request, slug: str, assembly_id: int, payload: ProxyIn):
    """A written proxy (art. 2539 c.c.): both may vote here, the holder holds at most the
    statute's number and gave none, and the member represented is not attending."""
    coop = coop_for(request.auth, slug, Action.MANAGE_ASSEMBLIES)
    assembly = _assembly(request, coop, assembly_id)
    proxy = services.proxy_register(
        actor=request.auth,
        assembly=assembly,
        grantor=member_by_number(coop, payload.grantor, "grantor"),
        holder=member_by_number(coop, payload.holder, "holder"),
        reference=payload.reference,
    )
    return Status(201, _proxy(proxy))


@router.post(f"{ONE}/proxies/{{int:proxy_id}}/revoke", response=answers(200, ProxyOut), tags=TAGS)
def proxy_revoke(request, slug: str, assembly_id: int, proxy_id: int, payload: ProxyRevokeIn):
    coop = coop_for(request.auth, slug, Action.MANAGE_ASSEMBLIES)
    assembly = _assembly(request, coop, assembly_id)
    proxy = get_object_or_404(
        Proxy.objects.select_related("grantor", "holder"), assembly=assembly, pk=proxy_id
    )
    services.proxy_revoke(actor=request.auth, proxy=proxy, reason=payload.reason)
    proxy.refresh_from_db(fields=["revoked_at", "revoked_reason"])
    return _proxy(proxy)


# --- motions ------------------------------------------------------------------------------------
@router.get(f"{ONE}/motions", response=answers(200, list[MotionOut]), tags=TAGS)
@paginate(Pagination)
def motion_list(request, slug: str, assembly_id: int):
    """The motions in order, each with its result (hidden while its vote is open)."""
    coop = coop_for(request.auth, slug, Action.VIEW_ASSEMBLIES)
    assembly = _assembly(request, coop, assembly_id)
    return [_motion_out(m) for m in selectors.assembly_motions(assembly=assembly)]


@router.post(f"{ONE}/motions", response=answers(201, MotionOut), tags=TAGS)
def motion_create(request, slug: str, assembly_id: int, payload: MotionIn):
    """A motion (delibera) with its majority rule, or an election with its candidates."""
    coop = coop_for(request.auth, slug, Action.MANAGE_ASSEMBLIES)
    assembly = _assembly(request, coop, assembly_id)
    with fields_named({"agenda_item": "agenda_item_id"}):
        motion = services.motion_create(
            actor=request.auth,
            assembly=assembly,
            fields=_motion_fields(assembly, payload.dict()),
            candidates=payload.candidates,
        )
    return Status(201, _motion_out(_motion(assembly, motion.pk)))


@router.get(MOTION, response=answers(200, MotionOut), tags=TAGS)
def motion_get(request, slug: str, assembly_id: int, motion_id: int):
    coop = coop_for(request.auth, slug, Action.VIEW_ASSEMBLIES)
    return _motion_out(_motion(_assembly(request, coop, assembly_id), motion_id))


@router.patch(MOTION, response=answers(200, MotionOut), tags=TAGS)
def motion_update(request, slug: str, assembly_id: int, motion_id: int, payload: MotionPatch):
    """Change a motion not yet put to the vote; ``candidates`` replaces the list."""
    coop = coop_for(request.auth, slug, Action.MANAGE_ASSEMBLIES)
    assembly = _assembly(request, coop, assembly_id)
    sent = payload.dict(exclude_unset=True)
    with fields_named({"agenda_item": "agenda_item_id"}):
        services.motion_update(
            actor=request.auth,
            motion=_motion(assembly, motion_id),
            fields=_motion_fields(assembly, sent),
            candidates=sent.get("candidates"),
        )
    return _motion_out(_motion(assembly, motion_id))


@router.post(f"{MOTION}/open", response=answers(200, MotionOut), tags=TAGS)
def motion_open(request, slug: str, assembly_id: int, motion_id: int):
    """Put the motion to the vote: only in session and when the assembly is quorate."""
    coop = coop_for(request.auth, slug, Action.MANAGE_ASSEMBLIES)
    assembly = _assembly(request, coop, assembly_id)
    services.motion_open(actor=request.auth, motion=_motion(assembly, motion_id))
    return _motion_out(_motion(assembly, motion_id))


@router.post(f"{MOTION}/close", response=answers(200, MotionOut), tags=TAGS)
def motion_close(request, slug: str, assembly_id: int, motion_id: int):
    """Close the vote: its result is fixed and shown."""
    coop = coop_for(request.auth, slug, Action.MANAGE_ASSEMBLIES)
    assembly = _assembly(request, coop, assembly_id)
    services.motion_close(actor=request.auth, motion=_motion(assembly, motion_id))
    return _motion_out(_motion(assembly, motion_id))


@router.post(f"{MOTION}/ballots", response=answers(201, AssemblyBallotReceipt), tags=TAGS)
def ballot_cast(request, slug: str, assembly_id: int, motion_id: int, payload: AssemblyBallotIn):
    """Your ballot, or that of a member whose proxy you hold (``voter``: their register
    number): you must be present and they on the roll; each voter votes once. A resolution
    takes a ``choice``, an election up to ``seats`` candidate ids (none: a blank ballot). The
    receipt never repeats the choice; in a secret ballot nothing links it to you."""
    coop = coop_for(request.auth, slug, Action.VOTE)
    motion = _motion(_assembly(request, coop, assembly_id), motion_id)
    if payload.voter is None:
        voter = selectors.member_for(coop=coop, user=request.auth)
        if voter is None:
            raise ValidationError(_("Only members of the cooperative vote in its assembly."))
    else:
        voter = member_by_number(coop, payload.voter, "voter")
    vote = services.ballot_cast(
        actor=request.auth,
        motion=motion,
        voter=voter,
        choice=payload.choice.value if payload.choice else "",
        candidates=payload.candidates,
    )
    return Status(201, _receipt(vote, motion))


@router.post(f"{MOTION}/recorded-votes", response=answers(201, AssemblyBallotReceipt), tags=TAGS)
def ballot_record(request, slug: str, assembly_id: int, motion_id: int, payload: RecordedVoteIn):
    """Staff record the vote of a member present in an open ballot (a show of hands)."""
    coop = coop_for(request.auth, slug, Action.MANAGE_ASSEMBLIES)
    motion = _motion(_assembly(request, coop, assembly_id), motion_id)
    voter = member_by_number(coop, payload.number, "number")
    with fields_named({"voter": "number"}):
        vote = services.ballot_cast(
            actor=request.auth,
            motion=motion,
            voter=voter,
            choice=payload.choice.value if payload.choice else "",
            candidates=payload.candidates,
            recorded_by_staff=True,
        )
    return Status(201, _receipt(vote, motion))


@router.get(f"{MOTION}/result", response=answers(200, MotionResultOut), tags=TAGS)
def motion_result(request, slug: str, assembly_id: int, motion_id: int):
    """The result: ``hidden`` with the turnout only while the vote is not closed. Five queries
    whatever the number of voters or candidates (the cooperative, the caller's roles, the
    assembly, the motion, its candidates): the tally is the motion's counters. A closed result
    is then answered from the cache, in one query for a caller with a token (comunitas/api.py)."""
    coop = coop_for(request.auth, slug, Action.VIEW_ASSEMBLIES)
    motion = _motion(_assembly(request, coop, assembly_id), motion_id)
    if not motion.is_closed:
        return _result(motion)
    # A closed result never changes: kept for every caller who may read it (assembly_cache).
    body = MotionResultOut.model_validate(_result(motion)).model_dump_json().encode()
    access = coop_access(slug=slug, user_id=None, scope=assembly_cache.RESULTS)
    if access is not None:
        assembly_cache.result_keep(access, request, body)
    return HttpResponse(body, content_type="application/json")


@router.get(f"{MOTION}/my-ballots", response=answers(200, MyBallotsOut), tags=TAGS)
def my_ballots(request, slug: str, assembly_id: int, motion_id: int):
    """Whom the caller may still vote for on this motion: themselves (on the roll) and the
    members whose proxy they hold, while they are present and the vote is open."""
    coop = coop_for(request.auth, slug, Action.VOTE)
    motion = _motion(_assembly(request, coop, assembly_id), motion_id)
    mine = selectors.my_ballots(assembly=motion.assembly, user=request.auth, motions=[motion])
    return {
        "motion_id": motion.pk,
        "member": _ref(mine.member),
        "present": mine.present,
        "on_roll": mine.on_roll,
        "problem": mine.problem,
        "pending": [_ref(v) for v in mine.pending(motion)],
    }


def _open_votes(votes: list[Vote], denominator: int) -> list[dict[str, Any]]:
    return [
        {
            "voter": _ref(v.voter),
            "choice": v.choice or None,
            "candidates": [c.pk for c in v.candidates.all()],
            "votes": _votes(v.units, denominator),
            "by_proxy": v.by_proxy_id is not None,
            "recorded_by_staff": v.recorded_by_id is not None,
        }
        for v in votes
    ]


@router.get(f"{MOTION}/votes", response=answers(200, list[OpenVoteOut]), tags=TAGS)
@paginate(Pagination)
def motion_votes(request, slug: str, assembly_id: int, motion_id: int):
    """The named votes of an open ballot, once its vote is closed, in the book's order. A
    secret ballot has none (404): its choices are kept only as totals."""
    coop = coop_for(request.auth, slug, Action.VIEW_ASSEMBLIES)
    motion = _motion(_assembly(request, coop, assembly_id), motion_id)
    votes = selectors.open_votes(motion=motion)
    if votes is None:
        raise Http404
    d = motion.assembly.vote_denominator
    return Shaped(votes, lambda page: _open_votes(page, d))


# --- minutes ------------------------------------------------------------------------------------
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
    coop = coop_for(request.auth, slug, Action.VIEW_ASSEMBLIES)
    return _minutes_out(_minutes(request, coop, assembly_id))


@router.patch(f"{ONE}/minutes", response=answers(200, MinutesOut), tags=MINUTES_TAGS)
def minutes_update(request, slug: str, assembly_id: int, payload: MinutesPatch):
    """Write the narrative and who signs; signed minutes cannot change."""
    coop = coop_for(request.auth, slug, Action.MANAGE_ASSEMBLIES)
    minutes = _minutes(request, coop, assembly_id)
    updated = services.minutes_update(
        actor=request.auth, minutes=minutes, fields=payload.dict(exclude_unset=True)
    )
    updated.assembly = minutes.assembly
    return _minutes_out(updated)


@router.post(f"{ONE}/minutes/sign", response=answers(200, MinutesOut), tags=MINUTES_TAGS)
def minutes_sign(request, slug: str, assembly_id: int):
    """The board signs the minutes: they take the next number of the minute book."""
    coop = coop_for(request.auth, slug, Action.CONVENE_ASSEMBLIES)
    minutes = _minutes(request, coop, assembly_id)
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
    coop = coop_for(request.auth, slug, Action.VIEW_ASSEMBLIES)
    minutes = _minutes(request, coop, assembly_id)
    name = f"verbale-{minutes.number}" if minutes.number else f"verbale-bozza-{assembly_id}"
    return _pdf(documents.minutes_pdf(minutes=minutes), f"{name}-{coop.slug}.pdf")
