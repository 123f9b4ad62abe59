"""Every read of consultations: the list (open, closed, and drafts for staff), one consultation,
the caller's answer, and the results with who may see them.

The list is a constant number of queries whatever its length; the results are a constant
number whatever the number of answers (the tests assert both). Results are counted from the
stored answers every time, in SQL (a grouped count and sum per option and value), except ranked
choice, whose instant runoff reads the rankings in one query and counts them in Python
(``counting``).

Who sees the results: nobody while the consultation is a draft; while it is open, the people
with a role in the cooperative unless the results are hidden until it closes (then nobody, staff
included); once it is closed, everyone who may read the consultation. In a named consultation
the people with a role also read who answered what (first name and initial)."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import datetime
from decimal import Decimal

from django.contrib.auth.models import AnonymousUser
from django.db.models import (
    Case,
    Count,
    IntegerField,
    OuterRef,
    Prefetch,
    Q,
    QuerySet,
    Subquery,
    Sum,
    When,
)
from django.db.models.functions import Coalesce
from django.utils import timezone
from django.utils.formats import date_format, time_format
from django.utils.translation import gettext as _

from comunitas.core.formatting import short_name
from comunitas.core.models import Cooperative
from comunitas.core.permissions import Action, can, role_in
from comunitas.decisions import ballot_box
from comunitas.decisions.consultations.answer_services import consultation_mix
from comunitas.decisions.consultations.audience import audience_refusal, audience_size, may_answer
from comunitas.decisions.consultations.counting import Runoff, instant_runoff, mean, percent
from comunitas.decisions.models.consultations import (
    Availability,
    Consultation,
    ConsultationBallot,
    ConsultationKind,
    ConsultationMark,
    ConsultationOption,
    ConsultationParticipation,
    ConsultationPosition,
    ConsultationStatus,
)
from comunitas.decisions.moments import at_or_now

LIST_STATUSES = ["open", "closed", "draft"]
DASH = "\u2013"  # an en dash between the start and the end of a slot


def status_filter(status: str, now: datetime) -> Q:
    """Consultations whose status, as it counts now, is ``status`` (past its closing time an
    open one is closed)."""
    if status == ConsultationStatus.OPEN:
        return Q(status=ConsultationStatus.OPEN, closes_at__gt=now)
    if status == ConsultationStatus.CLOSED:
        return Q(status=ConsultationStatus.CLOSED) | Q(
            status=ConsultationStatus.OPEN, closes_at__lte=now
        )
    return Q(status=ConsultationStatus.DRAFT)


def consultation_list(
    *, coop: Cooperative, user, status: str = "", kind: str = "", now: datetime | None = None
) -> QuerySet[Consultation]:
    """Consultations, open ones first (closing soonest), then the closed, newest first; drafts
    only for staff and the board. One query for a page (with how many took part and what each
    is about), one for its count."""
    now = at_or_now(now)
    found = Consultation.objects.filter(coop=coop)
    if not can(user, coop, Action.MANAGE_CONSULTATIONS):
        found = found.exclude(status=ConsultationStatus.DRAFT)
    if status in LIST_STATUSES:
        found = found.filter(status_filter(status, now))
    if kind in ConsultationKind.values:
        found = found.filter(kind=kind)
    taking_part = (
        ConsultationParticipation.objects.filter(consultation=OuterRef("pk"))
        .order_by()
        .values("consultation")
        .annotate(n=Count("id"))
        .values("n")
    )
    return (
        found.select_related("need", "proposal", "project")
        .annotate(
            participants=Coalesce(Subquery(taking_part, output_field=IntegerField()), 0),
            still_open=Case(
                When(status_filter(ConsultationStatus.OPEN, now), then=1),
                default=0,
                output_field=IntegerField(),
            ),
        )
        .order_by("-still_open", "closes_at", "-created_at", "-id")
    )


def consultation_get(*, coop: Cooperative, pk: int) -> Consultation:
    """A consultation with its options and what it is about (three queries)."""
    return (
        Consultation.objects.select_related("coop", "need", "proposal", "project", "outcome_by")
        .prefetch_related(Prefetch("options", queryset=ConsultationOption.objects.all()))
        .get(coop=coop, pk=pk)
    )


def visible_to(consultation: Consultation, user) -> bool:
    """Drafts are seen by staff and the board only."""
    return consultation.status != ConsultationStatus.DRAFT or can(
        user, consultation.coop, Action.MANAGE_CONSULTATIONS
    )


def consultation_visible(*, coop: Cooperative, pk: int, user) -> Consultation:
    """A consultation of this cooperative as ``user`` may see it (``consultation_get``): a
    draft exists only for staff and the board (``DoesNotExist`` for anyone else)."""
    consultation = consultation_get(coop=coop, pk=pk)
    if not visible_to(consultation, user):
        raise Consultation.DoesNotExist
    return consultation


def option_visible(*, coop: Cooperative, consultation_id: int, pk: int, user) -> ConsultationOption:
    """An option of a consultation ``user`` may see (``consultation_visible``)."""
    consultation = consultation_visible(coop=coop, pk=consultation_id, user=user)
    return ConsultationOption.objects.select_related("consultation__coop").get(
        consultation=consultation, pk=pk
    )


def results_refusal(consultation: Consultation, user, now: datetime | None = None) -> str:
    """Why the user may not see the results now ("" when they may)."""
    status = consultation.status_at(at_or_now(now))
    if status == ConsultationStatus.DRAFT:
        return _("A consultation being prepared has no results.")
    if status == ConsultationStatus.OPEN:
        if consultation.results_hidden:
            return _("The results are hidden until the consultation closes, from everyone.")
        if role_in(user, consultation.coop) is None:
            return _("The results are published when the consultation closes.")
    return ""


def state_refusal(consultation: Consultation, now: datetime | None = None) -> str:
    """Why nobody may answer now: not open yet, or closed ("" while it is open)."""
    status = consultation.status_at(at_or_now(now))
    if status == ConsultationStatus.DRAFT:
        return _("This consultation is not open yet.")
    if status == ConsultationStatus.CLOSED:
        return _("This consultation is closed: answers are no longer taken.")
    return ""


def answer_refusal(
    consultation: Consultation, user, now: datetime | None = None, *, answered: bool = False
) -> str:
    """Why the user may not answer now ("" when they may): the same rules the service applies
    (this only decides what the pages offer; ``consultation_answer`` decides)."""
    closed = state_refusal(consultation, now)
    if closed:
        return closed
    if not user.is_authenticated:
        return _("Log in to answer.")
    if not may_answer(consultation, role_in(user, consultation.coop)):
        return audience_refusal(consultation)
    if answered and consultation.anonymous:
        return _("You have already answered: in an anonymous consultation the answer is final.")
    return ""


# --- the caller's answer ------------------------------------------------------------------------
@dataclass
class MyAnswer:
    answered: bool
    changeable: bool  # a named answer, while the consultation is open
    answered_at: datetime | None = None
    changed_at: datetime | None = None
    values: dict[int, int] = field(default_factory=dict)  # option id -> value
    reason: str = ""
    position: str = ""


def my_answer(*, consultation: Consultation, user, now: datetime | None = None) -> MyAnswer:
    """What the user answered (an anonymous answer: only that they did). Two queries."""
    is_open = consultation.status_at(at_or_now(now)) == ConsultationStatus.OPEN
    if not user.is_authenticated:
        return MyAnswer(answered=False, changeable=False)
    participation = ConsultationParticipation.objects.filter(
        consultation=consultation, user=user
    ).first()
    if participation is None:
        return MyAnswer(answered=False, changeable=False)
    if consultation.anonymous:
        return MyAnswer(answered=True, changeable=False, answered_at=participation.created_at)
    ballot = (
        ConsultationBallot.objects.filter(participation=participation)
        .prefetch_related(
            Prefetch("marks", queryset=ConsultationMark.objects.select_related("option"))
        )
        .first()
    )
    marks = list(ballot.marks.all()) if ballot else []
    position = next((m.option.code for m in marks if m.option.code), "")
    return MyAnswer(
        answered=True,
        changeable=is_open,
        answered_at=participation.created_at,
        changed_at=participation.changed_at,
        values={m.option_id: m.value for m in marks},
        reason=ballot.reason if ballot else "",
        position=position,
    )


# --- results ------------------------------------------------------------------------------------
@dataclass
class OptionResult:
    option: ConsultationOption
    count: int = 0  # answers that chose it / scored it / gave it dots / ranked it first
    total: int = 0  # sum of the values: the scores, the dots
    percent: Decimal | None = None  # of the answers (choices), of all the dots (dot vote)
    mean: Decimal | None = None  # score
    distribution: list[int] = field(default_factory=list)  # score: how many gave 0, 1, … 5
    yes: int = 0
    maybe: int = 0
    no: int = 0
    best: bool = False  # the winner, the best slot, the most chosen

    @property
    def label(self) -> str:
        return slot_label(self.option)


@dataclass
class RoundView:
    number: int
    counts: list[tuple[ConsultationOption, int, Decimal | None]]
    exhausted: int
    continuing: int
    winner: ConsultationOption | None
    eliminated: list[ConsultationOption]
    reason: str
    tied: list[ConsultationOption]


@dataclass
class NamedAnswer:
    name: str
    answer: str
    reason: str = ""


@dataclass
class Results:
    consultation: Consultation
    participants: int
    audience: int
    participation_percent: Decimal | None
    answers: int  # ballots counted
    options: list[OptionResult]
    sealed: int = 0  # anonymous answers given, waiting in the ballot box to be counted
    rounds: list[RoundView] = field(default_factory=list)
    winner: ConsultationOption | None = None
    dots_given: int = 0
    reasons: list[tuple[str, str, str]] = field(default_factory=list)  # (name, position, text)
    named: list[NamedAnswer] = field(default_factory=list)
    final: bool = False  # closed: these are the results, not a count so far


def slot_label(option: ConsultationOption) -> str:
    """An option's name; a time slot without one is named by its times (local time)."""
    if option.code:
        return str(ConsultationPosition(option.code).label)
    if option.label or option.starts_at is None:
        return option.label
    start = timezone.localtime(option.starts_at)
    end = timezone.localtime(option.ends_at)
    day = date_format(start, "SHORT_DATE_FORMAT")
    if start.date() == end.date():
        until = time_format(end, "TIME_FORMAT")
    else:
        until = date_format(end, "SHORT_DATETIME_FORMAT")
    return f"{day} {time_format(start, 'TIME_FORMAT')}{DASH}{until}"


