"""The API of the register of offices: the list, an appointment, its end; bad input answered 422
with the field and nothing saved."""

from __future__ import annotations

import json
from datetime import timedelta

import pytest
from django.utils import timezone

from comunitas.members.models import Office
from comunitas.members.shares import services as shares_services
from tests.helpers import admit, person

pytestmark = pytest.mark.django_db

OFFICES = "/api/v1/coops/alpha/offices"
TODAY = timezone.localdate


def send(client, url: str, body: dict):
    return client.post(url, json.dumps(body), content_type="application/json")


def errors(response) -> dict[str | None, str]:
    assert response.status_code == 422, response.content
    return {e["field"]: e["message"] for e in response.json()["errors"]}


def body(number: int, **extra) -> dict:
    started = (TODAY() - timedelta(days=10)).isoformat()
    return {
        "member_number": number,
        "kind": "director",
        "started_on": started,
        "reference": "Assemblea 2026",
        **extra,
    }


def test_appoint_list_and_end(client, book):
    member = admit(book["coop"], person(1), actor=book["admin"])
    client.force_login(book["staff"])
    response = send(client, OFFICES, body(member.number, title="Presidente"))
    assert response.status_code == 201, response.content
    made = response.json()
    assert made["member"] == {
        "id": member.pk,
        "number": member.number,
        "display_name": "Cognome1 Nome1",
    }
    assert (made["kind"], made["title"], made["ended_on"]) == ("director", "Presidente", None)
    response = send(client, f"{OFFICES}/{made['id']}/end", {"ended_on": TODAY().isoformat()})
    assert response.status_code == 200 and response.json()["ended_on"] == TODAY().isoformat()
    send(client, OFFICES, body(member.number, kind="control"))
    items = client.get(OFFICES).json()["items"]
    assert [(i["kind"], i["ended_on"]) for i in items] == [
        ("control", None),  # held first, then the ended ones
        ("director", TODAY().isoformat()),
    ]


def test_bad_input_is_422_on_its_field_and_saves_nothing(client, book):
    coop, admin = book["coop"], book["admin"]
    member = admit(coop, person(1), actor=admin)
    left = admit(coop, person(2), actor=admin)
    shares_services.member_exit(actor=admin, member=left, kind="withdrawal")
    client.force_login(admin)
    assert "member_number" in errors(send(client, OFFICES, body(99)))
    assert (
        "left the cooperative" in errors(send(client, OFFICES, body(left.number)))["member_number"]
    )
    assert "kind" in errors(send(client, OFFICES, body(member.number, kind="mayor")))
    assert "reference" in errors(send(client, OFFICES, body(member.number, reference=" ")))
    assert "started_on" in errors(send(client, OFFICES, body(member.number, started_on="ieri")))
    late = (member.admitted_on - timedelta(days=1)).isoformat()
    assert "started_on" in errors(send(client, OFFICES, body(member.number, started_on=late)))
    assert Office.objects.count() == 0
    made = send(client, OFFICES, body(member.number)).json()
    assert "member_number" in errors(send(client, OFFICES, body(member.number)))  # held already
    end = f"{OFFICES}/{made['id']}/end"
    early = (TODAY() - timedelta(days=11)).isoformat()
    assert "ended_on" in errors(send(client, end, {"ended_on": early}))
    assert "ended_on" in errors(send(client, end, {}))
    assert Office.objects.get().ended_on is None
    missing = send(client, f"{OFFICES}/999999/end", {"ended_on": TODAY().isoformat()})
    assert missing.status_code == 404
