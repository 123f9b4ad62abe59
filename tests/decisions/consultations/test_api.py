"""The consultations API: everything the pages do, with the same rules — setting up, options,
opening and closing, answering each kind, one's own answer, results (403 while not to be seen)
and the outcome; bad input is a 422 naming the field, with nothing recorded."""

from __future__ import annotations

import json

import pytest

from comunitas.decisions.consultations import answer_services as consultations_answer_services
from comunitas.decisions.consultations import services as consultations_services
from comunitas.decisions.models.consultations import (
    Consultation,
    ConsultationBallot,
    ConsultationParticipation,
)
from tests.decisions.consultations.matrix import (
    closed_consultation,
    make_consultation,
    open_consultation,
    option_ids,
)
from tests.helpers import make_need

pytestmark = pytest.mark.django_db

A = "/api/v1/coops/alpha/consultations"


def call(client, method: str, url: str, body=None, status: int = 200):
    send = getattr(client, method)
    response = (
        send(url, json.dumps(body), content_type="application/json")
        if body is not None
        else send(url)
    )
    assert response.status_code == status, response.content[:600]
    return response.json() if response.content else None


def fields_of(body) -> list[str | None]:
    return [e["field"] for e in body["errors"]]


def test_staff_set_up_open_and_close_a_consultation(client, people):
    client.force_login(people["staff"])
    need = make_need(people["coop"], people["resident"])
    body = {
        "title": "Quando la giornata di lavoro al rifugio?",
        "kind": "meeting_time",
        "audience": "both",
        "closes_at": "2031-09-30T18:00:00+02:00",
        "need_id": need.pk,
        "options": [
            {"starts_at": "2031-10-04T09:00:00+02:00", "ends_at": "2031-10-04T13:00:00+02:00"}
        ],
    }
    created = call(client, "post", A, body, 201)
    assert created["status"] == "draft" and created["need_id"] == need.pk
    assert len(created["options"]) == 1 and not created["may_answer"]
    one = f"{A}/{created['id']}"
    slot = call(
        client,
        "post",
        f"{one}/options",
        {"starts_at": "2031-10-05T09:00:00+02:00", "ends_at": "2031-10-05T13:00:00+02:00"},
        201,
    )
    call(client, "patch", f"{one}/options/{slot['id']}", {"label": "Domenica mattina"})
    bad = call(
        client,
        "post",
        f"{one}/options",
        {"starts_at": "2031-10-05T09:00:00+02:00", "ends_at": "2031-10-05T08:00:00+02:00"},
        422,
    )
    assert fields_of(bad) == ["ends_at"]
    patched = call(client, "patch", one, {"description": "Pulizia dei sentieri."})
    assert patched["description"] == "Pulizia dei sentieri."
    opened = call(client, "post", f"{one}/open")
    assert opened["status"] == "open" and opened["may_answer"]
    assert fields_of(call(client, "patch", one, {"audience": "members"}, status=422)) == [
        "audience"
    ]
    call(client, "delete", f"{one}/options/{slot['id']}", status=422)
    closed = call(client, "post", f"{one}/close")
    assert closed["status"] == "closed" and closed["audience_size"] == 4


def test_bad_bodies_are_field_errors(client, people):
    client.force_login(people["staff"])
    base = {"title": "Q", "kind": "single_choice", "closes_at": "2031-09-30T18:00:00+02:00"}
    foreign = make_need(people["other"], people["stranger"])
    for extra, field in (
        ({"need_id": foreign.pk}, "need_id"),
        ({"closes_at": "2031-09-30T18:00:00"}, "closes_at"),  # no time zone
        ({"dots": 0}, "dots"),
        ({"min_choices": 2, "max_choices": 1}, "max_choices"),
        ({"kind": "poll"}, "kind"),
        ({"colour": "red"}, "colour"),
        ({"options": [{"label": "A", "starts_at": "2031-09-30T18:00:00+02:00"}]}, "starts_at"),
    ):
        body = call(client, "post", A, {**base, **extra}, 422)
        assert fields_of(body) == [field], (extra, body)
    assert not Consultation.objects.exists()


