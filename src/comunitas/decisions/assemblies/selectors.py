"""Every non-trivial read of assemblies: lists, the live quorum, who may vote and why not, the
caller's ballots, tallies (hidden until a vote closes) and the record the minutes are made of.

Each is a constant number of queries whatever the size of the assembly (asserted in tests): the
quorum is one aggregate over the roll, a tally reads the motion's counters.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, timedelta
from decimal import Decimal
from fractions import Fraction

from django.db.models import Count, OuterRef, Prefetch, Q, QuerySet, Subquery, Sum
from django.utils import timezone
from django.utils.formats import date_format, number_format
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from comunitas.core.coops.selectors import statute_on
from comunitas.core.models import Cooperative
from comunitas.core.permissions import Action, can
from comunitas.decisions.assemblies.rules import majority_base_units
from comunitas.decisions.models import (
    AgendaItem,
    Assembly,
    AssemblyKind,
    AssemblyStatus,
    Attendance,
    BallotKind,
    Call,
    Candidate,
    Choice,
    Minutes,
    MinutesStatus,
    Motion,
    MotionKind,
    Proxy,
    RollEntry,
    Vote,
)
from comunitas.members.models import Member, MemberStatus


def votes_text(units: int, denominator: int) -> str:
    """Units as votes: whole numbers as such, fractions (financing members scaled to one third)
    to four decimals, in the active language's format."""
    value = Fraction(units, denominator or 1)
    if value.denominator == 1:
        return number_format(value.numerator, force_grouping=True)
    shown = (Decimal(value.numerator) / Decimal(value.denominator)).quantize(Decimal("0.0001"))
    return number_format(shown, decimal_pos=4, force_grouping=True)


def held_on(assembly: Assembly) -> date:
    return timezone.localtime(assembly.held_at).date()


def member_for(*, coop: Cooperative, user) -> Member | None:
    """The caller's current membership in ``coop``, or None."""
    if user is None or not user.is_authenticated:
        return None
    return (
        Member.objects.filter(coop=coop, user=user, status=MemberStatus.ACTIVE)
        .select_related("coop")
        .first()
    )


# --- lists and pages ----------------------------------------------------------------------------
def assembly_list(*, coop: Cooperative, status: str = "") -> QuerySet[Assembly]:
    """Assemblies, the latest first, with how many motions each has and how many passed."""
    found = Assembly.objects.filter(coop=coop)
    if status:
        found = found.filter(status=status)
    return found.annotate(
        motion_count=Count("motions", distinct=True),
        passed_count=Count("motions", filter=Q(motions__passed=True), distinct=True),
    ).order_by("-first_call_at", "-id")


def assembly_get(*, coop: Cooperative, pk: int) -> Assembly:
    return Assembly.objects.select_related("coop__seat").get(coop=coop, pk=pk)


def assembly_visible(*, coop: Cooperative, pk: int, user) -> Assembly:
    """An assembly of this cooperative as ``user`` may see it: a draft exists only for those
    who manage assemblies (``DoesNotExist`` for anyone else, as for another cooperative's)."""
    assembly = assembly_get(coop=coop, pk=pk)
    if assembly.status == AssemblyStatus.DRAFT and not can(user, coop, Action.MANAGE_ASSEMBLIES):
        raise Assembly.DoesNotExist
    return assembly


def agenda_item_get(*, assembly: Assembly, pk: int) -> AgendaItem:
    return assembly.agenda.get(pk=pk)  # read through the assembly: it knows it


def assembly_agenda(*, assembly: Assembly) -> list[AgendaItem]:
    return list(assembly.agenda.select_related("proposal", "project").order_by("position"))


def assembly_motions(*, assembly: Assembly) -> list[Motion]:
    """The motions with their agenda item and candidates (two queries)."""
    return list(
        assembly.motions.select_related("agenda_item")
        .prefetch_related(Prefetch("candidates", queryset=Candidate.objects.order_by("position")))
        .order_by("position", "id")
    )


