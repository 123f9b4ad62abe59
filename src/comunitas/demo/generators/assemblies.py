"""The case studies' assemblies (synthetic): each cooperative's annual assembly approving its
accounts, held in April at second call as most are, with attendance, proxies, open votes
recorded by show of hands and minutes signed into the minute book; Brigì also elects its board,
and the Modernissimo has an extraordinary assembly convened for the coming weeks (the places,
the candidates and that assembly are the cases' ``[assembly]`` in ``demo/data``).

Everything goes through the assemblies' services with the moment it happened, so the demo obeys the
same rules as real use (90 days in the book, the statute's proxies, the quorum), and is marked
synthetic. Loading twice changes nothing."""

from __future__ import annotations

import random
from datetime import date, datetime, time, timedelta

from django.contrib.auth import get_user_model
from django.db import transaction
from django.utils import timezone

from comunitas.core.models import Cooperative
from comunitas.core.notify import quiet
from comunitas.decisions.assemblies import selectors
from comunitas.decisions.assemblies import services as assemblies_services
from comunitas.decisions.assemblies import session_services as assemblies_session_services
from comunitas.decisions.assemblies import voting_services as assemblies_voting_services
from comunitas.decisions.models import Assembly, Motion
from comunitas.demo.plans import CASE_PLANS, AssemblyPlan
from comunitas.members.models import Member
from comunitas.members.offices.selectors import proxy_bar

ASSEMBLIES: dict[str, AssemblyPlan] = {
    slug: p.assembly for slug, p in CASE_PLANS.items() if p.assembly
}
MOST_ATTENDING = 60
SYNTHETIC_NOTES = "Dati sintetici: assemblea generata per la dimostrazione."


def _at(day: date, hour: int, minute: int = 0) -> datetime:
    return timezone.make_aware(datetime.combine(day, time(hour, minute)))


def last_tuesday_of_april(year: int) -> date:
    """The first call of the annual assembly (the second, held, is the day after)."""
    day = date(year, 4, 30)
    return day - timedelta(days=(day.weekday() - 1) % 7)


def _user(coop: Cooperative, suffix: str):
    return get_user_model().objects.filter(username=f"{coop.slug}.{suffix}").first()


def _place(coop: Cooperative) -> str:
    plan = ASSEMBLIES.get(coop.slug)
    return plan.place if plan else coop.seat.name


def _candidates(coop: Cooperative) -> list[str]:
    """The candidates to the board, when this year's assembly also elects it."""
    plan = ASSEMBLIES.get(coop.slug)
    return list(plan.board_candidates) if plan else []


def _annual_draft(coop: Cooperative, year: int, first_day: date, staff, board) -> tuple:
    """The annual assembly drafted with its agenda and convened 18 days before; returns it and
    its agenda items."""
    assembly = assemblies_services.assembly_create(
        actor=staff,
        coop=coop,
        synthetic=True,
        kind="ordinary",
        title=f"Assemblea ordinaria dei soci {year}",
        first_call_at=_at(first_day, 8),
        second_call_at=_at(first_day + timedelta(days=1), 18),
        place=_place(coop),
        notes=SYNTHETIC_NOTES,
    )
    items = [
        ("Approvazione del bilancio d'esercizio " + str(year - 1), ""),
        ("Relazione sulle attività e sui progetti di comunità", ""),
    ]
    if _candidates(coop):
        items.append(("Rinnovo del consiglio di amministrazione", "Tre consiglieri per tre anni."))
    agenda = [
        assemblies_services.agenda_item_add(
            actor=staff, assembly=assembly, title=title, description=text
        )
        for title, text in items
    ]
    assemblies_services.assembly_convene(
        actor=board, assembly=assembly, at=_at(first_day, 9) - timedelta(days=18)
    )
    return assembly, agenda


