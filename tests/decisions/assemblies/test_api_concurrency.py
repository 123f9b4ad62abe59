"""Ballots through the API at the same instant, on real threads with their own database
connections (as a member clicking several times, or from two devices): one ballot is
recorded, every other request is answered 422 in the API's error shape, never a 500, and the
tally counts the voter once. SQLite queues the transactions (BEGIN IMMEDIATE); PostgreSQL
relies on the unique (motion, voter) and the conditional UPDATE of the motion's counters."""

from __future__ import annotations

import json

import pytest
from django.test import Client

from comunitas.decisions.assemblies import session_services as assemblies_session_services
from comunitas.decisions.assemblies import voting_services as assemblies_voting_services
from comunitas.decisions.models import Motion, Vote
from tests.helpers import run_together

pytestmark = pytest.mark.django_db(transaction=True)
ATTEMPTS = 6


@pytest.mark.parametrize("ballot", ["open", "secret"])
def test_a_ballot_sent_many_times_at_once_counts_once(in_session, ballot):
    staff, members = in_session["staff"], in_session["members"]
    assembly = in_session["assembly"]
    for key in ("member", "admin", 3, 5, 6):
        assemblies_session_services.attendance_register(
            actor=staff, assembly=assembly, member=members[key]
        )
    motion = assemblies_voting_services.motion_open(
        actor=staff,
        motion=assemblies_voting_services.motion_create(
            actor=staff, assembly=assembly, title="Bilancio", ballot=ballot
        ),
    )
    url = f"/api/v1/coops/alpha/assemblies/{assembly.pk}/motions/{motion.pk}/ballots"
    clients = []
    for i in range(ATTEMPTS):
        client = Client()
        client.force_login(in_session["member" if i % 2 else "admin"])
        clients.append(client)

    def job(client):
        return lambda: client.post(
            url, json.dumps({"choice": "for"}), content_type="application/json"
        )

    results = run_together([job(c) for c in clients])
    crashed = [r for r in results if isinstance(r, Exception)]
    assert not crashed, crashed[:2]
    statuses = sorted(r.status_code for r in results)
    assert statuses == [201, 201] + [422] * (ATTEMPTS - 2)  # member1 once, admin1 once
    for response in results:
        if response.status_code == 422:
            errors = response.json()["errors"]
            assert errors[0]["field"] == "voter" and "already voted" in errors[0]["message"]
    if ballot == "secret":  # two votes wait sealed until the close counts them
        assemblies_voting_services.motion_close(actor=staff, motion=motion)
    counted = Motion.objects.get(pk=motion.pk)
    assert counted.voters == 2 and counted.for_units == 2
    assert Vote.objects.filter(motion=motion).count() == 2