def _grouped(consultation: Consultation) -> dict[int, dict[int, int]]:
    """{option id: {value: how many marks}} in one grouped query."""
    found: dict[int, dict[int, int]] = defaultdict(dict)
    rows = (
        ConsultationMark.objects.filter(ballot__consultation=consultation)
        .values_list("option_id", "value")
        .annotate(n=Count("id"))
        .order_by()
    )
    for option_id, value, n in rows:
        found[option_id][value] = n
    return found


def _runoff(consultation: Consultation, options: list[ConsultationOption]) -> Runoff:
    """The rankings in one query, ordered by the answers' random keys (never by the order they
    were written in), counted by instant runoff."""
    rankings: dict = defaultdict(list)
    rows = (
        ConsultationMark.objects.filter(ballot__consultation=consultation)
        .order_by("ballot_id", "value")
        .values_list("ballot_id", "option_id")
    )
    for ballot_id, option_id in rows:
        rankings[ballot_id].append(option_id)
    return instant_runoff(list(rankings.values()), [o.pk for o in options])


def _round_views(runoff: Runoff, by_id: dict[int, ConsultationOption]) -> list[RoundView]:
    return [
        RoundView(
            number=r.number,
            counts=[(by_id[o], n, percent(n, r.continuing)) for o, n in r.counts.items()],
            exhausted=r.exhausted,
            continuing=r.continuing,
            winner=by_id.get(r.winner) if r.winner is not None else None,
            eliminated=[by_id[o] for o in r.eliminated],
            reason=r.reason,
            tied=[by_id[o] for o in r.tied],
        )
        for r in runoff.rounds
    ]


