"""Shared fixtures: the territory loaded once per test database, and the three-user pattern
(owner, member, stranger) extended to every role."""

from __future__ import annotations

import pytest
from django.contrib.auth import get_user_model

from comunitas.core.coops.services import coop_create, role_grant
from comunitas.core.models import Cooperative, Municipality, RoleKind
from comunitas.core.territory.services import territory_load

PASSWORD = "a-long-test-password-1"
# A statute version within the law, as a form or an API body sends it.
STATUTE_FORM = {
    "valid_from": "2025-01-01",
    "share_nominal_value": "50.00",
    "max_proxies_per_member": 3,
    "legal_person_max_votes": 1,
    "enrolment_days_before_voting": 90,
    "notice_days": 8,
    "ordinary_quorum_first_call": 50,
    "ordinary_quorum_second_call": 0,
    "extraordinary_quorum_first_call": 50,
    "extraordinary_quorum_second_call": 0,
    "proposal_support_threshold": 10,
}


@pytest.fixture(scope="session")
def django_db_setup(django_db_setup, django_db_blocker):
    """Italy's municipalities, loaded once into the test database."""
    with django_db_blocker.unblock():
        territory_load()


@pytest.fixture(autouse=True)
def media_in_tmp(settings, tmp_path):
    """Uploads (e.g. a member book waiting for its import) go to the test's own folder."""
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture(autouse=True)
def fast_passwords(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture
def territory(db) -> None:
    """Transactional tests empty the tables afterwards: reload when needed."""
    if not Municipality.objects.exists():
        territory_load()


def make_user(username: str, **extra):
    user = get_user_model().objects.create_user(
        username=username, email=f"{username}@example.org", password=PASSWORD, **extra
    )
    return user


def make_coop(slug: str, *, owner=None, seat: str = "008034", **fields) -> Cooperative:
    values = {
        "name": slug.replace("-", " ").title(),
        "slug": slug,
        "legal_form": "coop",
        "founded_year": 2015,
        "seat": Municipality.objects.get(pk=seat),
        "sector": "tourism",
        **fields,
    }
    return coop_create(actor=owner, fields=values)


@pytest.fixture
def people(db, territory):
    """A cooperative with one login per role, plus a stranger who is admin of another one."""
    admin = make_user("admin1", first_name="Ada", last_name="Board")
    coop = make_coop("alpha", owner=admin)
    users = {"admin": admin}
    for kind in (RoleKind.STAFF, RoleKind.MEMBER, RoleKind.RESIDENT):
        users[kind] = make_user(f"{kind}1")
        role_grant(actor=admin, coop=coop, user=users[kind], kind=kind)
    stranger = make_user("stranger1")
    other = make_coop("beta", owner=stranger, seat="066004")
    return {"coop": coop, "other": other, "stranger": stranger, "anonymous": None, **users}


@pytest.fixture(autouse=True)
def empty_cache():
    """Each test starts with an empty cache (cached answers must not leak between tests)."""
    from django.core.cache import cache

    cache.clear()
