"""The versions cached answers are keyed by (core/versions.py): one upsert per write, in the
writer's transaction; the cooperative's own changes and the shared territory move COOP on; and
the one query that reads a caller's role with the versions, for a login or for a token."""

from __future__ import annotations

import pytest
from django.db import transaction

from comunitas.core.accounts.services import (
    api_token_access,
    api_token_authenticate,
    api_token_create,
    api_token_revoke,
)
from comunitas.core.coops.services import coop_update, role_revoke
from comunitas.core.models import DataVersion, Municipality
from comunitas.core.territory.services import territory_load
from comunitas.core.versions import (
    COOP,
    coop_access,
    token_access,
    version_bump,
    versions_bump_everywhere,
)

pytestmark = pytest.mark.django_db


def versions(coop, scope: str = COOP) -> int | None:
    found = DataVersion.objects.filter(coop=coop, scope=scope).first()
    return found.version if found else None


def test_a_bump_creates_the_version_then_replaces_it_alone(people):
    alpha, beta = people["coop"], people["other"]
    assert versions(alpha, "members") is None
    version_bump(alpha.pk, "members")
    first = versions(alpha, "members")
    version_bump(alpha.pk, "members")
    second = versions(alpha, "members")
    assert None not in (first, second) and first != second
    version_bump(beta.pk, "members")
    version_bump(alpha.pk, "other")
    assert versions(alpha, "members") == second  # other cooperatives and scopes leave it
    assert DataVersion.objects.filter(coop=alpha).count() == 2


def test_a_bump_rolled_back_with_its_write_leaves_the_version(people):
    alpha = people["coop"]
    version_bump(alpha.pk, "members")
    before = versions(alpha, "members")

    class Refused(Exception):
        pass

    with pytest.raises(Refused), transaction.atomic():
        version_bump(alpha.pk, "members")
        raise Refused
    assert versions(alpha, "members") == before


def test_the_cooperatives_changes_and_the_territory_move_coop_on(people):
    alpha, beta = people["coop"], people["other"]

    def both():
        return versions(alpha), versions(beta)

    before = coop_access(slug="alpha", user_id=None, scope="members")
    coop_update(actor=people["admin"], coop=alpha, fields={"locality": ""})
    assert versions(alpha) is None  # nothing changed (the demo loads its cases again so)
    coop_update(actor=people["admin"], coop=alpha, fields={"locality": "Valcona"})
    assert versions(alpha) is not None and versions(beta) is None
    after = coop_access(slug="alpha", user_id=None, scope="members")
    assert after.version != before.version
    moved = both()
    versions_bump_everywhere()
    assert None not in both() and both()[0] != moved[0]
    moved = both()
    territory_load()  # nothing changed: nothing cached is stale
    assert both() == moved
    Municipality.objects.filter(pk="008034").update(name="Altro nome")
    territory_load()
    assert both()[0] != moved[0] and both()[1] != moved[1]
    assert Municipality.objects.get(pk="008034").name == "Mendatica"


def test_one_query_reads_the_role_and_the_versions(people, django_assert_num_queries):
    staff = people["staff"]
    with django_assert_num_queries(1):
        found = coop_access(slug="alpha", user_id=staff.pk, scope="members")
    assert (found.coop_id, found.is_public, found.role) == (people["coop"].pk, True, "staff")
    assert " " not in found.version  # it goes into cache keys
    assert coop_access(slug="alpha", user_id=None, scope="members").role is None
    assert coop_access(slug="alpha", user_id=people["stranger"].pk, scope="members").role is None
    assert coop_access(slug="nowhere", user_id=staff.pk, scope="members") is None
    version_bump(people["coop"].pk, "members")
    moved = coop_access(slug="alpha", user_id=staff.pk, scope="members")
    assert moved.version != found.version
    other_scope = coop_access(slug="alpha", user_id=staff.pk, scope="needs")
    assert other_scope.version == found.version  # only the members scope moved


def test_a_token_and_its_access_in_one_query(people, django_assert_num_queries):
    staff = people["staff"]
    token, clear = api_token_create(user=staff, name="script")
    api_token_authenticate(clear)  # its first use written down
    with django_assert_num_queries(1):
        access = api_token_access(clear, slug="alpha", scope="members")
    assert access == coop_access(slug="alpha", user_id=staff.pk, scope="members")
    found, same = token_access(prefix=token.prefix, slug="alpha", scope="members")
    assert (found.token_id, found.user_id, found.user_active) == (token.pk, staff.pk, True)
    assert same == access and found.last_used_at is not None
    assert found.last_used_at.tzinfo is not None  # compared with timezone.now()
    assert api_token_access(clear[:-2] + "xx", slug="alpha", scope="members") is None
    assert api_token_access("cmt_XYZ'--_x", slug="alpha", scope="members") is None
    assert api_token_access(clear, slug="nowhere", scope="members") is None
    role_revoke(actor=people["admin"], role=staff.coop_roles.get())
    assert api_token_access(clear, slug="alpha", scope="members").role is None
    staff.is_active = False
    staff.save()
    assert api_token_access(clear, slug="alpha", scope="members") is None
    staff.is_active = True
    staff.save()
    api_token_revoke(user=staff, token=token)
    assert token_access(prefix=token.prefix, slug="alpha", scope="members") is None
    assert api_token_access(clear, slug="alpha", scope="members") is None


def test_the_token_is_checked_and_its_user_built_as_the_orm_would(people):
    staff = people["staff"]
    _token, clear = api_token_create(user=staff, name="script")
    user = api_token_authenticate(clear)
    assert user == staff and user.is_active is True and user.username == staff.username
    assert user.date_joined == staff.date_joined and user.date_joined.tzinfo is not None
    assert user.last_login == staff.last_login
    assert not user._state.adding
    assert api_token_authenticate(clear.upper()) is None