def motion_get(*, assembly: Assembly, pk: int) -> Motion:
    """A motion of ``assembly`` with its agenda item and candidates; its ``assembly`` is the one
    given (read already, with the caller's checks)."""
    motion = (
        Motion.objects.select_related("agenda_item")
        .prefetch_related(Prefetch("candidates", queryset=Candidate.objects.order_by("position")))
        .get(assembly=assembly, pk=pk)
    )
    motion.assembly = assembly
    return motion


def motion_visible(*, coop: Cooperative, assembly_id: int, pk: int, user) -> Motion:
    """A motion of an assembly ``user`` may see (``assembly_visible``)."""
    return motion_get(assembly=assembly_visible(coop=coop, pk=assembly_id, user=user), pk=pk)


# --- who may vote -------------------------------------------------------------------------------
def enrolment_days(*, assembly: Assembly) -> int:
    statute = statute_on(coop=assembly.coop, day=held_on(assembly))
    return statute.enrolment_days_before_voting if statute else 90


def voting_problem(*, assembly: Assembly, member: Member) -> str | None:
    """Why ``member`` may not vote in ``assembly`` (None when they may): the rules of the member
    book on the assembly's day (art. 2538 c.c.), or the roll once it is fixed."""
    day = held_on(assembly)
    fixed = assembly.status in (AssemblyStatus.OPEN, AssemblyStatus.CLOSED)
    if fixed and RollEntry.objects.filter(assembly=assembly, member=member).exists():
        return None
    who = member.audit_label
    if member.admitted_on is None or member.admitted_on > day:
        return _("%(who)s is not a member on the day of the assembly.") % {"who": who}
    if member.exited_on is not None and member.exited_on <= day:
        return _("%(who)s left the cooperative before the assembly.") % {"who": who}
    days = enrolment_days(assembly=assembly)
    enrolled = (day - member.admitted_on).days
    if enrolled < days:
        return _(
            "%(who)s has been in the member book for %(enrolled)s days on the day of the "
            "assembly: members vote after %(days)s days (art. 2538 c.c.)."
        ) % {"who": who, "enrolled": enrolled, "days": days}
    if assembly.status in (AssemblyStatus.OPEN, AssemblyStatus.CLOSED):
        return _("%(who)s is not on the voters' roll.") % {"who": who}
    return None


def is_present(*, assembly: Assembly, member: Member) -> bool:
    return Attendance.objects.filter(
        assembly=assembly, member=member, left_at__isnull=True
    ).exists()


def roll(*, assembly: Assembly) -> QuerySet[RollEntry]:
    """The voters' roll in the book's order (paginated by the faces)."""
    return (
        RollEntry.objects.filter(assembly=assembly)
        .select_related("member__category")
        .order_by("member__number")
    )


# --- the quorum ---------------------------------------------------------------------------------
@dataclass(frozen=True)
class Quorum:
    denominator: int
    total_units: int
    in_person_units: int  # members present themselves (in the room or online)
    proxy_units: int  # members represented by a proxy holder who is present
    percent: Decimal  # the votes present must exceed this share of all votes
    attendees: int
    proxies: int

    @property
    def present_units(self) -> int:
        return self.in_person_units + self.proxy_units

    @property
    def threshold_units(self) -> Fraction:
        return Fraction(self.percent) * self.total_units / 100

    @property
    def met(self) -> bool:
        return self.present_units > 0 and self.present_units > self.threshold_units

    @property
    def present_display(self) -> str:
        return votes_text(self.present_units, self.denominator)

    @property
    def total_display(self) -> str:
        return votes_text(self.total_units, self.denominator)

    @property
    def threshold_display(self) -> str:
        # Exact in units, shown as votes: "more than 12.5" (half of 25 votes).
        value = self.threshold_units / self.denominator
        shown = (Decimal(value.numerator) / Decimal(value.denominator)).quantize(Decimal("0.01"))
        return number_format(shown.normalize(), force_grouping=True)

    @property
    def present_percent(self) -> Decimal:
        if not self.total_units:
            return Decimal("0.0")
        return (Decimal(self.present_units * 100) / Decimal(self.total_units)).quantize(
            Decimal("0.1")
        )