def _answer_text(consultation: Consultation, marks: list[ConsultationMark]) -> str:
    """One person's answer in words, for a named consultation's list."""
    kind = consultation.kind
    if kind in (ConsultationKind.PROPOSAL, ConsultationKind.SINGLE, ConsultationKind.MULTIPLE):
        return "; ".join(slot_label(m.option) for m in marks)
    if kind == ConsultationKind.RANKED:
        ranked = sorted(marks, key=lambda m: m.value)
        return "; ".join(f"{m.value}. {slot_label(m.option)}" for m in ranked)
    if kind == ConsultationKind.MEETING:
        return "; ".join(f"{slot_label(m.option)}: {Availability(m.value).label}" for m in marks)
    return "; ".join(f"{slot_label(m.option)}: {m.value}" for m in marks)


def _named(consultation: Consultation, viewer) -> list[NamedAnswer]:
    """Who answered what, in a named consultation (two queries)."""
    ballots = (
        ConsultationBallot.objects.filter(consultation=consultation)
        .select_related("participation__user")
        .prefetch_related(
            Prefetch(
                "marks",
                queryset=ConsultationMark.objects.select_related("option").order_by(
                    "option__position", "option__id"
                ),
            )
        )
        .order_by("participation__created_at", "participation__id")
    )
    found = []
    for ballot in ballots:
        user = ballot.participation.user if ballot.participation else None
        name = (
            _("you")
            if user is not None and viewer.is_authenticated and user.pk == viewer.pk
            else short_name(user)
        )
        found.append(
            NamedAnswer(name, _answer_text(consultation, list(ballot.marks.all())), ballot.reason)
        )
    return found


