"""A database reader against the ballot box (``decisions.ballot_box``): an anonymous consultation
and a secret election, 50 voters each, voting one after the other in real transactions (so that
the mixing runs as it does in production, after each vote commits). While the vote is open and
after it closes, the reader tries every link it can think of between who voted and what was
chosen: equal or adjacent transaction ids (PostgreSQL's ``xmin``), the physical order of the rows
(``ctid``, SQLite's ``rowid``), the order of the keys, timestamps, the audit trail, and any other
table a voter's transaction wrote to (where a task queue's table would be). Exact joins must find
nothing; guesses by order must do no better than picking within the pool the ballot box mixes
(chance there is one in ten; the test allows one in four).

The ballot box's random choices are seeded here so that the test repeats exactly; in use they come
from the system's generator."""

from __future__ import annotations

import random
import uuid

import pytest
from django.conf import settings
from django.db import connection

from comunitas.core.coops.services import role_grant
from comunitas.core.models import AuditEntry, RoleKind
from comunitas.decisions import ballot_box
from comunitas.decisions.assemblies import session_services, voting_services
from comunitas.decisions.consultations import answer_services, services
from comunitas.decisions.models import Candidate, Motion, Vote
from comunitas.decisions.models.budgets import BudgetChoice
from comunitas.decisions.models.consultations import (
    ConsultationBallot,
    ConsultationMark,
)
from comunitas.decisions.models.sealed import SealedBallot
from comunitas.members.book.services import book_setup
from tests.decisions.budgets.matrix import count, vote, voting_budget
from tests.decisions.consultations.matrix import open_consultation
from tests.helpers import admit, convene, make_user, open_session, person

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.slow]

VOTERS = 50
GUESSES_ALLOWED = VOTERS // 4
POSTGRES = connection.vendor == "postgresql"
# Where a voter's transaction may write: who took part, the trail, the sealed ballot, and (for a
# motion) the vote row and the number of voters on the motion.
VOTERS_TABLES = {
    "decisions_consultationparticipation",
    "decisions_vote",
    "decisions_motion",
    "core_auditentry",
    "decisions_sealedballot",
}


@pytest.fixture(autouse=True)
def seeded(monkeypatch):
    monkeypatch.setattr(ballot_box, "_random", random.Random(1789))


# --- what a reader of the database sees ---------------------------------------------------------
def key(raw):
    """A key as the models have it (SQLite keeps a UUID as 32 hexadecimal digits)."""
    return uuid.UUID(raw) if isinstance(raw, str) else raw


def rows(sql: str, params) -> list[tuple]:
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return cursor.fetchall()


def on_disk(table: str, column: str, where: str, params) -> list:
    """The values of ``column`` in the order its rows lie on disk, each once."""
    position = "ctid" if POSTGRES else "rowid"
    found = rows(f"SELECT {column} FROM {table} {where} ORDER BY {position}", params)  # noqa: S608
    return list(dict.fromkeys(key(value) for (value,) in found))


def xmin_of(table: str, column: str, where: str, params) -> dict:
    """{value of ``column``: the transaction that wrote its row} (PostgreSQL)."""
    sql = f"SELECT {column}, xmin::text::bigint FROM {table} {where}"  # noqa: S608
    return {key(value): xmin for value, xmin in rows(sql, params)}


def tables_written_by(xids: set[int]) -> set[str]:
    """Every table with a live row written by one of these transactions (PostgreSQL)."""
    with connection.cursor() as cursor:
        tables = connection.introspection.table_names(cursor)
    sql = "SELECT 1 FROM {} WHERE xmin::text::bigint = ANY(%s) LIMIT 1"
    return {table for table in tables if rows(sql.format(table), [list(xids)])}


def by_order(contents: list, voters: list) -> dict:
    """Guess that the n-th content is the n-th voter's."""
    return dict(zip(contents, voters, strict=False))


def attacks(content: tuple, voters: tuple, voters_xid: dict) -> dict[str, dict]:
    """Each attack's guesses {content key: voter's user id}. ``content`` is (table, key column,
    where, params) of the content rows; ``voters`` the same of who took part (the key column is
    the voter's user id)."""
    table, column, where, params = content
    keys = rows(f"SELECT DISTINCT {column} FROM {table} {where}", params)  # noqa: S608
    by_key = sorted(key(value) for (value,) in keys)
    voters_table, voter_column, voters_where, voters_params = voters
    sql = f"SELECT {voter_column} FROM {voters_table} {voters_where} ORDER BY id"  # noqa: S608
    in_turn = [value for (value,) in rows(sql, voters_params)]
    found = {
        "the keys' order": by_order(by_key, in_turn),
        "the rows' order on disk": by_order(on_disk(*content), on_disk(*voters)),
    }
    if POSTGRES:
        found.update(transaction_guesses(xmin_of(*content), voters_xid))
    return found


