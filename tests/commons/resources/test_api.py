"""The commons API: the same rules as the pages, errors in the one shape, constant queries."""

from __future__ import annotations

import json
from datetime import timedelta

import pytest
from django.utils import timezone

from comunitas.commons.models import CommonResource, Obligation, UseRight
from tests.commons.matrix import API_RESOURCE
from tests.helpers import add_obligation, add_right, make_resource

pytestmark = pytest.mark.django_db
BASE = "/api/v1/coops/alpha/commons"


def send(client, method: str, url: str, body: dict):
    return getattr(client, method)(url, json.dumps(body), content_type="application/json")


def test_create_read_update(client, people):
    client.force_login(people["staff"])
    response = send(client, "post", BASE, API_RESOURCE)
    assert response.status_code == 201, response.content
    body = response.json()
    assert body["municipality"]["istat_code"] == "008034" and body["capacity"] == 60
    assert body["current_use_right"] is None and body["use_rights"] == []
    url = f"{BASE}/{body['id']}"
    right = send(
        client,
        "post",
        f"{url}/use-rights",
        {
            "kind": "concession",
            "start_on": "2020-01-01",
            "end_on": "2029-01-01",
            "annual_fee": "10",
        },
    )
    assert right.status_code == 201 and right.json()["annual_fee"] == "10.00"
    due = (timezone.localdate() + timedelta(days=10)).isoformat()
    obligation = send(
        client,
        "post",
        f"{url}/obligations",
        {"kind": "insurance", "due_on": due, "recurring_months": 12},
    )
    assert obligation.status_code == 201
    log = send(client, "post", f"{url}/log", {"text": "Checked"})
    assert log.status_code == 201 and log.json()["recorded_by"] == "staff1"
    patched = send(client, "patch", url, {"condition": "needs_work", "municipality": ""})
    assert patched.status_code == 200
    assert patched.json()["condition"] == "needs_work" and patched.json()["municipality"] is None
    detail = client.get(url).json()
    assert detail["current_use_right"]["kind"] == "concession"
    assert detail["next_obligation"]["due_on"] == due and len(detail["log"]) == 1
    done = send(client, "post", f"{BASE}/obligations/{obligation.json()['id']}/done", {})
    assert done.status_code == 200
    assert done.json()["next"]["due_on"][:4] == str(int(due[:4]) + 1)
    reminders = client.get(f"{BASE}/reminders").json()
    assert reminders["days"] == 90 and reminders["obligations"] == []


@pytest.mark.parametrize(
    ("path", "body", "field"),
    [
        (
            "use-rights",
            {"kind": "lease", "start_on": "2020-01-01", "end_on": "2019-01-01"},
            "end_on",
        ),
        (
            "use-rights",
            {"kind": "lease", "start_on": "2020-01-01", "annual_fee": "-1"},
            "annual_fee",
        ),
        (
            "use-rights",
            {"kind": "ownership", "start_on": "2020-01-01", "end_on": "2029-01-01"},
            "end_on",
        ),
        ("obligations", {"kind": "insurance", "due_on": "0001-01-01"}, "due_on"),
        (
            "obligations",
            {"kind": "insurance", "due_on": "2026-01-01", "recurring_months": -2},
            "recurring_months",
        ),
        ("log", {"text": "   "}, "text"),
    ],
)
def test_bad_input_is_a_422_with_the_field(client, people, resource, path, body, field):
    client.force_login(people["admin"])
    response = send(client, "post", f"{BASE}/{resource.pk}/{path}", body)
    assert response.status_code == 422, response.content
    assert field in {e["field"] for e in response.json()["errors"]}
    assert not UseRight.objects.exists() and not Obligation.objects.exists()


def test_unknown_municipality_and_negative_capacity(client, people):
    client.force_login(people["admin"])
    for extra, field in [
        ({"municipality": "Atlantide"}, "municipality"),
        ({"capacity": -1}, "capacity"),
    ]:
        response = send(client, "post", BASE, {**API_RESOURCE, **extra})
        assert response.status_code == 422
        assert [e["field"] for e in response.json()["errors"]] == [field]
    assert not CommonResource.objects.exists()


def test_another_cooperatives_objects_answer_404(client, people):
    theirs = make_resource(people["other"], is_public=True)
    obligation = add_obligation(theirs, due=timezone.localdate())
    client.force_login(people["admin"])
    assert client.get(f"{BASE}/{theirs.pk}").status_code == 404
    assert send(client, "patch", f"{BASE}/{theirs.pk}", {"name": "Mine"}).status_code == 404
    assert send(client, "post", f"{BASE}/obligations/{obligation.pk}/done", {}).status_code == 404
    theirs.refresh_from_db()
    assert theirs.name == "Rifugio"


def test_visitors_see_only_public_resources_and_cannot_manage(client, people):
    make_resource(people["coop"], name="Public", is_public=True)
    hidden = make_resource(people["coop"], name="Hidden", is_public=False)
    names = [r["name"] for r in client.get(BASE).json()["items"]]
    assert names == ["Public"]
    assert client.get(f"{BASE}/{hidden.pk}").status_code == 404
    assert send(client, "post", BASE, API_RESOURCE).status_code == 401
    client.force_login(people["member"])
    assert len(client.get(BASE).json()["items"]) == 2
    assert send(client, "post", BASE, API_RESOURCE).status_code == 403
    assert client.get(f"{BASE}/reminders").status_code == 403


@pytest.mark.parametrize("n", [3, 15])
def test_list_is_a_constant_number_of_queries(client, people, n, django_assert_num_queries):
    today = timezone.localdate()
    for i in range(n):
        r = make_resource(people["coop"], name=f"R{i:02d}")
        add_right(r, start=today - timedelta(days=10), end=today + timedelta(days=10 + i))
        add_obligation(r, due=today + timedelta(days=i))
    client.force_login(people["staff"])
    # session, user, coop, roles; count, resources with municipality, rights in force,
    # obligations to do
    with django_assert_num_queries(8):
        items = client.get(BASE).json()["items"]
    assert len(items) == n and all(i["current_use_right"] and i["next_obligation"] for i in items)