def quorum_percent(assembly: Assembly) -> Decimal:
    """The statute's quorum for this kind of assembly at the call in force (a percentage of all
    votes the votes present must exceed)."""
    statute = statute_on(coop=assembly.coop, day=held_on(assembly))
    kind = "extraordinary" if assembly.kind == AssemblyKind.EXTRAORDINARY else "ordinary"
    call = "second" if assembly.call == Call.SECOND else "first"
    if statute is None:
        return Decimal("50") if call == "first" else Decimal("0")
    return getattr(statute, f"{kind}_quorum_{call}_call")


def quorum(*, assembly: Assembly) -> Quorum:
    """Votes present for the call in force, now while in session and at the close once closed
    (the close registers everyone's departure): four queries (the roll's sums, the people
    present, the proxies they hold, the statute)."""
    present = Attendance.objects.filter(assembly=assembly, left_at__isnull=True)
    if assembly.status == AssemblyStatus.CLOSED and assembly.closed_at is not None:
        present = Attendance.objects.filter(
            Q(left_at__isnull=True) | Q(left_at__gte=assembly.closed_at),
            assembly=assembly,
            arrived_at__lte=assembly.closed_at,
        )
    represented = Proxy.objects.filter(
        assembly=assembly,
        revoked_at__isnull=True,
        holder__in=present.values("member_id"),
    )
    sums = RollEntry.objects.filter(assembly=assembly).aggregate(
        in_person=Sum("units", filter=Q(member__in=present.values("member_id")), default=0),
        by_proxy=Sum("units", filter=Q(member__in=represented.values("grantor_id")), default=0),
    )
    return Quorum(
        denominator=assembly.vote_denominator,
        total_units=assembly.total_units,
        in_person_units=int(sums["in_person"] or 0),
        proxy_units=int(sums["by_proxy"] or 0),
        percent=quorum_percent(assembly),
        attendees=present.count(),
        proxies=represented.count(),
    )


# --- attendance and proxies ---------------------------------------------------------------------
def attendance_list(*, assembly: Assembly) -> list[Attendance]:
    """Who came, when, how, with the units each carries (a voter's own) and the proxies held."""
    units = RollEntry.objects.filter(assembly=assembly, member=OuterRef("member")).values("units")
    return list(
        Attendance.objects.filter(assembly=assembly)
        .select_related("member")
        .annotate(units=Subquery(units[:1]))
        .order_by("arrived_at", "id")
    )


def attendance_get(*, assembly: Assembly, pk: int) -> Attendance:
    return Attendance.objects.get(assembly=assembly, pk=pk)


def proxy_get(*, assembly: Assembly, pk: int) -> Proxy:
    return Proxy.objects.select_related("grantor", "holder").get(assembly=assembly, pk=pk)


def proxy_list(*, assembly: Assembly, active_only: bool = False) -> list[Proxy]:
    found = Proxy.objects.filter(assembly=assembly).select_related("grantor", "holder")
    if active_only:
        found = found.filter(revoked_at__isnull=True)
    return list(found.order_by("holder__number", "grantor__number", "id"))


# --- the caller's ballots -----------------------------------------------------------------------
@dataclass
class MyBallots:
    """What the caller may do in the session: who they vote for on each open motion."""

    member: Member | None
    present: bool = False
    on_roll: bool = False
    problem: str | None = None
    represented: list[Member] = field(default_factory=list)  # members whose proxy they hold
    voted: set[tuple[int, int]] = field(default_factory=set)  # (motion id, voter id)

    def pending(self, motion: Motion) -> list[Member]:
        """The voters (self first, then the proxies held) not yet voted on ``motion``."""
        if not (self.member and self.present and motion.is_open):
            return []
        voters = ([self.member] if self.on_roll else []) + self.represented
        return [v for v in voters if (motion.pk, v.pk) not in self.voted]


