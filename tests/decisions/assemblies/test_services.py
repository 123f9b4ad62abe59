"""Assemblies through their services: convocation and notice, the voters' roll on the day,
attendance, proxies (art. 2539), the quorum, ballots open and secret, results and minutes."""

from __future__ import annotations

from datetime import timedelta
from fractions import Fraction

import pytest
from django.core import mail

from comunitas.core.errors import ValidationError
from comunitas.core.models import AuditEntry
from comunitas.decisions.assemblies import selectors
from comunitas.decisions.assemblies import services as assemblies_services
from comunitas.decisions.assemblies import session_services as assemblies_session_services
from comunitas.decisions.assemblies import voting_services as assemblies_voting_services
from comunitas.decisions.models import (
    Assembly,
    AssemblyStatus,
    Candidate,
    Minutes,
    Motion,
    Notice,
    NoticeChannel,
    Proxy,
    RollEntry,
    Vote,
)
from comunitas.members.models import Member
from tests.helpers import (
    ASSEMBLY_FIELDS,
    ORGANISATION,
    admit,
    category,
    convene,
    first_call,
    make_user,
    person,
)

pytestmark = pytest.mark.django_db


def fields(**extra):
    return {**ASSEMBLY_FIELDS, "first_call_at": first_call(), **extra}


def errors_of(exc) -> dict:
    return exc.value.as_dict()


def present(data, *keys, mode="in_person"):
    for key in keys:
        assemblies_session_services.attendance_register(
            actor=data["staff"],
            assembly=data["assembly"],
            member=data["members"][key],
            mode=mode,
        )


def motion(data, **extra):
    values = {"title": "Approvazione del bilancio 2025", **extra}
    candidates = values.pop("candidates", None)
    return assemblies_voting_services.motion_create(
        actor=data["staff"], assembly=data["assembly"], **values, candidates=candidates
    )


def opened(data, **extra):
    return assemblies_voting_services.motion_open(actor=data["staff"], motion=motion(data, **extra))


def vote(data, motion, key, choice="for", *, as_key=None, candidates=None):
    """``key`` votes (or the holder ``as_key`` for them) with their own login."""
    caster = data["members"][as_key or key]
    return assemblies_voting_services.ballot_cast(
        actor=caster.user,
        motion=motion,
        voter=data["members"][key],
        choice=choice,
        candidates=candidates,
    )


def give_login(member, username):
    member.user = make_user(username)
    member.save(update_fields=["user"])
    return member


# --- the draft and the convocation --------------------------------------------------------------
def test_the_second_call_is_on_a_later_day_and_the_assembly_has_a_place(assembly_book):
    with pytest.raises(ValidationError) as exc:
        assemblies_services.assembly_create(
            actor=assembly_book["admin"],
            coop=assembly_book["coop"],
            **fields(second_call_at=first_call(2), place="", online_url=""),
        )
    found = errors_of(exc)
    assert "later day" in found["second_call_at"][0]
    assert "where the assembly meets" in found["place"][0]
    with pytest.raises(ValidationError) as exc:
        assemblies_services.assembly_create(
            actor=assembly_book["admin"],
            coop=assembly_book["coop"],
            **fields(second_call_at=first_call(24 * 31)),
        )
    assert "within 30 days" in errors_of(exc)["second_call_at"][0]
    assert not Assembly.objects.exists()


def test_a_notice_shorter_than_the_statute_allows_is_refused(assembly_book):
    assembly = assemblies_services.assembly_create(
        actor=assembly_book["admin"], coop=assembly_book["coop"], **fields()
    )
    assemblies_services.agenda_item_add(actor=assembly_book["admin"], assembly=assembly, title="X")
    with pytest.raises(ValidationError) as exc:
        assemblies_services.assembly_convene(
            actor=assembly_book["admin"], assembly=assembly, at=first_call() - timedelta(days=7)
        )
    assert "8 days of notice" in errors_of(exc)["first_call_at"][0]
    assembly.refresh_from_db()
    assert assembly.status == AssemblyStatus.DRAFT
    assert not Notice.objects.exists()


