"""The assemblies API: drafting and convening, the notice, the session (roll, attendance,
proxies, quorum), motions and ballots open and secret, results hidden until the vote closes,
the minutes and the minute book; refusals answered in the API's one error shape, the same
permission rules as the pages, constant queries, and no answer that ties a secret vote to its
voter."""

from __future__ import annotations

import json
from datetime import timedelta

import pytest
from django.utils import timezone

from comunitas.core.models import Cooperative, Role
from comunitas.decisions.assemblies import services as assemblies_services
from comunitas.decisions.assemblies import session_services as assemblies_session_services
from comunitas.decisions.assemblies import voting_services as assemblies_voting_services
from comunitas.decisions.models import Assembly, Motion, Vote
from tests.helpers import (
    ASSEMBLY_FIELDS,
    admit,
    first_call,
    make_need,
    make_proposal,
    make_user,
    person,
)

pytestmark = pytest.mark.django_db
BASE = "/api/v1/coops/alpha"
A = f"{BASE}/assemblies"


def send(client, method: str, url: str, body: dict | None = None):
    return getattr(client, method)(url, json.dumps(body or {}), content_type="application/json")


def fields_of(response) -> list[str | None]:
    assert response.status_code == 422, response.content
    body = response.json()
    assert set(body) == {"detail", "errors"}
    return [e["field"] for e in body["errors"]]


def as_user(client, user):
    client.logout()
    client.force_login(user)
    return client


def give_login(member, username: str, kind: str = "member"):
    """A login for ``member`` with a role in the cooperative (the API asks for one)."""
    member.user = make_user(username)
    member.save(update_fields=["user"])
    Role.objects.create(coop=member.coop, user=member.user, kind=kind)
    return member.user


def later(days: int = 30, hour: int = 18) -> str:
    """A local time ``days`` from today, as an API client writes it (no offset: Italian time)."""
    return f"{timezone.localdate() + timedelta(days=days):%Y-%m-%d}T{hour:02d}:00"


DRAFT = {
    "kind": "ordinary",
    "title": "Assemblea di primavera",
    "first_call_at": later(30),
    "second_call_at": later(31),
    "place": "Sala consiliare",
}


def draft(client, people, **extra) -> dict:
    response = send(as_user(client, people["staff"]), "post", A, {**DRAFT, **extra})
    assert response.status_code == 201, response.content
    return response.json()


def session_url(data) -> str:
    return f"{A}/{data['assembly'].pk}"


def arrive(client, data, *numbers, mode="in_person"):
    as_user(client, data["staff"])
    for n in numbers:
        response = send(
            client, "post", f"{session_url(data)}/attendance", {"number": n, "mode": mode}
        )
        assert response.status_code == 201, response.content


def new_motion(client, data, **body) -> dict:
    as_user(client, data["staff"])
    values = {"title": "Approvazione del bilancio 2025", **body}
    response = send(client, "post", f"{session_url(data)}/motions", values)
    assert response.status_code == 201, response.content
    return response.json()


def opened_motion(client, data, **body) -> dict:
    motion = new_motion(client, data, **body)
    response = send(client, "post", f"{session_url(data)}/motions/{motion['id']}/open")
    assert response.status_code == 200, response.content
    return response.json()


@pytest.fixture
def quorate(in_session, client):
    """Members 1 (member1), 2 (admin1), 3 and 5 present, 3 holding 4's proxy: 5 of 8 votes;
    member no. 3 has the login socio3."""
    give_login(in_session["members"][3], "socio3")
    arrive(client, in_session, 1, 2, 3, 5)
    response = send(
        client, "post", f"{session_url(in_session)}/proxies", {"grantor": 4, "holder": 3}
    )
    assert response.status_code == 201, response.content
    return {**in_session, "socio3": in_session["members"][3].user}


# --- drafts, agenda, convocation ----------------------------------------------------------------
def test_operators_draft_an_assembly_members_do_not_see_it(client, people):
    made = draft(client, people, notes="Portare il documento.")
    assert made["status"] == "draft" and made["agenda"] == [] and made["motions"] == []
    assert made["quorum"] is None and made["minutes"] is None
    # A time without an offset is Italian time.
    local = timezone.localtime(Assembly.objects.get(pk=made["id"]).first_call_at)
    assert (local.hour, local.minute) == (18, 0)
    assert made["me"] == {
        "member": None,
        "present": False,
        "on_roll": False,
        "problem": None,
        "represented": [],
        "pending": [],
    }
    listed = client.get(A).json()
    assert listed["count"] == 1 and listed["items"][0]["status"] == "draft"
    as_user(client, people["member"])
    assert client.get(f"{A}/{made['id']}").status_code == 404
    assert client.get(f"{A}/{made['id']}/notice.pdf").status_code == 404
    assert client.get(A).json() == {"items": [], "count": 0}
    assert client.get(A, {"status": "draft"}).json()["count"] == 0