def test_the_list_is_paginated_filtered_and_keeps_drafts_to_staff(client, people):
    coop, staff = people["coop"], people["staff"]
    open_consultation(coop, staff, title="Aperta")
    closed_consultation(coop, staff, title="Chiusa", kind="score")
    make_consultation(coop, staff, title="Bozza")
    body = call(client, "get", A)  # a visitor
    assert body["count"] == 2 and [i["title"] for i in body["items"]] == ["Aperta", "Chiusa"]
    assert [i["title"] for i in call(client, "get", f"{A}?status=closed")["items"]] == ["Chiusa"]
    assert call(client, "get", f"{A}?kind=score")["count"] == 1
    assert call(client, "get", f"{A}?limit=1&offset=1")["items"][0]["title"] == "Chiusa"
    client.force_login(staff)
    assert call(client, "get", A)["count"] == 3
    assert call(client, "get", f"{A}?status=draft")["items"][0]["title"] == "Bozza"
    client.force_login(people["member"])
    draft = Consultation.objects.get(title="Bozza")
    call(client, "get", f"{A}/{draft.pk}", status=404)


@pytest.mark.parametrize("n", [3, 30])
def test_the_list_is_constant_queries(client, people, n, django_assert_num_queries):
    for i in range(n):
        open_consultation(people["coop"], people["staff"], title=f"Q{i}")
    # A visitor: the cooperative, the roles (none), the count, the page.
    with django_assert_num_queries(3):
        body = call(client, "get", f"{A}?limit=100")
    assert body["count"] == n


def test_each_kind_is_answered_and_read_back(client, people):
    coop, staff = people["coop"], people["staff"]
    client.force_login(people["member"])
    bodies = {
        "proposal": lambda ids: {"position": "abstain", "reason": "Non so."},
        "single_choice": lambda ids: {"choices": [ids[0]]},
        "multiple_choice": lambda ids: {"choices": ids[:2]},
        "score": lambda ids: {"scores": [{"option": pk, "value": 3} for pk in ids]},
        "ranked_choice": lambda ids: {"ranks": [{"option": ids[1], "value": 1}]},
        "dot_vote": lambda ids: {"dots": [{"option": ids[0], "value": 10}]},
        "meeting_time": lambda ids: {
            "availability": [{"option": pk, "value": "maybe"} for pk in ids]
        },
    }
    for kind, body in bodies.items():
        consultation = open_consultation(coop, staff, kind=kind)
        one = f"{A}/{consultation.pk}"
        answer = call(client, "post", f"{one}/vote", body(option_ids(consultation)))
        assert answer["answered"] and answer["changeable"] and answer["values"], kind
        assert call(client, "get", f"{one}/my-answer") == answer
        results = call(client, "get", f"{one}/results")
        assert results["participants"] == 1 and results["final"] is False
        assert len(results["named"]) == 1


def test_bad_answers_are_422_naming_the_field_and_record_nothing(client, people):
    coop, staff = people["coop"], people["staff"]
    client.force_login(people["member"])
    ranked = open_consultation(coop, staff, kind="ranked_choice")
    a, b, _c = option_ids(ranked)
    other = open_consultation(coop, staff, title="Another")
    score = open_consultation(coop, staff, kind="score")
    dots = open_consultation(coop, staff, kind="dot_vote", dots=4)
    cases = [
        (ranked, {"ranks": [{"option": a, "value": 1}, {"option": a, "value": 2}]}, "ranks"),
        (ranked, {"ranks": [{"option": a, "value": 1}, {"option": b, "value": 3}]}, "ranks"),
        (ranked, {"ranks": [{"option": a, "value": -2}]}, "ranks"),
        (ranked, {"choices": [a]}, "choices"),
        (ranked, {"ranks": [{"option": option_ids(other)[0], "value": 1}]}, "ranks"),
        (score, {"scores": [{"option": pk, "value": 6} for pk in option_ids(score)]}, "scores"),
        (dots, {"dots": [{"option": option_ids(dots)[0], "value": 5}]}, "dots"),
        (other, {"choices": [a]}, "choices"),
        (other, {"position": "agree"}, "position"),
        (other, {"colour": "red"}, "colour"),
    ]
    for consultation, body, field in cases:
        answer = call(client, "post", f"{A}/{consultation.pk}/vote", body, 422)
        assert fields_of(answer) == [field], (body, answer)
    assert not ConsultationBallot.objects.exists()


def test_the_audience_and_the_state_decide_who_answers(client, people):
    coop, staff = people["coop"], people["staff"]
    members = open_consultation(coop, staff, audience="members")
    client.force_login(people["resident"])
    refused = call(
        client, "post", f"{A}/{members.pk}/vote", {"choices": [option_ids(members)[0]]}, 403
    )
    assert "members" in refused["detail"]
    assert call(client, "get", f"{A}/{members.pk}")["may_answer"] is False
    closed = closed_consultation(coop, staff)
    body = call(client, "post", f"{A}/{closed.pk}/vote", {"choices": [option_ids(closed)[0]]}, 422)
    assert "closed" in body["errors"][0]["message"]
    client.logout()
    call(client, "post", f"{A}/{closed.pk}/vote", {"choices": [1]}, 401)
    assert not ConsultationParticipation.objects.exists()