def test_an_assembly_needs_an_agenda_before_it_is_convened(assembly_book):
    assembly = assemblies_services.assembly_create(
        actor=assembly_book["admin"], coop=assembly_book["coop"], **fields()
    )
    with pytest.raises(ValidationError, match="agenda"):
        assemblies_services.assembly_convene(
            actor=assembly_book["admin"], assembly=assembly, at=first_call() - timedelta(days=9)
        )


def test_convening_notifies_every_current_member_by_e_mail_or_post(
    assembly_book, django_capture_on_commit_callbacks
):
    mail.outbox.clear()  # the admissions' e-mails
    with django_capture_on_commit_callbacks(execute=True):
        convened = convene(assembly_book)
    assembly = convened["assembly"]
    members = convened["members"]
    assert assembly.status == AssemblyStatus.CONVENED
    assert assembly.notice_days == 8
    # Every current member is notified, those enrolled too recently to vote included.
    assert Notice.objects.filter(assembly=assembly).count() == len(members)
    recipients = sorted(message.to[0] for message in mail.outbox)
    assert recipients == sorted(m.email for m in members.values())
    body = mail.outbox[0].body
    assert "Bilancio 2025" in body and "Elezione CdA" in body
    assert f"/assemblies/{assembly.pk}/notice.pdf" in body
    [(name, content, mimetype)] = mail.outbox[0].attachments  # the notice, as a PDF
    assert mimetype == "application/pdf" and content.startswith(b"%PDF") and name.endswith(".pdf")
    entry = AuditEntry.objects.get(action="assembly.convene")
    assert entry.changes["notices"]["after"] == len(members)


def test_a_member_without_an_e_mail_gets_the_printed_notice(
    assembly_book, django_capture_on_commit_callbacks
):
    member = assembly_book["members"][3]
    Member.objects.filter(pk=member.pk).update(email="")
    assembly = assemblies_services.assembly_create(
        actor=assembly_book["admin"], coop=assembly_book["coop"], **fields()
    )
    assemblies_services.agenda_item_add(actor=assembly_book["admin"], assembly=assembly, title="X")
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        assemblies_services.assembly_convene(
            actor=assembly_book["admin"], assembly=assembly, at=first_call() - timedelta(days=8)
        )
    assert Notice.objects.get(member=member).channel == NoticeChannel.POST
    assert len(mail.outbox) == len(assembly_book["members"]) - 1


def test_a_convened_assembly_cannot_change_its_notice_or_agenda(convened):
    with pytest.raises(ValidationError, match="cancel the assembly"):
        assemblies_services.assembly_update(
            actor=convened["admin"], assembly=convened["assembly"], fields={"title": "Altro"}
        )
    with pytest.raises(ValidationError, match="agenda is fixed"):
        assemblies_services.agenda_item_add(
            actor=convened["admin"], assembly=convened["assembly"], title="Altro"
        )


def test_cancelling_tells_the_members_why(assembly_book, django_capture_on_commit_callbacks):
    convened = convene(assembly_book)
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        assemblies_services.assembly_cancel(
            actor=convened["admin"], assembly=convened["assembly"], reason="Sala inagibile."
        )
    assert len(mail.outbox) == len(convened["members"])
    assert "Sala inagibile." in mail.outbox[0].body


# --- the roll and the quorum --------------------------------------------------------------------
def test_the_roll_is_the_member_book_on_the_day_89_days_do_not_vote(in_session):
    members = in_session["members"]
    on_roll = set(RollEntry.objects.values_list("member_id", flat=True))
    assert members["recent"].pk not in on_roll
    assert on_roll == {m.pk for k, m in members.items() if k != "recent"}
    assembly = in_session["assembly"]
    assert (assembly.vote_denominator, assembly.total_units) == (1, 8)
    problem = selectors.voting_problem(assembly=assembly, member=members["recent"])
    assert "89 days" in problem and "90 days" in problem