def test_a_draft_changes_and_bad_input_names_the_field(client, people):
    made = draft(client, people)
    url = f"{A}/{made['id']}"
    changed = send(
        client, "patch", url, {"title": "Assemblea straordinaria", "kind": "extraordinary"}
    )
    assert changed.status_code == 200, changed.content
    assert changed.json()["kind"] == "extraordinary"
    assert changed.json()["first_call_at"] == made["first_call_at"]  # not sent, not changed
    assert fields_of(send(client, "patch", url, {"second_call_at": later(30, 20)})) == [
        "second_call_at"
    ]
    assert fields_of(send(client, "patch", url, {"place": "", "online_url": ""})) == ["place"]
    assert fields_of(send(client, "patch", url, {"online_url": "not a link"})) == ["online_url"]
    assert fields_of(send(client, "patch", url, {"title": None})) == ["title"]
    assert fields_of(send(client, "patch", url, {"colour": "red"})) == ["colour"]
    assert fields_of(send(client, "patch", url, {"first_call_at": "0001-01-01T00:00"})) == [
        "first_call_at"
    ]
    assert fields_of(send(client, "post", A, {**DRAFT, "title": "x" * 201})) == ["title"]
    assert Assembly.objects.get(pk=made["id"]).title == "Assemblea straordinaria"
    assert send(client, "patch", f"{A}/{made['id'] + 1000}", {"title": "X"}).status_code == 404


def test_the_agenda_is_written_on_a_draft(client, people):
    coop = people["coop"]
    made = draft(client, people)
    url = f"{A}/{made['id']}/agenda"
    proposal = make_proposal(coop, people["member"], [make_need(coop, people["member"])])
    first = send(client, "post", url, {"title": "Bilancio 2025", "proposal_id": proposal.pk})
    assert first.status_code == 201, first.content
    assert first.json()["position"] == 1 and first.json()["proposal_id"] == proposal.pk
    second = send(client, "post", url, {"title": "Elezione CdA"}).json()
    third = send(client, "post", url, {"title": "Varie"}).json()
    beta = make_proposal(
        people["other"], people["stranger"], [make_need(people["other"], people["stranger"])]
    )
    assert fields_of(send(client, "post", url, {"title": "X", "proposal_id": beta.pk})) == [
        "proposal_id"
    ]
    assert fields_of(send(client, "post", url, {"title": " "})) == ["title"]
    patched = send(client, "patch", f"{url}/{second['id']}", {"description": "Tre seggi."})
    assert patched.status_code == 200 and patched.json()["description"] == "Tre seggi."
    unlinked = send(client, "patch", f"{url}/{first.json()['id']}", {"proposal_id": None})
    assert unlinked.json()["proposal_id"] is None
    assert send(client, "delete", f"{url}/{second['id']}").status_code == 204
    agenda = client.get(f"{A}/{made['id']}").json()["agenda"]
    assert [(i["position"], i["title"]) for i in agenda] == [(1, "Bilancio 2025"), (2, "Varie")]
    assert agenda[1]["id"] == third["id"]
    assert send(client, "delete", f"{url}/{second['id']}").status_code == 404


def test_the_board_convenes_and_cancels(client, assembly_book):
    people = assembly_book
    made = draft(client, people)
    url = f"{A}/{made['id']}"
    assert send(client, "post", f"{url}/convene").status_code == 403  # staff
    as_user(client, people["admin"])
    refused = send(client, "post", f"{url}/convene")
    assert refused.status_code == 422 and "agenda" in refused.json()["errors"][0]["message"]
    send(client, "post", f"{url}/agenda", {"title": "Bilancio 2025"})
    soon = {"first_call_at": later(3), "second_call_at": later(4)}
    send(client, "patch", url, soon)
    assert fields_of(send(client, "post", f"{url}/convene")) == ["first_call_at"]
    send(client, "patch", url, {"first_call_at": later(30), "second_call_at": later(31)})
    convened = send(client, "post", f"{url}/convene")
    assert convened.status_code == 200, convened.content
    assert convened.json()["status"] == "convened" and convened.json()["notice_days"] == 8
    assert convened.json()["convened_at"] is not None
    # The notice has gone out: nothing changes any more, the agenda neither.
    assert fields_of(send(client, "patch", url, {"title": "X"})) == [None]
    assert fields_of(send(client, "post", f"{url}/agenda", {"title": "X"})) == [None]
    as_user(client, people["member"])
    notice = client.get(f"{url}/notice.pdf")
    assert notice.status_code == 200 and notice["Content-Type"] == "application/pdf"
    assert notice.content.startswith(b"%PDF")
    assert send(client, "post", f"{url}/cancel", {"reason": "Sala inagibile"}).status_code == 403
    as_user(client, people["admin"])
    assert fields_of(send(client, "post", f"{url}/cancel", {"reason": "  "})) == ["reason"]
    assert fields_of(send(client, "post", f"{url}/cancel", {})) == ["reason"]
    cancelled = send(client, "post", f"{url}/cancel", {"reason": "Sala inagibile"})
    assert cancelled.status_code == 200
    assert cancelled.json()["status"] == "cancelled"
    assert cancelled.json()["cancelled_reason"] == "Sala inagibile"
    as_user(client, people["member"])
    assert client.get(A, {"status": "cancelled"}).json()["count"] == 1


