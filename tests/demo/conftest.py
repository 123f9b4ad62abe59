"""The demo loaded once for a whole test module, for tests that only read it.

Loading the five case studies takes seconds; a module whose tests only look at the result shares
one load. It runs inside a transaction that is rolled back when the module ends, and each test
runs in a savepoint inside it (pytest-django's ``db``), so every test still meets the demo as it
was loaded. A module must run its tests that need an empty database before the first test that
asks for this fixture, since the demo stays until the module ends."""

from __future__ import annotations

import pytest
from django.db import transaction

from comunitas.demo.load import demo_load

PASSWORD = "demo-password-long"


@pytest.fixture(scope="module")
def demo_loaded(django_db_setup, django_db_blocker):
    with django_db_blocker.unblock(), transaction.atomic():
        yield demo_load(seed=2021, password=PASSWORD)
        transaction.set_rollback(True)