def test_organisations_get_the_statutes_votes_and_financing_members_at_most_a_third(convened):
    coop = convened["coop"]
    statute = coop.statutes.get()
    statute.legal_person_max_votes = 3
    statute.save()
    admit(coop, {**ORGANISATION, "category": category(coop, "persona-giuridica")}, days_ago=400)
    for n in range(20, 26):  # six financing members against 8 + 3 other votes
        admit(coop, person(n, category=category(coop, "sovventore")), days_ago=400)
    assembly = assemblies_session_services.assembly_open(
        actor=convened["admin"], assembly=convened["assembly"], call="first", at=first_call(-1)
    )
    d = assembly.vote_denominator
    votes = {
        e.member.kind + ("/fin" if e.member.category.is_financing else ""): Fraction(e.units, d)
        for e in RollEntry.objects.select_related("member__category")
    }
    assert votes["organisation"] == 3
    financing = sum(
        Fraction(e.units, d) for e in RollEntry.objects.filter(member__category__is_financing=True)
    )
    total = Fraction(assembly.total_units, d)
    assert financing == total / 3  # scaled exactly: 11 others, 5.5 financing, 16.5 in all
    assert total == Fraction(33, 2)


def test_quorum_counts_members_present_and_those_they_represent(in_session):
    assembly = in_session["assembly"]
    assert not selectors.quorum(assembly=assembly).met
    present(in_session, "member", "admin", 3)
    assemblies_session_services.proxy_register(
        actor=in_session["staff"],
        assembly=assembly,
        grantor=in_session["members"][4],
        holder=in_session["members"][3],
    )
    quorum = selectors.quorum(assembly=assembly)
    assert (quorum.in_person_units, quorum.proxy_units, quorum.total_units) == (3, 1, 8)
    assert not quorum.met  # 4 of 8 votes: the first call needs more than half
    present(in_session, 5)
    assert selectors.quorum(assembly=assembly).met
    assemblies_session_services.attendance_leave(
        actor=in_session["staff"],
        attendance=assembly.attendance.get(member=in_session["members"][3]),
    )
    quorum = selectors.quorum(assembly=assembly)
    # Member 3 left, and with them the proxy of member 4.
    assert (quorum.in_person_units, quorum.proxy_units) == (3, 0)


def test_quorum_is_a_constant_number_of_queries(in_session, django_assert_num_queries):
    present(in_session, "member", "admin", 3, 5)
    with django_assert_num_queries(4):
        selectors.quorum(assembly=in_session["assembly"])


# --- proxies ------------------------------------------------------------------------------------
def test_proxies_follow_article_2539(in_session):
    assembly, members, staff = in_session["assembly"], in_session["members"], in_session["staff"]
    register = lambda grantor, holder: assemblies_session_services.proxy_register(  # noqa: E731
        actor=staff, assembly=assembly, grantor=members[grantor], holder=members[holder]
    )
    for grantor in (4, 5, 6):
        register(grantor, 3)
    with pytest.raises(ValidationError) as exc:  # the statute's three
        register(7, 3)
    assert "3 proxies" in errors_of(exc)["holder"][0]
    with pytest.raises(ValidationError) as exc:
        register("recent", 8)
    assert "90 days" in errors_of(exc)["grantor"][0]
    with pytest.raises(ValidationError) as exc:
        register(7, "recent")
    assert "90 days" in errors_of(exc)["holder"][0]
    with pytest.raises(ValidationError) as exc:  # no chains
        register(3, 8)
    assert "holds proxies" in errors_of(exc)["grantor"][0]
    with pytest.raises(ValidationError) as exc:
        register(4, 8)
    assert "already given a proxy" in errors_of(exc)["grantor"][0]
    stranger = admit(in_session["other"], person(50), days_ago=400)
    with pytest.raises(ValidationError) as exc:
        assemblies_session_services.proxy_register(
            actor=staff, assembly=assembly, grantor=members[7], holder=stranger
        )
    assert "not a member of this cooperative" in errors_of(exc)["holder"][0]
    assert Proxy.objects.filter(revoked_at__isnull=True).count() == 3