def my_ballots(*, assembly: Assembly, user, motions: list[Motion]) -> MyBallots:
    member = member_for(coop=assembly.coop, user=user)
    if member is None:
        return MyBallots(member=None)
    mine = MyBallots(
        member=member,
        present=is_present(assembly=assembly, member=member),
        on_roll=RollEntry.objects.filter(assembly=assembly, member=member).exists(),
    )
    if not mine.on_roll:
        mine.problem = voting_problem(assembly=assembly, member=member)
    mine.represented = [
        p.grantor
        for p in Proxy.objects.filter(assembly=assembly, holder=member, revoked_at__isnull=True)
        .select_related("grantor")
        .order_by("grantor__number")
    ]
    open_ids = [m.pk for m in motions if m.is_open]
    if open_ids:
        voters = [member.pk, *(g.pk for g in mine.represented)]
        mine.voted = set(
            Vote.objects.filter(motion_id__in=open_ids, voter_id__in=voters).values_list(
                "motion_id", "voter_id"
            )
        )
    return mine


# --- results ------------------------------------------------------------------------------------
@dataclass(frozen=True)
class CandidateResult:
    name: str
    votes: str
    units: int
    elected: bool | None


@dataclass(frozen=True)
class Tally:
    """A motion's result; ``hidden`` while the vote is open (only turnout is shown)."""

    motion: Motion
    hidden: bool
    voters: int
    votes_for: str = ""
    votes_against: str = ""
    votes_abstain: str = ""
    votes_cast: str = ""
    base: str = ""
    present_at_open: str = ""
    present_at_close: str = ""
    candidates: list[CandidateResult] = field(default_factory=list)
    dissenting: list[tuple[str, str]] = field(default_factory=list)  # open ballots: (name, choice)

    @property
    def passed(self) -> bool | None:
        return None if self.hidden else self.motion.passed

    @property
    def quorum_met(self) -> bool | None:
        return None if self.hidden else self.motion.quorum_met


def tally(*, motion: Motion, with_names: bool = False) -> Tally:
    """The result from the motion's counters (no query for a resolution, one for candidates;
    one more with ``with_names``: those voting against or abstaining in an open ballot, whom
    the minutes must name, art. 2375 c.c.)."""
    assembly = motion.assembly
    d = assembly.vote_denominator
    if not motion.is_closed:
        return Tally(motion=motion, hidden=True, voters=motion.voters)
    dissenting = []
    if with_names and motion.ballot == BallotKind.OPEN and motion.kind == MotionKind.RESOLUTION:
        dissenting = [
            (v.voter.display_name, v.get_choice_display())
            for v in Vote.objects.filter(motion=motion, choice__in=[Choice.AGAINST, Choice.ABSTAIN])
            .select_related("voter")
            .order_by("voter__number")
        ]
    candidates = []
    if motion.kind == MotionKind.ELECTION:
        candidates = [
            CandidateResult(c.name, votes_text(c.units, d), c.units, c.elected)
            for c in sorted(motion.candidates.all(), key=lambda c: (-c.units, c.position))
        ]
    return Tally(
        motion=motion,
        hidden=False,
        voters=motion.voters,
        votes_for=votes_text(motion.for_units, d),
        votes_against=votes_text(motion.against_units, d),
        votes_abstain=votes_text(motion.abstain_units, d),
        votes_cast=votes_text(motion.cast_units, d),
        base=votes_text(majority_base_units(motion, assembly), d),
        present_at_open=votes_text(motion.present_units_at_open, d),
        present_at_close=votes_text(motion.present_units_at_close, d),
        candidates=candidates,
        dissenting=dissenting,
    )


def open_votes(*, motion: Motion) -> QuerySet[Vote] | None:
    """The named votes of an open ballot once its vote is closed, in the book's order; None for
    a secret ballot (its choices are kept only as totals) or a vote not closed yet."""
    if motion.ballot != BallotKind.OPEN or not motion.is_closed:
        return None
    return (
        Vote.objects.filter(motion=motion)
        .select_related("voter")
        .prefetch_related("candidates")
        .order_by("voter__number", "id")
    )


