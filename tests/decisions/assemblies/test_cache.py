"""A closed vote's result, answered from the cache to callers with a token: one query (the token,
the caller's role and the version), never to a caller who may not read it, never while the
vote is open."""

from __future__ import annotations

import pytest
from django.test import Client

from comunitas.core.accounts.services import api_token_create, api_token_revoke
from comunitas.core.models import Role
from comunitas.decisions.assemblies import session_services as assemblies_session_services
from comunitas.decisions.assemblies import voting_services as assemblies_voting_services

pytestmark = pytest.mark.django_db


def bearer(token: str) -> dict[str, str]:
    return {"HTTP_AUTHORIZATION": f"Bearer {token}"}


@pytest.fixture
def voted(in_session):
    staff, members, assembly = in_session["staff"], in_session["members"], in_session["assembly"]
    for key in ("member", "admin", 3, 5, 6):
        assemblies_session_services.attendance_register(
            actor=staff, assembly=assembly, member=members[key]
        )
    motion = assemblies_voting_services.motion_open(
        actor=staff,
        motion=assemblies_voting_services.motion_create(
            actor=staff, assembly=assembly, title="Bilancio"
        ),
    )
    for key in ("admin", 3, 5):
        assemblies_voting_services.ballot_cast(
            actor=staff, motion=motion, voter=members[key], choice="for", recorded_by_staff=True
        )
    path = f"/api/v1/coops/alpha/assemblies/{assembly.pk}/motions/{motion.pk}/result"
    return {**in_session, "motion": motion, "path": path}


def test_a_closed_result_is_answered_from_the_cache_in_one_query(voted, django_assert_num_queries):
    _token, secret = api_token_create(user=voted["member"], name="script")
    client = Client()
    hidden = client.get(voted["path"], **bearer(secret)).json()
    assert hidden["hidden"] and hidden["voters"] == 3
    assemblies_voting_services.motion_close(actor=voted["staff"], motion=voted["motion"])
    first = client.get(voted["path"], **bearer(secret))  # computed, then kept
    assert (
        first.json()["votes_for"] == {"units": 3, "votes": "3"} and first.json()["passed"] is True
    )
    with django_assert_num_queries(1):  # the token, the role and the version
        again = client.get(voted["path"], **bearer(secret))
    assert again.status_code == 200 and again.json() == first.json()


def test_the_cached_result_is_refused_to_callers_who_may_not_read_it(voted):
    assemblies_voting_services.motion_close(actor=voted["staff"], motion=voted["motion"])
    _t, member_secret = api_token_create(user=voted["member"], name="script")
    _t, resident_secret = api_token_create(user=voted["resident"], name="script")
    _t, stranger_secret = api_token_create(user=voted["stranger"], name="script")
    client = Client()
    assert client.get(voted["path"], **bearer(member_secret)).status_code == 200  # now cached
    assert client.get(voted["path"], **bearer(resident_secret)).status_code == 403
    assert client.get(voted["path"], **bearer(stranger_secret)).status_code == 403
    assert client.get(voted["path"]).status_code == 401
    Role.objects.filter(user=voted["member"], coop=voted["coop"]).update(kind="resident")
    assert client.get(voted["path"], **bearer(member_secret)).status_code == 403
    token = voted["member"].api_tokens.get()
    api_token_revoke(user=voted["member"], token=token)
    assert client.get(voted["path"], **bearer(member_secret)).status_code == 401
