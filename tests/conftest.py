"""Shared fixtures: the territory loaded once per test database, and the three-user pattern
(owner, member, stranger) extended to every role."""

from __future__ import annotations

import pytest
from django.utils import translation

from comunitas.core.coops.services import role_grant
from comunitas.core.models import Municipality, RoleKind
from comunitas.core.territory.services import territory_load
from tests.helpers import make_coop, make_user


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


@pytest.fixture
def english(settings, client):
    """Messages in English, the language of the source, whatever the machine's: in the test, in
    the threads of concurrency tests (the default language) and in the test client's requests."""
    settings.LANGUAGE_CODE = "en"
    client.cookies["django_language"] = "en"
    with translation.override("en"):
        yield


# `make test` runs everything; `pytest -m "not browser and not slow"` is the quick loop.
SLOW_PLACES = ("tests/demo/", "tests/api/test_fuzz.py", "tests/core/coops/test_cli.py")


def pytest_collection_modifyitems(items):
    for item in items:
        place = item.nodeid.split("::")[0]
        if "browser" in getattr(item, "fixturenames", ()):
            item.add_marker(pytest.mark.browser)
        if place.startswith(SLOW_PLACES) or "concurrency" in place:
            item.add_marker(pytest.mark.slow)