# --- the session --------------------------------------------------------------------------------
def test_the_roll_is_live_before_opening_and_fixed_after(client, convened):
    url = session_url(convened)
    as_user(client, convened["staff"])
    live = client.get(f"{url}/voters").json()
    assert live["count"] == 8  # no. 9 has been in the book for 89 days
    assert {v["number"] for v in live["items"]} == set(range(1, 9))
    assert all(v["units"] is None and v["votes"] == "1" for v in live["items"])
    refused = send(client, "post", f"{url}/open", {"call": "second"})
    assert fields_of(refused) == ["call"]  # the second call is tomorrow
    assert fields_of(send(client, "post", f"{url}/open", {"call": "third"})) == ["call"]
    opened = send(client, "post", f"{url}/open", {"call": "first"})
    assert opened.status_code == 200, opened.content
    got = opened.json()
    assert got["status"] == "open" and got["call"] == "first"
    assert got["total"] == {"units": 8, "votes": "8"} and got["vote_denominator"] == 1
    assert got["quorum"]["met"] is False and got["quorum"]["present"]["units"] == 0
    fixed = client.get(f"{url}/voters", {"limit": 3, "offset": 1}).json()
    assert fixed["count"] == 8 and [v["number"] for v in fixed["items"]] == [2, 3, 4]
    assert fixed["items"][0]["units"] == 1 and fixed["items"][0]["vote_denominator"] == 1
    as_user(client, convened["member"])
    assert client.get(f"{url}/voters").status_code == 403  # it names members


def test_attendance_proxies_and_the_live_quorum(client, in_session):
    url = session_url(in_session)
    arrive(client, in_session, 3)
    again = send(client, "post", f"{url}/attendance", {"number": 3})
    assert fields_of(again) == ["number"]  # already present
    assert fields_of(send(client, "post", f"{url}/attendance", {"number": 999})) == ["number"]
    assert fields_of(send(client, "post", f"{url}/attendance", {"number": 2**40})) == ["number"]
    assert fields_of(send(client, "post", f"{url}/attendance", {"number": 4, "mode": "x"})) == [
        "mode"
    ]
    proxy = send(
        client, "post", f"{url}/proxies", {"grantor": 4, "holder": 3, "reference": "a mano"}
    )
    assert proxy.status_code == 201, proxy.content
    assert proxy.json()["grantor"]["number"] == 4 and proxy.json()["holder"]["number"] == 3
    assert proxy.json()["active"] and proxy.json()["reference"] == "a mano"
    assert fields_of(send(client, "post", f"{url}/proxies", {"grantor": 5, "holder": 5})) == [
        "holder"
    ]
    assert fields_of(send(client, "post", f"{url}/proxies", {"grantor": 9, "holder": 3})) == [
        "grantor"
    ]  # not on the roll
    quorum = client.get(f"{url}/quorum").json()
    assert quorum["present"] == {"units": 2, "votes": "2"}
    assert quorum["in_person"]["units"] == 1 and quorum["by_proxy"]["units"] == 1
    assert quorum["threshold_units"] == "4" and quorum["met"] is False
    assert (quorum["attendees"], quorum["proxies"]) == (1, 1)
    listed = client.get(f"{url}/attendance").json()
    assert listed["count"] == 1
    row = listed["items"][0]
    assert row["member"]["number"] == 3 and row["present"] and row["own_votes"]["units"] == 1
    left = send(client, "post", f"{url}/attendance/{row['id']}/leave")
    assert left.status_code == 200 and left.json()["left_at"] is not None
    assert not left.json()["present"]
    assert client.get(f"{url}/quorum").json()["present"]["units"] == 0  # nor the proxy held
    assert fields_of(send(client, "post", f"{url}/attendance/{row['id']}/leave")) == [None]
    proxies = client.get(f"{url}/proxies").json()["items"]
    revoked = send(
        client, "post", f"{url}/proxies/{proxies[0]['id']}/revoke", {"reason": "ritirata"}
    )
    assert revoked.status_code == 200 and not revoked.json()["active"]
    assert revoked.json()["revoked_reason"] == "ritirata"
    # A member following online registers themselves; staff1 is no member.
    as_user(client, in_session["member"])
    joined = send(client, "post", f"{url}/join")
    assert joined.status_code == 201 and joined.json()["mode"] == "online"
    assert joined.json()["member"]["number"] == 1
    assert fields_of(send(client, "post", f"{url}/join")) == ["member"]
    assert client.get(f"{url}/quorum").status_code == 200
    assert client.get(f"{url}/attendance").status_code == 403
    assert client.get(f"{url}/proxies").status_code == 403
    as_user(client, in_session["staff"])
    assert fields_of(send(client, "post", f"{url}/join")) == [None]


