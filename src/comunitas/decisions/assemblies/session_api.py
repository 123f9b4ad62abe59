"""API of an assembly's session: opening and closing it, who may vote (the roll once fixed, the
member book before), the live quorum, attendance, joining online, and proxies.

Members' names (the roll, attendance, proxies) are shown to operators only. Anyone with a role
may try to join online: the services decide and refuse with a 422. Members are named in bodies
by their register number, looked up within the cooperative. Parsing here, rules in
``session_services``."""

from fractions import Fraction
from typing import Any

from ninja import Router, Status
from ninja.pagination import paginate

from comunitas.core.endpoints import Pagination, Shaped, answers
from comunitas.core.lookups import or_404
from comunitas.core.permissions import Action, coop_for
from comunitas.decisions.assemblies import selectors, session_services
from comunitas.decisions.assemblies.api import (
    IN_PLAY,
    ONE,
    TAGS,
    detail_out,
    fields_named,
    member_ref,
    quorum_out,
    votes_out,
)
from comunitas.decisions.assemblies.forms import member_by_number
from comunitas.decisions.assemblies.schemas import (
    AssemblyAttendanceIn,
    AssemblyAttendanceOut,
    AssemblyOpenIn,
    AssemblyOut,
    AssemblyQuorumOut,
    ProxyIn,
    ProxyOut,
    ProxyRevokeIn,
    RollVoterOut,
)
from comunitas.decisions.models import (
    Attendance,
    Proxy,
    RollEntry,
)
from comunitas.members.book.selectors import eligible_voters

router = Router()


def _attendance(attendance: Attendance, units: int | None, denominator: int) -> dict[str, Any]:
    return {
        "id": attendance.pk,
        "member": member_ref(attendance.member),
        "mode": attendance.mode,
        "arrived_at": attendance.arrived_at,
        "left_at": attendance.left_at,
        "present": attendance.is_present,
        "own_votes": None if units is None else votes_out(units, denominator),
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
        "grantor": member_ref(proxy.grantor),
        "holder": member_ref(proxy.holder),
        "reference": proxy.reference,
        "registered_at": proxy.registered_at,
        "active": proxy.is_active,
        "revoked_at": proxy.revoked_at,
        "revoked_reason": proxy.revoked_reason,
    }


# --- the session --------------------------------------------------------------------------------
@router.post(f"{ONE}/open", response=answers(200, AssemblyOut), tags=TAGS)
def assembly_open(request, slug: str, assembly_id: int, payload: AssemblyOpenIn):
    """Open the session at the first or second call, on its day: the voters' roll is fixed
    from the member book on that day."""
    coop = coop_for(request.auth, slug, Action.MANAGE_ASSEMBLIES)
    session_services.assembly_open(
        actor=request.auth,
        assembly=or_404(selectors.assembly_visible, coop=coop, pk=assembly_id, user=request.auth),
        call=payload.call.value,
    )
    return detail_out(request, coop, assembly_id)


@router.post(f"{ONE}/close", response=answers(200, AssemblyOut), tags=TAGS)
def assembly_close(request, slug: str, assembly_id: int):
    """Close the session (every vote closed first): the minutes' draft is ready to write."""
    coop = coop_for(request.auth, slug, Action.MANAGE_ASSEMBLIES)
    session_services.assembly_close(
        actor=request.auth,
        assembly=or_404(selectors.assembly_visible, coop=coop, pk=assembly_id, user=request.auth),
    )
    return detail_out(request, coop, assembly_id)


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
    assembly = or_404(selectors.assembly_visible, coop=coop, pk=assembly_id, user=request.auth)
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
    return quorum_out(
        or_404(selectors.assembly_visible, coop=coop, pk=assembly_id, user=request.auth)
    )


@router.get(f"{ONE}/attendance", response=answers(200, list[AssemblyAttendanceOut]), tags=TAGS)
@paginate(Pagination)
def attendance_list(request, slug: str, assembly_id: int):
    """Who came, when and how, with the votes each carries on the roll (operators only)."""
    coop = coop_for(request.auth, slug, Action.MANAGE_ASSEMBLIES)
    assembly = or_404(selectors.assembly_visible, coop=coop, pk=assembly_id, user=request.auth)
    d = assembly.vote_denominator
    return [_attendance(a, a.units, d) for a in selectors.attendance_list(assembly=assembly)]


@router.post(f"{ONE}/attendance", response=answers(201, AssemblyAttendanceOut), tags=TAGS)
def attendance_register(request, slug: str, assembly_id: int, payload: AssemblyAttendanceIn):
    """A member arrives (or comes back), in person or online; a proxy they gave lapses."""
    coop = coop_for(request.auth, slug, Action.MANAGE_ASSEMBLIES)
    assembly = or_404(selectors.assembly_visible, coop=coop, pk=assembly_id, user=request.auth)
    member = member_by_number(coop, payload.number, "number")
    with fields_named({"member": "number"}):
        attendance = session_services.attendance_register(
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
    assembly = or_404(selectors.assembly_visible, coop=coop, pk=assembly_id, user=request.auth)
    attendance = or_404(selectors.attendance_get, assembly=assembly, pk=attendance_id)
    attendance = session_services.attendance_leave(actor=request.auth, attendance=attendance)
    attendance.assembly = assembly
    return _attendance_of(attendance)


@router.post(f"{ONE}/join", response=answers(201, AssemblyAttendanceOut), tags=TAGS)
def assembly_join(request, slug: str, assembly_id: int):
    """A member following online registers their own presence."""
    coop = coop_for(request.auth, slug, Action.VOTE)
    assembly = or_404(selectors.assembly_visible, coop=coop, pk=assembly_id, user=request.auth)
    attendance = session_services.attendance_join_online(user=request.auth, assembly=assembly)
    attendance.assembly = assembly
    return Status(201, _attendance_of(attendance))


@router.get(f"{ONE}/proxies", response=answers(200, list[ProxyOut]), tags=TAGS)
@paginate(Pagination)
def proxy_list(request, slug: str, assembly_id: int):
    """Proxies registered, active and revoked, by holder (operators only)."""
    coop = coop_for(request.auth, slug, Action.MANAGE_ASSEMBLIES)
    return [
        _proxy(p)
        for p in selectors.proxy_list(
            assembly=or_404(
                selectors.assembly_visible, coop=coop, pk=assembly_id, user=request.auth
            )
        )
    ]


@router.post(f"{ONE}/proxies", response=answers(201, ProxyOut), tags=TAGS)
def proxy_register(request, slug: str, assembly_id: int, payload: ProxyIn):
    """A written proxy (art. 2539 c.c.): both may vote here, the holder holds at most the
    statute's number and gave none, and the member represented is not attending."""
    coop = coop_for(request.auth, slug, Action.MANAGE_ASSEMBLIES)
    assembly = or_404(selectors.assembly_visible, coop=coop, pk=assembly_id, user=request.auth)
    proxy = session_services.proxy_register(
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
    assembly = or_404(selectors.assembly_visible, coop=coop, pk=assembly_id, user=request.auth)
    proxy = or_404(selectors.proxy_get, assembly=assembly, pk=proxy_id)
    session_services.proxy_revoke(actor=request.auth, proxy=proxy, reason=payload.reason)
    proxy.refresh_from_db(fields=["revoked_at", "revoked_reason"])
    return _proxy(proxy)