def _roll_call(assembly: Assembly, staff, rng: random.Random, arrival: datetime) -> None:
    """Members arrive and sign in; some of those who stay home give a written proxy."""
    voters = [e.member for e in selectors.roll(assembly=assembly)]
    rng.shuffle(voters)
    # Small cooperatives fill the room; large ones bring a few dozen of their hundreds.
    share = rng.uniform(0.35, 0.6)
    attending = voters[: max(1, min(round(len(voters) * share), MOST_ATTENDING))]
    others = voters[len(attending) :]
    for i, member in enumerate(attending):
        mode = "online" if assembly.online_url and rng.random() < 0.15 else "in_person"
        assemblies_session_services.attendance_register(
            actor=staff,
            assembly=assembly,
            member=member,
            mode=mode,
            at=arrival + timedelta(seconds=20 * i),
        )
    limit = assemblies_session_services._max_proxies(assembly)
    # No director, member of the control body or employee holds a proxy (art. 2372 c.c.). The
    # economy, generated later, employs the worker members first, so they hold none either,
    # and gives no job to a member who held one.
    day = selectors.held_on(assembly)
    workers = set(
        Member.objects.filter(coop=assembly.coop, category__code="lavoratore").values_list(
            "pk", flat=True
        )
    )
    holders = [
        m for m in attending if m.kind == "person" and m.pk not in workers and not proxy_bar(m, day)
    ][:5]
    for grantor in others[: round(len(others) * 0.1)]:
        holder = rng.choice(holders) if holders else None
        if holder is None or assembly.proxies.filter(holder=holder).count() >= limit:
            continue
        assemblies_session_services.proxy_register(
            actor=staff,
            assembly=assembly,
            grantor=grantor,
            holder=holder,
            reference="delega scritta, agli atti",
            at=arrival - timedelta(hours=2),
        )


def _annual_votes(assembly: Assembly, agenda: list, staff, rng, year: int, start: datetime):
    """The accounts approved by show of hands; the board elected where it is renewed."""
    accounts = assemblies_voting_services.motion_create(
        actor=staff,
        assembly=assembly,
        title=f"Approvazione del bilancio d'esercizio {year - 1}",
        text="L'assemblea approva il bilancio, la nota integrativa e la relazione.",
        agenda_item=agenda[0],
    )
    _vote(assembly, accounts, staff, rng, start, weights=(0.9, 0.03, 0.07))
    candidates = _candidates(assembly.coop)
    if candidates:
        election = assemblies_voting_services.motion_create(
            actor=staff,
            assembly=assembly,
            title="Elezione del consiglio",
            kind="election",
            seats=3,
            agenda_item=agenda[2],
            candidates=candidates,
        )
        _elect(assembly, election, staff, rng, start + timedelta(minutes=40))


def _minutes_signed(minutes, staff, board, held: date) -> None:
    assemblies_services.minutes_update(
        actor=staff,
        minutes=minutes,
        fields={
            "chair_name": board.get_full_name() if board else "",
            "chair_role": "Presidente del consiglio di amministrazione",
            "secretary_name": staff.get_full_name() if staff else "",
            "secretary_role": "Segretaria verbalizzante",
            "narrative": (
                "La presidente illustra il bilancio e le attività dell'anno; seguono domande dei "
                "soci sui progetti di comunità. (Verbale sintetico generato per la dimostrazione.)"
            ),
        },
    )
    assemblies_services.minutes_sign(
        actor=board, minutes=minutes, at=_at(held + timedelta(days=3), 10)
    )


def annual_assembly(coop: Cooperative, rng: random.Random, today: date) -> Assembly | None:
    """The last annual assembly before ``today``, held and minuted; once per cooperative."""
    if Assembly.objects.filter(coop=coop, synthetic=True, kind="ordinary").exists():
        return None
    year = today.year if last_tuesday_of_april(today.year) < today else today.year - 1
    first_day = last_tuesday_of_april(year)
    staff, board = _user(coop, "staff"), _user(coop, "presidente")
    assembly, agenda = _annual_draft(coop, year, first_day, staff, board)
    held = first_day + timedelta(days=1)  # the first call, at 8 in the morning, found nobody
    assembly = assemblies_session_services.assembly_open(
        actor=staff, assembly=assembly, call="second", at=_at(held, 17, 40)
    )
    _roll_call(assembly, staff, rng, _at(held, 17, 45))
    _annual_votes(assembly, agenda, staff, rng, year, _at(held, 18, 30))
    closed = assemblies_session_services.assembly_close(
        actor=staff, assembly=assembly, at=_at(held, 20, 15)
    )
    _minutes_signed(closed.minutes, staff, board, held)
    return closed