# --- motions and ballots ------------------------------------------------------------------------
def test_motions_are_drafted_and_checked(client, in_session):
    url = session_url(in_session)
    item = in_session["assembly"].agenda.first()
    made = new_motion(client, in_session, agenda_item_id=item.pk, majority="qualified")
    assert made["agenda_item_id"] == item.pk and made["status"] == "draft"
    assert made["majority_text"] == "Qualified: at least 2/3 of the votes cast"
    assert made["result"]["hidden"] is True
    motion_url = f"{url}/motions/{made['id']}"
    bad = send(client, "patch", motion_url, {"qualified_numerator": 1, "qualified_denominator": 2})
    assert fields_of(bad) == ["qualified_numerator"]
    other = Assembly.objects.create(
        coop=in_session["coop"], title="Altra", first_call_at=first_call(), place="Qui"
    )
    foreign = other.agenda.create(position=1, title="Altro")
    assert fields_of(send(client, "patch", motion_url, {"agenda_item_id": foreign.pk})) == [
        "agenda_item_id"
    ]
    assert fields_of(
        send(client, "post", f"{url}/motions", {"title": "E", "kind": "election"})
    ) == ["candidates"]
    assert fields_of(
        send(client, "post", f"{url}/motions", {"title": "R", "candidates": ["Anna"]})
    ) == ["candidates"]
    changed = send(client, "patch", motion_url, {"title": "Bilancio", "ballot": "secret"})
    assert changed.status_code == 200 and changed.json()["ballot"] == "secret"
    assert changed.json()["majority"] == "qualified"  # not sent, not changed
    listed = client.get(f"{url}/motions").json()
    assert listed["count"] == 1 and listed["items"][0]["title"] == "Bilancio"
    # Not quorate: no vote opens.
    refused = send(client, "post", f"{motion_url}/open")
    assert refused.status_code == 422 and "not quorate" in refused.json()["errors"][0]["message"]
    as_user(client, in_session["member"])
    assert client.get(motion_url).status_code == 200
    assert send(client, "patch", motion_url, {"title": "X"}).status_code == 403


