"""The demo loaded once for a whole test module, for tests that only read it.

Loading the five case studies takes seconds; a module whose tests only look at the result shares
one load. It runs inside a transaction that is rolled back when the module ends, and each test
runs in a savepoint inside it (pytest-django's ``db``), so every test still meets the demo as it
was loaded. A module must run its tests that need an empty database before the first test that
asks for this fixture, since the demo stays until the module ends. The module's tests go to one
xdist worker (``--dist loadgroup``), or each worker would load the demo again."""

from __future__ import annotations

import pytest
from django.db import transaction
from django.test import override_settings

from comunitas.demo.load import demo_load

PASSWORD = "demo-password-long"
FAST_HASHER = ["django.contrib.auth.hashers.MD5PasswordHasher"]  # as tests/conftest.py's


@pytest.fixture(scope="module")
def demo_loaded(django_db_setup, django_db_blocker):
    with (
        django_db_blocker.unblock(),
        override_settings(PASSWORD_HASHERS=FAST_HASHER),
        transaction.atomic(),
    ):
        yield demo_load(seed=2021, password=PASSWORD)
        transaction.set_rollback(True)


def pytest_collection_modifyitems(items):
    # The whole module, so that its tests run in their order on one worker: those needing an
    # empty database before the shared load.
    sharing = {
        item.module.__name__ for item in items if "demo_loaded" in getattr(item, "fixturenames", ())
    }
    for item in items:
        module = getattr(item, "module", None)
        if module is not None and module.__name__ in sharing:
            item.add_marker(pytest.mark.xdist_group(f"demo:{module.__name__}"))