def results(*, consultation: Consultation, viewer, now: datetime | None = None) -> Results:
    """The results as they stand (final once closed), for someone ``results_refusal`` lets
    see them. A constant number of queries: the options, the participations, the audience (while
    it is not fixed), the grouped marks or the rankings, and the reasons or named answers."""
    now = at_or_now(now)
    final = consultation.status_at(now) == ConsultationStatus.CLOSED
    sealed = ballot_box.sealed_count(consultation) if consultation.anonymous else 0
    if sealed and final:  # closed by its time: the answers still sealed are counted now
        sealed -= consultation_mix(consultation.pk, at=now)
    options = list(consultation.options.all())
    by_id = {o.pk: o for o in options}
    participants = ConsultationParticipation.objects.filter(consultation=consultation).count()
    audience = (
        consultation.audience_size
        if consultation.audience_size is not None
        else audience_size(consultation)
    )
    kind = consultation.kind
    rows = [OptionResult(option=o) for o in options]
    found = Results(
        consultation=consultation,
        participants=participants,
        audience=audience,
        participation_percent=percent(participants, audience),
        answers=participants - sealed,
        sealed=sealed,
        options=rows,
        final=final,
    )
    if kind == ConsultationKind.RANKED:
        runoff = _runoff(consultation, options)
        first = runoff.rounds[0].counts if runoff.rounds else {}
        for row in rows:
            row.count = first.get(row.option.pk, 0)
            row.percent = percent(row.count, runoff.ballots)
            row.best = row.option.pk == runoff.winner
        found.rounds = _round_views(runoff, by_id)
        found.winner = by_id.get(runoff.winner) if runoff.winner is not None else None
    else:
        grouped = _grouped(consultation)
        for row in rows:
            values = grouped.get(row.option.pk, {})
            row.count = sum(values.values())
            row.total = sum(v * n for v, n in values.items())
            if kind == ConsultationKind.SCORE:
                row.mean = mean(row.total, row.count)
                row.distribution = [values.get(v, 0) for v in range(6)]
            elif kind == ConsultationKind.MEETING:
                row.yes = values.get(Availability.YES, 0)
                row.maybe = values.get(Availability.MAYBE, 0)
                row.no = values.get(Availability.NO, 0)
            elif kind != ConsultationKind.DOTS:
                row.percent = percent(row.count, found.answers)
        if kind == ConsultationKind.DOTS:
            found.dots_given = sum(row.total for row in rows)
            for row in rows:
                row.percent = percent(row.total, found.dots_given)
        _mark_best(kind, rows)
    if kind == ConsultationKind.PROPOSAL:
        found.reasons = _reasons(consultation, viewer)
    if not consultation.anonymous and role_in(viewer, consultation.coop) is not None:
        found.named = _named(consultation, viewer)
    return found