def test_an_open_ballot_by_self_proxy_and_staff_then_the_result(client, quorate):
    url = session_url(quorate)
    motion = opened_motion(client, quorate)
    m_url = f"{url}/motions/{motion['id']}"
    assert motion["status"] == "open" and motion["result"]["hidden"]
    # member1 sees whom they may vote for, on the motion and in the assembly.
    as_user(client, quorate["member"])
    mine = client.get(f"{m_url}/my-ballots").json()
    assert mine["present"] and mine["on_roll"] and [v["number"] for v in mine["pending"]] == [1]
    receipt = send(client, "post", f"{m_url}/ballots", {"choice": "for"})
    assert receipt.status_code == 201, receipt.content
    assert receipt.json()["voter"]["number"] == 1 and receipt.json()["by_proxy"] is None
    assert "choice" not in receipt.json() and receipt.json()["secret"] is False
    assert fields_of(send(client, "post", f"{m_url}/ballots", {"choice": "against"})) == ["voter"]
    assert client.get(f"{m_url}/my-ballots").json()["pending"] == []
    assert fields_of(send(client, "post", f"{m_url}/ballots", {"voter": 5, "choice": "for"})) == [
        "voter"
    ]  # no proxy of no. 5
    # socio3 votes for themselves and, by proxy, for no. 4.
    as_user(client, quorate["socio3"])
    detail = client.get(url).json()
    assert detail["me"]["represented"][0]["number"] == 4
    assert [v["number"] for v in detail["me"]["pending"][0]["voters"]] == [3, 4]
    send(client, "post", f"{m_url}/ballots", {"choice": "against"})
    by_proxy = send(client, "post", f"{m_url}/ballots", {"voter": 4, "choice": "abstain"})
    assert by_proxy.status_code == 201 and by_proxy.json()["by_proxy"]["number"] == 3
    # Staff record no. 5's show of hands; the result stays hidden while the vote is open.
    as_user(client, quorate["staff"])
    assert fields_of(send(client, "post", f"{m_url}/ballots", {"choice": "for"})) == [None]
    recorded = send(client, "post", f"{m_url}/recorded-votes", {"number": 5, "choice": "for"})
    assert recorded.status_code == 201 and recorded.json()["recorded_by_staff"] is True
    assert fields_of(
        send(client, "post", f"{m_url}/recorded-votes", {"number": 6, "choice": "for"})
    ) == ["number"]  # not present
    hidden = client.get(f"{m_url}/result").json()
    assert hidden["hidden"] and hidden["voters"] == 4
    assert hidden["votes_for"] is None and hidden["passed"] is None
    assert client.get(f"{m_url}/votes").status_code == 404  # not while voting
    assert fields_of(send(client, "post", f"{url}/close")) == [None]  # a vote is open
    closed = send(client, "post", f"{m_url}/close")
    assert closed.status_code == 200 and closed.json()["status"] == "closed"
    result = client.get(f"{m_url}/result").json()
    assert result["hidden"] is False and result["passed"] is True and result["quorum_met"]
    assert result["votes_for"] == {"units": 2, "votes": "2"}
    assert result["votes_against"]["units"] == 1 and result["votes_abstain"]["units"] == 1
    assert result["votes_cast"]["units"] == 4 and result["base"]["units"] == 4
    assert result["present_at_open"]["units"] == 5 and result["vote_denominator"] == 1
    # The named votes of an open ballot, for members too, in the book's order.
    as_user(client, quorate["member"])
    votes = client.get(f"{m_url}/votes").json()
    assert [(v["voter"]["number"], v["choice"], v["by_proxy"]) for v in votes["items"]] == [
        (1, "for", False),
        (3, "against", False),
        (4, "abstain", True),
        (5, "for", False),
    ]
    assert votes["items"][3]["recorded_by_staff"] and votes["items"][0]["votes"]["units"] == 1
    assert fields_of(send(client, "post", f"{m_url}/ballots", {"choice": "for"})) == [None]
    assert client.get(url).json()["motions"][0]["result"]["passed"] is True


def test_refusals_of_ballots(client, quorate):
    url = session_url(quorate)
    m_url = f"{url}/motions/{opened_motion(client, quorate)['id']}"
    as_user(client, quorate["resident"])  # a role, no membership
    assert fields_of(send(client, "post", f"{m_url}/ballots", {"choice": "for"})) == [None]
    mine = client.get(f"{m_url}/my-ballots").json()
    assert mine["member"] is None and mine["pending"] == []
    assert client.get(m_url).status_code == 403  # residents do not read assemblies
    recent = give_login(quorate["members"]["recent"], "nuovo")
    arrive(client, quorate, 9)
    as_user(client, recent)
    refused = send(client, "post", f"{m_url}/ballots", {"choice": "for"})
    assert fields_of(refused) == ["voter"] and "89 days" in refused.json()["errors"][0]["message"]
    assert client.get(f"{m_url}/my-ballots").json()["problem"] is not None
    as_user(client, quorate["admin"])
    assert fields_of(send(client, "post", f"{m_url}/ballots", {"choice": "maybe"})) == ["choice"]
    assert fields_of(send(client, "post", f"{m_url}/ballots", {})) == ["choice"]
    assert fields_of(
        send(client, "post", f"{m_url}/ballots", {"choice": "for", "candidates": [1]})
    ) == ["candidates"]
    assert fields_of(
        send(client, "post", f"{m_url}/ballots", {"voter": 2**31, "choice": "for"})
    ) == ["voter"]
    assert (
        send(client, "post", f"{url}/motions/{2**40}/ballots", {"choice": "for"}).status_code == 404
    )
    assert Vote.objects.count() == 0