def test_a_member_who_arrives_votes_in_person_and_the_proxy_lapses(in_session):
    members = in_session["members"]
    proxy = assemblies_session_services.proxy_register(
        actor=in_session["staff"],
        assembly=in_session["assembly"],
        grantor=members[4],
        holder=members[3],
    )
    present(in_session, 4)
    proxy.refresh_from_db()
    assert proxy.revoked_at is not None and "in person" in proxy.revoked_reason
    with pytest.raises(ValidationError, match="present and votes in person"):
        assemblies_session_services.proxy_register(
            actor=in_session["staff"],
            assembly=in_session["assembly"],
            grantor=members[4],
            holder=members[5],
        )


# --- ballots ------------------------------------------------------------------------------------
@pytest.fixture
def quorate(in_session):
    """Members 1 (member1), 2 (admin1), 3 and 5 present, 3 holding 4's proxy: 5 of 8 votes.
    Members 3 and 4 get logins too."""
    members = in_session["members"]
    give_login(members[3], "socio3")
    give_login(members[4], "socio4")
    present(in_session, "member", "admin", 3, 5)
    assemblies_session_services.proxy_register(
        actor=in_session["staff"],
        assembly=in_session["assembly"],
        grantor=members[4],
        holder=members[3],
    )
    return in_session


def test_no_vote_opens_without_quorum(in_session):
    present(in_session, "member")
    with pytest.raises(ValidationError, match="not quorate"):
        opened(in_session)


def test_an_open_ballot_counts_votes_proxies_and_names_the_dissent(quorate):
    m = opened(quorate)
    vote(quorate, m, "member", "for")
    vote(quorate, m, "admin", "for")
    vote(quorate, m, 3, "against")
    vote(quorate, m, 4, "abstain", as_key=3)  # by proxy
    assert Vote.objects.get(voter=quorate["members"][4]).by_proxy == quorate["members"][3]
    hidden = selectors.tally(motion=Motion.objects.get(pk=m.pk))
    assert hidden.hidden and hidden.voters == 4 and hidden.passed is None
    closed = assemblies_voting_services.motion_close(actor=quorate["staff"], motion=m)
    result = selectors.tally(motion=closed, with_names=True)
    assert (result.votes_for, result.votes_against, result.votes_abstain) == ("2", "1", "1")
    assert result.passed and result.quorum_met
    assert [choice for _name, choice in result.dissenting] == ["Against", "Abstain"]


def test_voting_twice_after_close_or_without_the_right_is_refused(quorate):
    m = opened(quorate)
    vote(quorate, m, "member")
    with pytest.raises(ValidationError, match="already voted"):
        vote(quorate, m, "member", "against")
    with pytest.raises(ValidationError, match="no proxy"):
        vote(quorate, m, 5, as_key="admin")
    recent = give_login(quorate["members"]["recent"], "nuovo")
    present(quorate, "recent")
    with pytest.raises(ValidationError) as exc:
        assemblies_voting_services.ballot_cast(
            actor=recent.user, motion=m, voter=recent, choice="for"
        )
    assert "89 days" in errors_of(exc)["voter"][0]
    with pytest.raises(ValidationError, match="Vote for, against or abstain"):
        vote(quorate, m, "admin", "maybe")
    assemblies_voting_services.motion_close(actor=quorate["staff"], motion=m)
    with pytest.raises(ValidationError, match="not open"):
        vote(quorate, m, "admin")
    assert Motion.objects.get(pk=m.pk).voters == 1
    assert Vote.objects.count() == 1


def test_a_member_absent_cannot_vote_and_staff_record_only_open_ballots(quorate):
    members = quorate["members"]
    give_login(members[6], "socio6")
    m = opened(quorate, ballot="secret")
    with pytest.raises(ValidationError, match="Register your presence"):
        vote(quorate, m, 6)
    with pytest.raises(ValidationError, match="every member casts their own"):
        assemblies_voting_services.ballot_cast(
            actor=quorate["staff"], motion=m, voter=members[5], choice="for", recorded_by_staff=True
        )
    open_motion = opened(quorate, title="Quota associativa")
    assemblies_voting_services.ballot_cast(
        actor=quorate["staff"],
        motion=open_motion,
        voter=members[5],
        choice="against",
        recorded_by_staff=True,
    )
    assert Vote.objects.get(motion=open_motion).recorded_by == quorate["staff"]


