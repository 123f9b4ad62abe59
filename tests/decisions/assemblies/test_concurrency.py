"""Ballots and proxies at the same instant, on real threads with their own database connections
(as concurrent requests): every eligible voter is counted exactly once however many times and
however fast they submit, and no member ends up holding more proxies than the statute allows.
Runs on SQLite (BEGIN IMMEDIATE: transactions queue for the write lock) and on PostgreSQL
(DATABASE_URL=postgres://…: the unique constraint on (motion, voter) and the conditional
UPDATE of the motion's counters)."""

from __future__ import annotations

import random

import pytest
from django.conf import settings
from django.contrib.auth import get_user_model

from comunitas.core.errors import ValidationError
from comunitas.decisions.assemblies import session_services as assemblies_session_services
from comunitas.decisions.assemblies import voting_services as assemblies_voting_services
from comunitas.decisions.models import Motion, Proxy, Vote
from comunitas.decisions.models.sealed import SealedBallot
from comunitas.members.book.services import book_setup
from comunitas.members.models import Member
from tests.helpers import admit, convene, make_user, open_session, person, run_together

pytestmark = pytest.mark.django_db(transaction=True)

VOTERS = 100


@pytest.fixture
def crowd(people):
    """An assembly in session with 100 members on the roll, each with a login, all present."""
    coop = people["coop"]
    book_setup(coop=coop)
    members = {}
    for n in range(1, VOTERS + 1):
        members[n] = admit(coop, person(n), user=make_user(f"socio{n}"), days_ago=200 + n)
    session = open_session(convene({**people, "members": members}))
    for member in members.values():
        assemblies_session_services.attendance_register(
            actor=people["staff"], assembly=session["assembly"], member=member
        )
    return session


def ballot(username: str, motion_id: int, choice: str):
    """A job as a request runs it: the caller's own login and member, the motion read afresh."""

    def job():
        user = get_user_model().objects.get(username=username)
        voter = Member.objects.get(user=user)
        motion = Motion.objects.get(pk=motion_id)
        return assemblies_voting_services.ballot_cast(
            actor=user, motion=motion, voter=voter, choice=choice
        )

    return job


@pytest.mark.parametrize("ballot_kind", ["secret", "open"])
def test_200_ballots_at_once_with_duplicates_count_each_voter_once(crowd, ballot_kind):
    staff = crowd["staff"]
    motion = assemblies_voting_services.motion_open(
        actor=staff,
        motion=assemblies_voting_services.motion_create(
            actor=staff,
            assembly=crowd["assembly"],
            title="Bilancio",
            ballot=ballot_kind,
        ),
    )
    rng = random.Random(2539)
    jobs = [
        ballot(f"socio{n}", motion.pk, rng.choice(["for", "against", "abstain"]))
        for n in range(1, VOTERS + 1)
        for _twice in range(2)
    ]
    rng.shuffle(jobs)
    results = run_together(jobs, connections=20)
    refused = [r for r in results if isinstance(r, ValidationError)]
    unexpected = [r for r in results if isinstance(r, Exception) and r not in refused]
    assert not unexpected, unexpected[:3]
    assert len(refused) == VOTERS and all("already voted" in str(r) for r in refused)
    motion.refresh_from_db()
    assert Vote.objects.filter(motion=motion).count() == VOTERS
    assert motion.voters == VOTERS
    counted = motion.for_units + motion.against_units + motion.abstain_units
    if ballot_kind == "secret":
        # Counted in batches as the votes came in; fewer than two pools' worth wait sealed,
        # counted at the close.
        sealed = SealedBallot.objects.filter(box=f"motion:{motion.pk}").count()
        assert counted + sealed == VOTERS
        assert settings.BALLOT_POOL <= sealed < 2 * settings.BALLOT_POOL
        motion = assemblies_voting_services.motion_close(actor=staff, motion=motion)
        counted = motion.for_units + motion.against_units + motion.abstain_units
        assert not SealedBallot.objects.exists()
    assert counted == VOTERS
    if ballot_kind == "open":  # the counters agree with a recount of the named votes
        recount = {
            c: Vote.objects.filter(motion=motion, choice=c).count()
            for c in ("for", "against", "abstain")
        }
        assert recount == {
            "for": motion.for_units,
            "against": motion.against_units,
            "abstain": motion.abstain_units,
        }


def test_a_vote_racing_the_close_is_either_counted_before_it_or_refused(crowd):
    staff = crowd["staff"]
    motion = assemblies_voting_services.motion_open(
        actor=staff,
        motion=assemblies_voting_services.motion_create(
            actor=staff, assembly=crowd["assembly"], title="X"
        ),
    )

    def close():
        return assemblies_voting_services.motion_close(
            actor=get_user_model().objects.get(pk=staff.pk), motion=Motion.objects.get(pk=motion.pk)
        )

    jobs = [ballot(f"socio{n}", motion.pk, "for") for n in range(1, 31)] + [close]
    results = run_together(jobs, connections=20)
    assert not [
        r for r in results if isinstance(r, Exception) and not isinstance(r, ValidationError)
    ]
    motion.refresh_from_db()
    counted = Vote.objects.filter(motion=motion).count()
    # Whatever the order, the closed result is exactly the votes recorded.
    assert motion.is_closed and motion.voters == counted == motion.for_units
    assert sum(1 for r in results if isinstance(r, Vote)) == counted


def test_eleven_proxies_to_one_holder_at_once_stop_at_the_statute(people):
    coop = people["coop"]
    book_setup(coop=coop)
    members = {n: admit(coop, person(n), days_ago=300 + n) for n in range(1, 14)}
    session = open_session(convene({**people, "members": members}))
    holder = members[1]

    def proxy(grantor_id):
        def job():
            return assemblies_session_services.proxy_register(
                actor=get_user_model().objects.get(pk=people["staff"].pk),
                assembly=session["assembly"],
                grantor=Member.objects.get(pk=grantor_id),
                holder=Member.objects.get(pk=holder.pk),
            )

        return job

    results = run_together([proxy(members[n].pk) for n in range(2, 13)])
    assert sum(1 for r in results if isinstance(r, Proxy)) == 3  # the statute's default
    assert all("3 proxies" in str(r) for r in results if isinstance(r, ValidationError))
    assert Proxy.objects.filter(holder=holder, revoked_at__isnull=True).count() == 3