def test_an_election_by_candidate_ids(client, quorate):
    url = session_url(quorate)
    motion = opened_motion(
        client,
        quorate,
        title="Elezione del consiglio",
        kind="election",
        ballot="open",
        seats=2,
        candidates=["Anna Verdi", "Bruno Neri", "Carla Blu"],
    )
    m_url = f"{url}/motions/{motion['id']}"
    ids = {c["name"]: c["id"] for c in motion["candidates"]}
    assert all(set(c) == {"id", "name", "position"} for c in motion["candidates"])  # no votes
    as_user(client, quorate["member"])
    too_many = send(client, "post", f"{m_url}/ballots", {"candidates": list(ids.values())})
    assert fields_of(too_many) == ["candidates"]
    send(client, "post", f"{m_url}/ballots", {"candidates": [ids["Anna Verdi"], ids["Bruno Neri"]]})
    as_user(client, quorate["admin"])
    send(client, "post", f"{m_url}/ballots", {"candidates": [ids["Anna Verdi"]]})
    as_user(client, quorate["staff"])
    recorded = send(
        client, "post", f"{m_url}/recorded-votes", {"number": 5, "candidates": [ids["Carla Blu"]]}
    )
    assert recorded.status_code == 201, recorded.content
    running = client.get(m_url).json()
    assert all("units" not in c for c in running["candidates"])
    send(client, "post", f"{m_url}/close")
    result = client.get(f"{m_url}/result").json()
    assert [(c["name"], c["id"], c["units"], c["elected"]) for c in result["candidates"]] == [
        ("Anna Verdi", ids["Anna Verdi"], 2, True),
        ("Bruno Neri", ids["Bruno Neri"], 1, None),  # tied with Carla Blu for the second seat
        ("Carla Blu", ids["Carla Blu"], 1, None),
    ]
    votes = client.get(f"{m_url}/votes").json()["items"]
    assert [(v["voter"]["number"], v["choice"], v["candidates"]) for v in votes] == [
        (1, None, sorted([ids["Anna Verdi"], ids["Bruno Neri"]])),
        (2, None, [ids["Anna Verdi"]]),
        (5, None, [ids["Carla Blu"]]),
    ]


def _walk(value, path=""):
    """Every dict of a JSON answer, with where it is."""
    if isinstance(value, dict):
        yield path, value
        for key, inner in value.items():
            yield from _walk(inner, f"{path}.{key}")
    elif isinstance(value, list):
        for i, inner in enumerate(value):
            yield from _walk(inner, f"{path}[{i}]")


def test_no_answer_ties_a_secret_vote_to_its_voter(client, quorate):
    """member1 votes against, admin1 and socio3 for, socio3 abstains for no. 4 by proxy: after
    every read the API offers, nothing anywhere says who chose what."""
    url = session_url(quorate)
    motion = opened_motion(client, quorate, ballot="secret")
    m_url = f"{url}/motions/{motion['id']}"
    answers = []
    for user, body in [
        (quorate["member"], {"choice": "against"}),
        (quorate["admin"], {"choice": "for"}),
        (quorate["socio3"], {"choice": "for"}),
        (quorate["socio3"], {"voter": 4, "choice": "abstain"}),
    ]:
        as_user(client, user)
        receipt = send(client, "post", f"{m_url}/ballots", body)
        assert receipt.status_code == 201 and receipt.json()["secret"] is True
        answers.append(receipt)
    as_user(client, quorate["staff"])
    refused = send(client, "post", f"{m_url}/recorded-votes", {"number": 5, "choice": "for"})
    assert "own vote" in refused.json()["errors"][0]["message"]

    def reads():
        for user in (quorate["member"], quorate["staff"], quorate["admin"]):
            as_user(client, user)
            for path in (
                "",
                "/motions",
                f"/motions/{motion['id']}",
                f"/motions/{motion['id']}/result",
                f"/motions/{motion['id']}/my-ballots",
                "/quorum",
            ):
                yield client.get(f"{url}{path}")
        as_user(client, quorate["admin"])
        for path in ("/attendance", "/proxies", "/voters"):
            yield client.get(f"{url}{path}")
        yield client.get(f"{BASE}/audit", {"limit": 200})

    answers += list(reads())
    assemblies_voting_services.motion_close(
        actor=quorate["staff"], motion=Motion.objects.get(pk=motion["id"])
    )
    answers += list(reads())
    as_user(client, quorate["member"])
    assert client.get(f"{m_url}/votes").status_code == 404  # a secret ballot names nobody
    as_user(client, quorate["staff"])
    assert send(client, "post", f"{url}/close").status_code == 200
    answers.append(client.get(f"{url}/minutes"))
    for response in answers:
        assert response.status_code in (200, 201), response.content
        for where, item in _walk(response.json()):
            names_someone = {"member_id", "number", "voter", "member", "actor_name"} & set(item)
            if names_someone:
                assert not {"choice", "candidates"} & set(item), (response.request, where, item)
            assert not any(
                v in ("against", "Against") for v in item.values() if isinstance(v, str)
            ), (
                response.request,
                where,
                item,
            )
    result = client.get(f"{m_url}/result").json()
    assert result["votes_for"]["units"] == 2 and result["votes_against"]["units"] == 1
    assert result["votes_abstain"]["units"] == 1
    assert set(Vote.objects.filter(motion_id=motion["id"]).values_list("choice", flat=True)) == {""}