def best_key(kind: str, row: OptionResult):
    """What makes an option best: the most yes, then the most "if need be", then the earliest
    slot (meeting time); the highest mean score; the most dots; the most chosen. Ties of
    everything: the option listed first."""
    if kind == ConsultationKind.MEETING:
        start = row.option.starts_at.timestamp() if row.option.starts_at else 0
        return (row.yes, row.maybe, -start)
    if kind == ConsultationKind.SCORE:
        return (row.mean or Decimal(-1), row.count)
    if kind == ConsultationKind.DOTS:
        return (row.total,)
    return (row.count,)


def _mark_best(kind: str, rows: list[OptionResult]) -> None:
    """Flag the best option, if any option got anything at all."""
    if kind == ConsultationKind.MEETING:
        candidates = [r for r in rows if r.yes or r.maybe]
    elif kind == ConsultationKind.DOTS:
        candidates = [r for r in rows if r.total]
    else:
        candidates = [r for r in rows if r.count]
    if candidates:
        max(candidates, key=lambda r: best_key(kind, r)).best = True  # the first of equals


def _reasons(consultation: Consultation, viewer) -> list[tuple[str, str, str]]:
    """The reasons given with a proposal's answers: named to people with a role in a named
    consultation, never in an anonymous one (sorted by the answers' random keys)."""
    named = not consultation.anonymous and role_in(viewer, consultation.coop) is not None
    ballots = (
        ConsultationBallot.objects.filter(consultation=consultation)
        .exclude(reason="")
        .select_related("participation__user")
        .prefetch_related(
            Prefetch("marks", queryset=ConsultationMark.objects.select_related("option"))
        )
        .order_by("id")
    )
    found = []
    for ballot in ballots:
        marks = list(ballot.marks.all())
        position = slot_label(marks[0].option) if marks else ""
        name = ""
        if named and ballot.participation is not None:
            user = ballot.participation.user
            name = _("you") if user is not None and user.pk == viewer.pk else short_name(user)
        found.append((name, position, ballot.reason))
    return found


def participation_count(*, consultation: Consultation) -> int:
    return ConsultationParticipation.objects.filter(consultation=consultation).count()


def totals(*, consultation: Consultation) -> dict[int, int]:
    """The sum of the marks' values for each option (used by the recount tests)."""
    return dict(
        ConsultationMark.objects.filter(ballot__consultation=consultation)
        .values_list("option_id")
        .annotate(total=Sum("value"))
        .order_by()
    )


DASHBOARD_ROWS = 5


def dashboard_consultations(*, coop: Cooperative) -> dict:
    """For everyone with a role: the consultations open now, closing soonest first (one
    query)."""
    found = consultation_list(coop=coop, user=AnonymousUser(), status="open")
    return {"open": list(found[:DASHBOARD_ROWS])}