def transaction_guesses(content_xmin: dict, voters_xid: dict) -> dict[str, dict]:
    """Guesses from the transaction ids: the same one, the one just before, and the same rank."""
    voter_of_xid = {xid: voter for voter, xid in voters_xid.items()}
    earlier = sorted(voter_of_xid)

    def just_before(xmin: int):
        before = [xid for xid in earlier if xid < xmin]
        return voter_of_xid[before[-1]] if before else None

    ranked = sorted(content_xmin, key=lambda k: (content_xmin[k], str(k)))
    return {
        "the same transaction": {
            k: voter_of_xid[x] for k, x in content_xmin.items() if x in voter_of_xid
        },
        "the transaction just before": {k: just_before(x) for k, x in content_xmin.items()},
        "the transactions' order": by_order(ranked, [voter_of_xid[x] for x in earlier]),
    }


def assert_nothing_links(guesses: dict[str, dict], truth: dict) -> None:
    for name, guessed in guesses.items():
        if name == "the same transaction":
            assert guessed == {}, name
        right = sum(1 for content, voter in guessed.items() if truth.get(content) == voter)
        assert right <= GUESSES_ALLOWED, name


def voter_xid(table: str, where: str, params) -> int:
    """The transaction that wrote a voter's participation (PostgreSQL)."""
    return rows(f"SELECT xmin::text::bigint FROM {table} {where}", params)[0][0]  # noqa: S608


# --- an anonymous consultation ------------------------------------------------------------------
def consultation_truth(consultation, voter_of_scores: dict) -> dict:
    """{ballot id: who gave it}, known to the test from the scores (each voter's are unique)."""
    scores: dict = {}
    marks = ConsultationMark.objects.filter(ballot__consultation=consultation)
    for ballot_id, option_id, value in marks.values_list("ballot_id", "option_id", "value"):
        scores.setdefault(ballot_id, {})[option_id] = value
    return {
        ballot: voter_of_scores[tuple(sorted(given.items()))] for ballot, given in scores.items()
    }


def residents(people, n: int) -> list:
    users = []
    for i in range(n):
        user = make_user(f"voter{i}")
        role_grant(actor=people["admin"], coop=people["coop"], user=user, kind=RoleKind.RESIDENT)
        users.append(user)
    return users