# --- closing and minutes ------------------------------------------------------------------------
def test_minutes_are_written_signed_and_entered_in_the_book(client, quorate):
    url = session_url(quorate)
    motion = opened_motion(client, quorate)
    m_url = f"{url}/motions/{motion['id']}"
    as_user(client, quorate["member"])
    send(client, "post", f"{m_url}/ballots", {"choice": "for"})
    as_user(client, quorate["staff"])
    assert client.get(f"{url}/minutes").status_code == 404  # none before the closing
    send(client, "post", f"{m_url}/close")
    closed = send(client, "post", f"{url}/close")
    assert closed.status_code == 200 and closed.json()["status"] == "closed"
    assert closed.json()["minutes"] == {"status": "draft", "number": None}
    draft_minutes = client.get(f"{url}/minutes").json()
    assert (
        draft_minutes["status"] == "draft"
        and "Approvazione del bilancio" in draft_minutes["record_html"]
    )
    as_user(client, quorate["member"])
    assert client.get(f"{url}/minutes").status_code == 404  # a draft: the operators' own
    assert client.get(f"{url}/minutes.pdf").status_code == 404
    assert client.get(url).json()["minutes"] is None
    assert send(client, "patch", f"{url}/minutes", {"narrative": "x"}).status_code == 403
    as_user(client, quorate["admin"])
    unsigned = send(client, "post", f"{url}/minutes/sign")
    assert sorted(fields_of(unsigned)) == ["chair_name", "secretary_name"]
    as_user(client, quorate["staff"])
    written = send(
        client,
        "patch",
        f"{url}/minutes",
        {"chair_name": "Ada Board", "secretary_name": "Sara Staff", "narrative": "Si approva."},
    )
    assert written.status_code == 200 and written.json()["chair_name"] == "Ada Board"
    assert fields_of(send(client, "patch", f"{url}/minutes", {"narrative": "x" * 50_001})) == [
        "narrative"
    ]
    assert send(client, "post", f"{url}/minutes/sign").status_code == 403  # the board signs
    as_user(client, quorate["admin"])
    signed = send(client, "post", f"{url}/minutes/sign")
    assert signed.status_code == 200, signed.content
    assert signed.json()["number"] == 1 and signed.json()["status"] == "signed"
    assert "Si approva." in signed.json()["record_html"]
    assert fields_of(send(client, "patch", f"{url}/minutes", {"narrative": "y"})) == [None]
    as_user(client, quorate["member"])
    assert client.get(f"{url}/minutes").json()["number"] == 1
    pdf = client.get(f"{url}/minutes.pdf")
    assert pdf.status_code == 200 and pdf.content.startswith(b"%PDF")
    assert "verbale-1-alpha.pdf" in pdf["Content-Disposition"]
    book = client.get(f"{BASE}/minutes").json()
    assert book["count"] == 1
    entry = book["items"][0]
    assert entry["number"] == 1 and entry["assembly_id"] == quorate["assembly"].pk
    assert entry["title"] == quorate["assembly"].title


# --- who may ask: 401, 403, 404 -----------------------------------------------------------------
def test_refusals_are_in_the_one_error_shape(client, in_session):
    url = session_url(in_session)
    client.logout()
    anonymous = client.get(url)
    assert anonymous.status_code == 401 and set(anonymous.json()) == {"detail", "errors"}
    as_user(client, in_session["resident"])
    forbidden = client.get(url)
    assert forbidden.status_code == 403 and forbidden.json()["errors"] == []
    as_user(client, in_session["stranger"])
    assert client.get(url).status_code == 403  # a public cooperative: a role is needed
    Cooperative.objects.filter(pk=in_session["coop"].pk).update(is_public=False)
    assert client.get(url).status_code == 404  # a private one does not exist for outsiders
    client.logout()
    assert client.get(url).status_code == 404
    # Another cooperative's assembly is not found from this one.
    as_user(client, in_session["admin"])
    beta = Assembly.objects.create(
        coop=in_session["other"], title="Beta", first_call_at=first_call(), place="Là"
    )
    assert client.get(f"{A}/{beta.pk}").status_code == 404
    assert (
        client.get(f"/api/v1/coops/beta/assemblies/{in_session['assembly'].pk}").status_code == 403
    )
    missing = client.get(f"{A}/{2**62}")
    assert missing.status_code == 404 and missing.json() == {"detail": "Not found.", "errors": []}
    broken = client.post(
        f"{A}/{in_session['assembly'].pk}/open", "{", content_type="application/json"
    )
    assert broken.status_code == 400 and set(broken.json()) == {"detail", "errors"}


