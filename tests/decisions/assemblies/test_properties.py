"""Property tests (hypothesis) of the votes: the caps of the roll (art. 2538 c.c., L. 59/1992
art. 4) for any mix of members, and tallies that always equal a recount and a result that always
follows its majority rule, for any ballots."""

from __future__ import annotations

import itertools
from datetime import timedelta
from fractions import Fraction

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from stdnum import luhn

from comunitas.decisions.assemblies import services as assemblies_services
from comunitas.decisions.assemblies import session_services as assemblies_session_services
from comunitas.decisions.assemblies import voting_services as assemblies_voting_services
from comunitas.decisions.models import Motion, RollEntry, Vote
from comunitas.members.book.services import book_setup
from tests.helpers import (
    ASSEMBLY_FIELDS,
    ORGANISATION,
    admit,
    category,
    first_call,
    make_coop,
    make_user,
    person,
)

pytestmark = pytest.mark.django_db
SETTINGS = settings(
    max_examples=15,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
serial = itertools.count(1)


def _organisation(n: int, coop, code: str) -> dict:
    body = f"{n:07d}001"  # a progressive number and a valid office code
    return {
        **ORGANISATION,
        "organisation_name": f"Associazione {n}",
        "fiscal_code": "",
        "vat_number": body + luhn.calc_check_digit(body),
        "category": category(coop, code),
    }


@settings(SETTINGS, max_examples=10)
@given(
    persons=st.integers(0, 4),
    organisations=st.integers(0, 2),
    financing_persons=st.integers(0, 5),
    financing_organisations=st.integers(0, 2),
    legal_person_votes=st.integers(1, 5),
)
def test_the_roll_caps_votes_by_law_for_any_mix_of_members(
    territory,
    persons,
    organisations,
    financing_persons,
    financing_organisations,
    legal_person_votes,
):
    n = next(serial)
    coop = make_coop(f"caps-{n}")
    statute = coop.statutes.get()
    statute.legal_person_max_votes = legal_person_votes
    statute.save()
    book_setup(coop=coop)
    count = itertools.count(n * 100)
    kinds = [("person", "fruitore")] * persons + [("org", "persona-giuridica")] * organisations
    kinds += [("person", "sovventore")] * financing_persons
    kinds += [("org", "sovventore")] * financing_organisations
    if not kinds:
        kinds = [("person", "fruitore")]
    for kind, code in kinds:
        i = next(count)
        if kind == "person":
            admit(coop, person(i, category=category(coop, code)), days_ago=200)
        else:
            admit(coop, _organisation(i, coop, code), days_ago=200)
    assembly = assemblies_services.assembly_create(
        actor=None, coop=coop, **ASSEMBLY_FIELDS, first_call_at=first_call()
    )
    assemblies_services.agenda_item_add(actor=None, assembly=assembly, title="Bilancio")
    assemblies_services.assembly_convene(
        actor=None, assembly=assembly, at=first_call() - timedelta(days=9)
    )
    assembly = assemblies_session_services.assembly_open(
        actor=None, assembly=assembly, call="first", at=first_call()
    )

    d = assembly.vote_denominator
    votes = {
        e.member_id: (e.member.kind, e.member.category.is_financing, Fraction(e.units, d))
        for e in RollEntry.objects.filter(assembly=assembly).select_related("member__category")
    }
    others_count = sum(1 for _kind, code in kinds if code != "sovventore")
    # Financing members alone have no vote: a third of nobody else's votes is nothing.
    assert len(votes) == (len(kinds) if others_count else 0)
    total = Fraction(assembly.total_units, d)
    assert total == sum(v for _k, _f, v in votes.values())
    others = [(k, v) for k, f, v in votes.values() if not f]
    financing = [(k, v) for k, f, v in votes.values() if f]
    # One member one vote; an organisation the statute's votes, never over five.
    assert all(v == (legal_person_votes if k == "organisation" else 1) for k, v in others)
    base = sum(legal_person_votes if k == "organisation" else 1 for k, _v in financing)
    financing_votes = sum((v for _k, v in financing), Fraction(0))
    assert financing_votes * 3 <= total  # together at most a third
    if base * 2 <= sum(v for _k, v in others):
        assert financing_votes == base  # no cap needed: nobody scaled
    else:
        assert financing_votes * 3 == total  # scaled exactly to a third, no rounding


def reference_passed(majority, base_kind, yes, no, abstain, present, total, q) -> bool:
    cast = yes + no + abstain
    if yes == 0:
        return False
    base = {"cast": cast, "present": max(present, cast), "all": total}[base_kind]
    if majority == "simple":
        return yes > no
    if majority == "absolute":
        return Fraction(yes) > Fraction(base, 2)
    return Fraction(yes) >= q * base


@SETTINGS
@given(
    ballots=st.lists(st.sampled_from(["for", "against", "abstain", None]), min_size=6, max_size=6),
    majority=st.sampled_from(["simple", "absolute", "qualified"]),
    base=st.sampled_from(["cast", "present", "all"]),
    secret=st.booleans(),
    fraction=st.sampled_from([(2, 3), (3, 5), (3, 4), (1, 1)]),
)
def test_tallies_equal_a_recount_and_follow_the_majority_rule(
    in_session, ballots, majority, base, secret, fraction
):
    staff, members = in_session["staff"], in_session["members"]
    assembly = in_session["assembly"]
    present = ["member", "admin", 3, 4, 5, 6]  # 6 of the 8 votes: quorate at first call
    if not assembly.attendance.exists():
        for key in present:
            assemblies_session_services.attendance_register(
                actor=staff, assembly=assembly, member=members[key]
            )
    motion = assemblies_voting_services.motion_open(
        actor=staff,
        motion=assemblies_voting_services.motion_create(
            actor=staff,
            assembly=assembly,
            title=f"Mozione {next(serial)}",
            ballot="secret" if secret else "open",
            majority=majority,
            majority_base=base,
            qualified_numerator=fraction[0],
            qualified_denominator=fraction[1],
        ),
    )
    for key, choice in zip(present, ballots, strict=True):
        if choice is None:
            continue
        if secret:  # each member casts their own
            assemblies_voting_services.ballot_cast(
                actor=_login(members[key]), motion=motion, voter=members[key], choice=choice
            )
        else:  # recorded by staff, as a show of hands
            assemblies_voting_services.ballot_cast(
                actor=staff,
                motion=motion,
                voter=members[key],
                choice=choice,
                recorded_by_staff=True,
            )
    closed = assemblies_voting_services.motion_close(
        actor=staff, motion=Motion.objects.get(pk=motion.pk)
    )
    expected = {c: ballots.count(c) for c in ("for", "against", "abstain")}
    assert (closed.for_units, closed.against_units, closed.abstain_units) == tuple(
        expected.values()
    )
    assert closed.voters == Vote.objects.filter(motion=motion).count() == sum(expected.values())
    if not secret:
        recount = {c: Vote.objects.filter(motion=motion, choice=c).count() for c in expected}
        assert recount == expected
    else:
        assert set(Vote.objects.filter(motion=motion).values_list("choice", flat=True)) <= {""}
    assert closed.passed == reference_passed(
        majority,
        base,
        expected["for"],
        expected["against"],
        expected["abstain"],
        6,
        8,
        Fraction(*fraction),
    )


def _login(member):
    """A login for a member who votes in person in a secret ballot (staff cannot record it)."""

    if member.user_id is None:
        member.user = make_user(f"votante{member.pk}")
        member.save(update_fields=["user"])
    return member.user