def test_an_anonymous_answer_is_final_and_never_read_back(client, people):
    consultation = open_consultation(people["coop"], people["staff"], anonymous=True)
    first, second, _third = option_ids(consultation)
    client.force_login(people["member"])
    one = f"{A}/{consultation.pk}"
    answer = call(client, "post", f"{one}/vote", {"choices": [first]})
    assert answer["answered"] and not answer["changeable"] and answer["values"] == []
    again = call(client, "post", f"{one}/vote", {"choices": [second]}, 422)
    assert "final" in again["errors"][0]["message"]
    results = call(client, "get", f"{one}/results")
    # Sealed in the ballot box while the consultation is open, counted at the close.
    assert results["sealed"] == 1 and results["answers"] == 0 and results["participants"] == 1
    assert results["options"][0]["count"] == 0
    client.force_login(people["staff"])
    call(client, "post", f"{one}/close")
    results = call(client, "get", f"{one}/results")
    assert results["named"] == [] and results["options"][0]["count"] == 1
    assert results["sealed"] == 0 and results["answers"] == 1
    assert str(ConsultationBallot.objects.get().pk) not in json.dumps(results)


def test_results_follow_the_same_rules_as_the_pages(client, people):
    coop, staff = people["coop"], people["staff"]
    hidden = open_consultation(coop, staff, results_hidden=True)
    shown = open_consultation(coop, staff)
    call(client, "get", f"{A}/{shown.pk}/results", status=403)  # a visitor, while open
    client.force_login(staff)
    body = call(client, "get", f"{A}/{hidden.pk}/results", status=403)
    assert "hidden" in body["detail"]
    assert call(client, "get", f"{A}/{hidden.pk}")["results_visible"] is False
    call(client, "get", f"{A}/{shown.pk}/results")
    draft = make_consultation(coop, staff)
    call(client, "get", f"{A}/{draft.pk}/results", status=403)
    consultations_services.consultation_close(actor=staff, consultation=hidden)
    client.logout()
    assert call(client, "get", f"{A}/{hidden.pk}/results")["final"] is True


def test_ranked_results_carry_every_round(client, people):
    coop, staff = people["coop"], people["staff"]
    consultation = open_consultation(coop, staff, kind="ranked_choice")
    a, b, c = option_ids(consultation)
    for who, ranks in {
        "member": [(a, 1)],
        "admin": [(b, 1), (a, 2)],
        "resident": [(c, 1), (b, 2)],
    }.items():
        consultations_answer_services.consultation_answer(
            actor=people[who], consultation=consultation, ranks=ranks
        )
    consultations_services.consultation_close(actor=staff, consultation=consultation)
    results = call(client, "get", f"{A}/{consultation.pk}/results")
    rounds = results["rounds"]
    # One first choice each: a tie in the only round so far, C (listed last) goes, and its
    # ballot moves to B, which has 2 of 3.
    assert [r["number"] for r in rounds] == [1, 2]
    assert rounds[0]["reason"] == "tie_order" and rounds[0]["eliminated"] == [c]
    assert rounds[0]["tied"] == [a, b, c] and rounds[0]["exhausted"] == 0
    assert rounds[1]["counts"] == [
        {"option_id": a, "count": 1, "percent": "33.3"},
        {"option_id": b, "count": 2, "percent": "66.7"},
    ]
    assert rounds[1]["winner_id"] == b == results["winner_id"]


def test_the_outcome(client, people):
    coop, staff = people["coop"], people["staff"]
    consultation = open_consultation(coop, staff)
    client.force_login(people["admin"])
    one = f"{A}/{consultation.pk}"
    body = call(client, "post", f"{one}/outcome", {"outcome": "Fatto."}, 422)
    assert "closed" in body["errors"][0]["message"]
    call(client, "post", f"{one}/close")
    assert fields_of(call(client, "post", f"{one}/outcome", {"outcome": ""}, 422)) == ["outcome"]
    out = call(client, "post", f"{one}/outcome", {"outcome": "La rassegna si farà."})
    assert out["outcome"]["text"] == "La rassegna si farà." and out["outcome"]["by"] == "Ada B."
    assert out["has_outcome"] is True