# --- queries ------------------------------------------------------------------------------------
@pytest.mark.parametrize("n", [3, 30])
def test_the_list_is_a_constant_number_of_queries(client, people, n, django_assert_num_queries):
    for i in range(n):
        assemblies_services.assembly_create(
            actor=people["admin"],
            coop=people["coop"],
            **{**ASSEMBLY_FIELDS, "title": f"A{i}", "first_call_at": first_call(24 * i)},
        )
    as_user(client, people["staff"])
    # The session and its user, the cooperative, the caller's roles, the count, the page
    # with its motions counted.
    with django_assert_num_queries(6):
        listed = client.get(A).json()
    assert listed["count"] == n


def _more_voters(data, n: int) -> None:
    for i in range(n):
        admit(data["coop"], person(100 + i), days_ago=200)


@pytest.mark.parametrize("n", [3, 30])
def test_result_and_quorum_are_a_constant_number_of_queries(
    client, convened, n, django_assert_num_queries
):
    _more_voters(convened, n)
    data = {
        **convened,
        "assembly": assemblies_session_services.assembly_open(
            actor=convened["admin"], assembly=convened["assembly"], call="first", at=first_call(-1)
        ),
    }
    arrive(client, data, *range(1, 9), *range(10, 10 + n))
    names = [f"Candidato {i}" for i in range(n)]
    election = opened_motion(client, data, kind="election", seats=1, candidates=names)
    resolution = opened_motion(client, data, title="Quota")
    candidates = Motion.objects.get(pk=election["id"]).candidates.order_by("position")
    present = [e.member for e in data["assembly"].roll.select_related("member")]
    for i, (member, candidate) in enumerate(zip(present, candidates, strict=False)):
        for motion_id, choice, chosen in [
            (resolution["id"], "for" if i % 2 else "against", None),
            (election["id"], "", [candidate.pk]),
        ]:
            assemblies_voting_services.ballot_cast(
                actor=data["staff"],
                motion=Motion.objects.get(pk=motion_id),
                voter=member,
                choice=choice,
                candidates=chosen,
                recorded_by_staff=True,
            )
    for motion in Motion.objects.filter(pk__in=[election["id"], resolution["id"]]):
        assemblies_voting_services.motion_close(actor=data["staff"], motion=motion)
    url = session_url(data)
    as_user(client, data["member"])
    client.get(url)
    for motion_id in (election["id"], resolution["id"]):
        # The session and its user, the cooperative, the caller's roles, the assembly, the
        # motion, its candidates: the tally is the motion's counters, whatever the votes; and
        # the version to keep the closed result under (assemblies.cache).
        with django_assert_num_queries(8):
            result = client.get(f"{url}/motions/{motion_id}/result").json()
        assert result["hidden"] is False and result["voters"] == n
    # The session and its user, the cooperative, the roles, the assembly, and the quorum's
    # four: the roll's sums, the statute, the people present, the proxies they hold.
    with django_assert_num_queries(9):
        quorum = client.get(f"{url}/quorum").json()
    assert quorum["attendees"] == 8 + n


@pytest.mark.parametrize("n", [3, 12])
def test_the_assembly_and_its_motions_are_a_constant_number_of_queries(
    client, quorate, n, django_assert_num_queries
):
    for i in range(n):
        new_motion(client, quorate, title=f"Mozione {i}")
        new_motion(
            client, quorate, title=f"Elezione {i}", kind="election", candidates=["Anna", "Bruno"]
        )
    opened_motion(client, quorate, title="In votazione")
    url = session_url(quorate)
    as_user(client, quorate["socio3"])
    # The session and its user, the cooperative, the roles; the assembly, its motions and their
    # candidates; the caller's ballots (membership, presence, roll, proxies held, votes cast);
    # the minutes; the agenda; the quorum's four (sums, statute, people present, proxies).
    with django_assert_num_queries(18):
        detail = client.get(url).json()
    assert len(detail["motions"]) == 2 * n + 1
    assert [v["number"] for v in detail["me"]["pending"][0]["voters"]] == [3, 4]
    # The session and its user, the cooperative, the roles, the assembly, the motions, their
    # candidates.
    with django_assert_num_queries(7):
        listed = client.get(f"{url}/motions").json()
    assert listed["count"] == 2 * n + 1