def test_a_database_reader_links_no_anonymous_answer_to_who_gave_it(people):
    consultation = open_consultation(people["coop"], people["staff"], kind="score", anonymous=True)
    options = list(consultation.options.values_list("pk", flat=True))
    where = ("WHERE consultation_id = %s", [consultation.pk])
    content = ("decisions_consultationballot", "id", *where)
    voters = ("decisions_consultationparticipation", "user_id", *where)
    voter_of_scores, voters_xid = {}, {}

    def assert_unlinkable():
        truth = consultation_truth(consultation, voter_of_scores)
        assert not ConsultationBallot.objects.filter(participation__isnull=False).exists()
        assert_nothing_links(attacks(content, voters, voters_xid), truth)

    for n, voter in enumerate(residents(people, VOTERS)):
        # Scores of three options (n in base 6: 216 combinations) tell every answer apart.
        given = [(pk, n // 6**i % 6) for i, pk in enumerate(options)]
        answer_services.consultation_answer(actor=voter, consultation=consultation, scores=given)
        voter_of_scores[tuple(sorted(given))] = voter.pk
        if POSTGRES:
            voters_xid[voter.pk] = voter_xid(voters[0], "WHERE user_id = %s", [voter.pk])
        if n == VOTERS // 2:  # while it is open
            assert ConsultationBallot.objects.filter(consultation=consultation).exists()
            assert_unlinkable()
    services.consultation_close(actor=people["staff"], consultation=consultation)
    assert ConsultationBallot.objects.filter(consultation=consultation).count() == VOTERS
    assert not SealedBallot.objects.exists()
    assert_unlinkable()
    # No content column holds a time; the voters' trail names no answer.
    for model in (ConsultationBallot, ConsultationMark):
        kinds = {field.get_internal_type() for field in model._meta.concrete_fields}
        assert not kinds & {"DateTimeField", "DateField", "TimeField"}, model
    for entry in AuditEntry.objects.filter(action="consultation.answer"):
        assert set(entry.changes) == {"consultation"}
    if POSTGRES:
        assert tables_written_by(set(voters_xid.values())) <= VOTERS_TABLES


# --- a secret participatory budget --------------------------------------------------------------
def test_a_database_reader_links_no_secret_budget_ballot_to_its_voter(people):
    staff = people["staff"]
    costs = [f"{1000 * n}.00" for n in range(1, 7)]
    budget, projects = voting_budget(people["coop"], staff, costs=costs, secret=True)
    content = ("decisions_budgetchoice", "mixed", "WHERE mixed IS NOT NULL", [])
    voters = ("decisions_budgetballot", "voter_id", "WHERE budget_id = %s", [budget.pk])
    voter_of_set, voters_xid = {}, {}

    def assert_unlinkable():
        sets: dict = {}
        for mixed, project in BudgetChoice.objects.values_list("mixed", "project_id"):
            sets.setdefault(mixed, set()).add(project)
        truth = {mixed: voter_of_set[frozenset(chosen)] for mixed, chosen in sets.items()}
        assert not BudgetChoice.objects.filter(ballot__isnull=False).exists()
        assert_nothing_links(attacks(content, voters, voters_xid), truth)

    for n, voter in enumerate(residents(people, VOTERS), start=1):
        # The projects of n's binary digits: a different set for each voter.
        chosen = [p for i, p in enumerate(projects) if n >> i & 1]
        ballot = vote(budget, voter, chosen)
        assert ballot.total_cost is None
        voter_of_set[frozenset(p.pk for p in chosen)] = voter.pk
        if POSTGRES:
            voters_xid[voter.pk] = voter_xid(voters[0], "WHERE id = %s", [ballot.pk])
        if n == VOTERS // 2:
            assert BudgetChoice.objects.exists()
            assert_unlinkable()
    budget = count(budget, staff)
    assert budget.tally["voters"] == VOTERS and not SealedBallot.objects.exists()
    assert_unlinkable()
    for entry in AuditEntry.objects.filter(action="budget.vote"):
        assert set(entry.changes) == {"budget"}
    if POSTGRES:
        assert tables_written_by(set(voters_xid.values())) <= VOTERS_TABLES | {
            "decisions_budgetballot",
            "decisions_participatorybudget",
        }


# --- a secret election --------------------------------------------------------------------------
@pytest.fixture
def election(people):
    """A secret election for one seat among three candidates, 50 members present."""
    coop = people["coop"]
    book_setup(coop=coop)
    members = {
        n: admit(coop, person(n), user=make_user(f"socio{n}"), days_ago=200 + n)
        for n in range(1, VOTERS + 1)
    }
    session = open_session(convene({**people, "members": members}))
    for member in members.values():
        session_services.attendance_register(
            actor=people["staff"], assembly=session["assembly"], member=member
        )
    motion = voting_services.motion_create(
        actor=people["staff"],
        assembly=session["assembly"],
        title="Consiglio di amministrazione",
        kind="election",
        ballot="secret",
        candidates=["Anna", "Bruno", "Carla"],
    )
    return {**session, "members": members, "motion": motion}


def counted(motion) -> int:
    """Ballots in the totals (every member has one vote; a blank ballot is an abstention)."""
    units = Candidate.objects.filter(motion=motion).values_list("units", flat=True)
    return sum(units) + Motion.objects.get(pk=motion.pk).abstain_units


def test_a_secret_election_moves_its_totals_only_by_mixed_batches(people, election):
    staff, members = people["staff"], election["members"]
    motion = voting_services.motion_open(actor=staff, motion=election["motion"])
    candidates = list(Candidate.objects.filter(motion=motion).values_list("pk", flat=True))
    rng = random.Random(7)
    voters_xid, before, batches = {}, 0, []
    for member in members.values():
        chosen = rng.choice([[c] for c in candidates] + [[]])
        voting_services.ballot_cast(
            actor=member.user, motion=motion, voter=member, candidates=chosen
        )
        now = counted(motion)
        if now != before:
            batches.append(now - before)
            before = now
        if POSTGRES:
            vote = Vote.objects.get(motion=motion, voter=member)
            voters_xid[member.pk] = voter_xid("decisions_vote", "WHERE id = %s", [vote.pk])
            # No candidate's total was ever written by a voter's transaction.
            candidate_xmin = xmin_of(
                "decisions_candidate", "id", "WHERE motion_id = %s", [motion.pk]
            )
            assert not set(candidate_xmin.values()) & set(voters_xid.values())
    # While it was open, the totals moved only by batches of at least the pool's size.
    assert batches and all(size >= settings.BALLOT_POOL for size in batches)
    assert counted(motion) < VOTERS
    motion = voting_services.motion_close(actor=staff, motion=motion)
    assert counted(motion) == VOTERS and not SealedBallot.objects.exists()
    assert not Vote.objects.filter(motion=motion).exclude(choice="").exists()
    assert not Vote.candidates.through.objects.filter(vote__motion=motion).exists()
    for entry in AuditEntry.objects.filter(action="vote.cast"):
        assert set(entry.changes) == {"motion", "voter"}
    if POSTGRES:
        assert tables_written_by(set(voters_xid.values())) <= VOTERS_TABLES