def test_a_secret_ballot_keeps_no_link_between_voter_and_choice(quorate):
    m = opened(quorate, ballot="secret")
    vote(quorate, m, "member", "against")
    vote(quorate, m, 3, "for")
    votes = list(Vote.objects.filter(motion=m).values("choice", "voter_id"))
    assert len(votes) == 2 and {v["choice"] for v in votes} == {""}
    trail = AuditEntry.objects.filter(action="vote.cast")
    assert trail.count() == 2
    assert all("choice" not in entry.changes for entry in trail)
    assert "against" not in str(list(trail.values_list("changes", "object_repr")))
    result = selectors.tally(
        motion=assemblies_voting_services.motion_close(actor=quorate["staff"], motion=m)
    )
    assert (result.votes_for, result.votes_against) == ("1", "1")
    assert not result.passed  # a simple majority needs more for than against
    assert result.dissenting == []


@pytest.mark.parametrize(
    ("majority", "base", "votes", "passed"),
    [
        # 5 votes present, 8 on the roll; member1, admin1 and 3 vote, 3 for 4 by proxy.
        ("simple", "cast", ["for", "against", "abstain", "abstain"], False),
        ("simple", "cast", ["for", "for", "against", "abstain"], True),
        ("absolute", "cast", ["for", "for", "against", "abstain"], False),  # 2 of 4
        ("absolute", "cast", ["for", "for", "for", "abstain"], True),
        ("absolute", "present", ["for", "for", "for", "against"], True),  # 3 of 5
        ("absolute", "all", ["for", "for", "for", "for"], False),  # 4 of 8
        ("qualified", "cast", ["for", "for", "against", "abstain"], False),  # 2/4 < 2/3
        ("qualified", "cast", ["for", "for", "for", "against"], True),  # 3/4 >= 2/3
        ("qualified", "present", ["for", "for", "for", "against"], False),  # 3/5 < 2/3
    ],
)
def test_majorities(quorate, majority, base, votes, passed):
    m = opened(quorate, majority=majority, majority_base=base)
    for key, choice in zip(["member", "admin", 3], votes, strict=False):
        vote(quorate, m, key, choice)
    vote(quorate, m, 4, votes[3], as_key=3)
    assert (
        assemblies_voting_services.motion_close(actor=quorate["staff"], motion=m).passed is passed
    )


def test_a_qualified_majority_is_over_one_half(quorate):
    with pytest.raises(ValidationError) as exc:
        motion(quorate, majority="qualified", qualified_numerator=1, qualified_denominator=2)
    assert "over one half" in errors_of(exc)["qualified_numerator"][0]


def test_an_election_fills_the_seats_and_reports_a_tie(quorate):
    m = opened(
        quorate,
        title="Elezione del consiglio",
        kind="election",
        ballot="secret",
        seats=2,
        candidates=["Anna Verdi", "Bruno Neri", "Carla Blu"],
    )
    ids = {c.name: c.pk for c in Candidate.objects.filter(motion=m)}
    with pytest.raises(ValidationError, match="at most 2"):
        vote(quorate, m, "member", "", candidates=list(ids.values()))
    with pytest.raises(ValidationError, match="once"):
        vote(quorate, m, "member", "", candidates=[ids["Anna Verdi"], ids["Anna Verdi"]])
    vote(quorate, m, "member", "", candidates=[ids["Anna Verdi"], ids["Bruno Neri"]])
    vote(quorate, m, "admin", "", candidates=[ids["Anna Verdi"], ids["Carla Blu"]])
    vote(quorate, m, 3, "", candidates=[])  # a blank ballot
    closed = assemblies_voting_services.motion_close(actor=quorate["staff"], motion=m)
    result = selectors.tally(motion=closed)
    assert [(c.name, c.votes, c.elected) for c in result.candidates] == [
        ("Anna Verdi", "2", True),
        ("Bruno Neri", "1", None),  # tied with Carla Blu for the second seat
        ("Carla Blu", "1", None),
    ]
    assert result.votes_abstain == "1" and closed.passed