def _voters(assembly: Assembly) -> list[Member]:
    """Everyone who may vote in the room: the members present and those they represent."""
    present = [a.member for a in assembly.attendance.select_related("member") if a.left_at is None]
    ids = {m.pk for m in present}
    represented = [
        p.grantor
        for p in assembly.proxies.filter(revoked_at__isnull=True).select_related(
            "grantor", "holder"
        )
        if p.holder_id in ids
    ]
    on_roll = set(assembly.roll.values_list("member_id", flat=True))
    return [m for m in present + represented if m.pk in on_roll]


def _vote(assembly, motion: Motion, staff, rng, at: datetime, weights) -> None:
    """A show of hands, recorded by staff for each voter (proxies voted by their holder)."""
    motion = assemblies_voting_services.motion_open(actor=staff, motion=motion, at=at)
    for i, member in enumerate(_voters(assembly)):
        choice = rng.choices(["for", "against", "abstain"], weights=weights)[0]
        assemblies_voting_services.ballot_cast(
            actor=staff,
            motion=motion,
            voter=member,
            choice=choice,
            recorded_by_staff=True,
            at=at + timedelta(seconds=5 * i),
        )
    assemblies_voting_services.motion_close(
        actor=staff, motion=motion, at=at + timedelta(minutes=10)
    )


def _elect(assembly, motion: Motion, staff, rng, at: datetime) -> None:
    motion = assemblies_voting_services.motion_open(actor=staff, motion=motion, at=at)
    candidates = list(motion.candidates.order_by("position"))
    popularity = [0.9, 0.75, 0.6, 0.4]
    for i, member in enumerate(_voters(assembly)):
        chosen = [c.pk for c, p in zip(candidates, popularity, strict=True) if rng.random() < p]
        assemblies_voting_services.ballot_cast(
            actor=staff,
            motion=motion,
            voter=member,
            candidates=chosen[: motion.seats],
            recorded_by_staff=True,
            at=at + timedelta(seconds=5 * i),
        )
    assemblies_voting_services.motion_close(
        actor=staff, motion=motion, at=at + timedelta(minutes=15)
    )


def upcoming_assembly(coop: Cooperative, today: date) -> Assembly | None:
    """An assembly convened for the coming weeks, where the case's plan has one (the
    Modernissimo's extraordinary assembly on its statute)."""
    plan = ASSEMBLIES.get(coop.slug)
    upcoming = plan.upcoming if plan else None
    if (
        upcoming is None
        or Assembly.objects.filter(coop=coop, synthetic=True, kind=upcoming.kind).exists()
    ):
        return None
    staff, board = _user(coop, "staff"), _user(coop, "presidente")
    first_day = today + timedelta(days=upcoming.in_days)
    assembly = assemblies_services.assembly_create(
        actor=staff,
        coop=coop,
        synthetic=True,
        kind=upcoming.kind,
        title=upcoming.title,
        first_call_at=_at(first_day, 9),
        second_call_at=_at(first_day + timedelta(days=1), 18),
        place=plan.place,
        online_url=upcoming.online_url,
        notes=SYNTHETIC_NOTES,
    )
    assemblies_services.agenda_item_add(actor=staff, assembly=assembly, **upcoming.agenda)
    assemblies_voting_services.motion_create(actor=staff, assembly=assembly, **upcoming.motion)
    return assemblies_services.assembly_convene(
        actor=board, assembly=assembly, at=_at(today, 9) - timedelta(days=1)
    )


@transaction.atomic
def demo_assemblies(coop: Cooperative, rng: random.Random, password: str) -> None:
    """The annual assembly of the case study and, for one, an assembly convened."""
    today = timezone.localdate()
    with quiet():  # synthetic members have nobody to tell
        annual_assembly(coop, rng, today)
        upcoming_assembly(coop, today)