def majority_text(motion: Motion) -> str:
    """The rule in words, e.g. 'Qualified: at least 2/3 of the votes present'."""
    rule = motion.get_majority_display()
    if motion.kind == MotionKind.ELECTION:
        return ngettext(
            "The candidate with most votes fills %(n)s seat.",
            "The candidates with most votes fill %(n)s seats.",
            motion.seats,
        ) % {"n": motion.seats}
    if motion.majority == "qualified":
        rule = _("Qualified: at least %(num)s/%(den)s") % {
            "num": motion.qualified_numerator,
            "den": motion.qualified_denominator,
        }
    elif motion.majority == "simple":
        return str(rule)
    return f"{rule} {motion.get_majority_base_display()}"


# --- minutes ------------------------------------------------------------------------------------
def minutes_record(*, assembly: Assembly, minutes: Minutes | None) -> dict:
    """What the minutes say, from the record: the assembly, its call, attendance, proxies, each
    motion with its result. The template ``_record.html`` renders it for the page, the PDF and,
    once signed, the frozen text."""
    motions = assembly_motions(assembly=assembly)
    attendance = attendance_list(assembly=assembly)
    d = assembly.vote_denominator
    return {
        "assembly": assembly,
        "coop": assembly.coop,
        "minutes": minutes,
        "agenda": assembly_agenda(assembly=assembly),
        "attendance": attendance,
        "in_person": sum(1 for a in attendance if a.mode == "in_person"),
        "online": sum(1 for a in attendance if a.mode == "online"),
        "proxies": proxy_list(assembly=assembly, active_only=True),
        "voters": RollEntry.objects.filter(assembly=assembly).count(),
        "total_votes": votes_text(assembly.total_units, d),
        "quorum_percent": quorum_percent(assembly),
        "results": [(m, tally(motion=m, with_names=True), majority_text(m)) for m in motions],
        "held_on": date_format(timezone.localtime(assembly.held_at), "DATETIME_FORMAT"),
    }


def minutes_visible(*, coop: Cooperative, assembly_id: int, user) -> Minutes:
    """The minutes of an assembly as ``user`` may see them: members read them once signed, those
    who manage assemblies also in draft (``DoesNotExist`` otherwise)."""
    assembly = assembly_visible(coop=coop, pk=assembly_id, user=user)
    minutes = Minutes.objects.filter(assembly=assembly).select_related("coop__seat").first()
    if minutes is None or (not minutes.is_signed and not can(user, coop, Action.MANAGE_ASSEMBLIES)):
        raise Minutes.DoesNotExist
    minutes.assembly = assembly
    return minutes


def minute_book(*, coop: Cooperative) -> QuerySet[Minutes]:
    """The signed minutes in the order of the book (libro verbali, art. 2421 c.c.)."""
    return (
        Minutes.objects.filter(coop=coop, status=MinutesStatus.SIGNED)
        .select_related("assembly")
        .order_by("-number")
    )


def notice_context(*, assembly: Assembly) -> dict:
    """The convocation notice (avviso di convocazione) as the PDF and the e-mail print it."""
    statute = statute_on(coop=assembly.coop, day=held_on(assembly))
    return {
        "assembly": assembly,
        "coop": assembly.coop,
        "agenda": assembly_agenda(assembly=assembly),
        "max_proxies": statute.max_proxies_per_member if statute else 10,
        "enrolment_days": statute.enrolment_days_before_voting if statute else 90,
        "enrolled_before": held_on(assembly) - timedelta(days=enrolment_days(assembly=assembly)),
        "printed": timezone.localdate(),
    }


def dashboard_assemblies(*, coop: Cooperative) -> dict:
    """For the members: the assemblies convened or in session, and the latest one held (two
    queries)."""
    ahead = list(
        Assembly.objects.filter(
            coop=coop, status__in=[AssemblyStatus.CONVENED, AssemblyStatus.OPEN]
        ).order_by("first_call_at")[:3]
    )
    latest = assembly_list(coop=coop, status=AssemblyStatus.CLOSED).first()
    return {"ahead": ahead, "latest": latest}