def test_a_vote_that_lost_its_quorum_is_not_carried(quorate):
    m = opened(quorate)
    vote(quorate, m, "member", "for")
    for key in ("admin", 5):
        assemblies_session_services.attendance_leave(
            actor=quorate["staff"],
            attendance=quorate["assembly"].attendance.get(member=quorate["members"][key]),
        )
    closed = assemblies_voting_services.motion_close(actor=quorate["staff"], motion=m)
    assert closed.quorum_met is False and closed.passed is False


# --- closing and minutes ------------------------------------------------------------------------
def test_minutes_are_signed_into_the_book_with_gapless_numbers(quorate):
    m = opened(quorate)
    vote(quorate, m, "member", "for")
    assemblies_voting_services.motion_close(actor=quorate["staff"], motion=m)
    with pytest.raises(ValidationError, match="not open"):
        assemblies_voting_services.motion_close(actor=quorate["staff"], motion=m)
    assembly = assemblies_session_services.assembly_close(
        actor=quorate["staff"], assembly=quorate["assembly"]
    )
    minutes = Minutes.objects.get(assembly=assembly)
    with pytest.raises(ValidationError) as exc:
        assemblies_services.minutes_sign(actor=quorate["admin"], minutes=minutes)
    assert set(errors_of(exc)) == {"chair_name", "secretary_name"}
    assemblies_services.minutes_update(
        actor=quorate["staff"],
        minutes=minutes,
        fields={
            "chair_name": "Ada Board",
            "chair_role": "Presidente",
            "secretary_name": "Sara Staff",
            "narrative": "La presidente illustra il bilancio.",
        },
    )
    signed = assemblies_services.minutes_sign(actor=quorate["admin"], minutes=minutes)
    assert signed.number == 1
    assert "Approvazione del bilancio 2025" in signed.record_html
    assert "La presidente illustra il bilancio." in signed.record_html
    assert "Ada Board" in signed.record_html
    with pytest.raises(ValidationError, match="cannot change"):
        assemblies_services.minutes_update(
            actor=quorate["staff"], minutes=signed, fields={"narrative": "x"}
        )
    assert list(selectors.minute_book(coop=quorate["coop"])) == [signed]


def test_an_assembly_with_a_vote_open_cannot_close(quorate):
    opened(quorate)
    with pytest.raises(ValidationError, match="still open"):
        assemblies_session_services.assembly_close(
            actor=quorate["staff"], assembly=quorate["assembly"]
        )
    assert quorate["assembly"].status == AssemblyStatus.OPEN


def test_staff_record_a_represented_member_through_the_holder_present(quorate):
    members, staff = quorate["members"], quorate["staff"]
    m = opened(quorate)
    record = lambda key: assemblies_voting_services.ballot_cast(  # noqa: E731
        actor=staff, motion=m, voter=members[key], choice="for", recorded_by_staff=True
    )
    assert record(4).by_proxy == members[3]
    with pytest.raises(ValidationError, match="neither present nor represented"):
        record(6)


def test_an_eleventh_proxy_is_refused_even_where_the_statute_allows_ten(convened):
    coop, staff = convened["coop"], convened["staff"]
    statute = coop.statutes.get()
    statute.max_proxies_per_member = 10  # the law's most (art. 2539 c.c.)
    statute.save()
    extra = [admit(coop, person(60 + n), days_ago=200) for n in range(11)]
    assembly = assemblies_session_services.assembly_open(
        actor=staff, assembly=convened["assembly"], call="first", at=first_call(-1)
    )
    holder = convened["members"][3]
    for grantor in extra[:10]:
        assemblies_session_services.proxy_register(
            actor=staff, assembly=assembly, grantor=grantor, holder=holder
        )
    with pytest.raises(ValidationError) as exc:
        assemblies_session_services.proxy_register(
            actor=staff, assembly=assembly, grantor=extra[10], holder=holder
        )
    assert "10 proxies" in errors_of(exc)["holder"][0]
    assert Proxy.objects.filter(holder=holder, revoked_at__isnull=True).count() == 10
