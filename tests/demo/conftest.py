"""The demo loaded once for all of tests/demo: loading the five case studies takes half a minute.

``demo_loaded`` loads it once, at the first test of this package that asks for it, inside a
transaction rolled back when the package's tests are over (a package-scoped fixture: it must not
outlive tests/demo, or the rest of the suite on that worker would meet the demo). Each test runs
in a savepoint inside it (pytest-django's ``db``), so every test meets the demo as it was loaded,
whatever an earlier one wrote or deleted. The load's on-commit work (e-mails, cache) runs at
once, as ``django_capture_on_commit_callbacks(execute=True)`` would, and what it sent is kept in
``outbox`` for the tests that check that nobody is told anything.

Every test that asks for it goes to one xdist group, "demo", so the load happens on one worker
only (``--dist loadgroup``, as ``make test`` runs), and those tests run there one after the other.
A test that needs an empty database belongs outside tests/demo: once loaded, the demo stays until
the package's last test, on that worker and with ``-n 0`` alike."""

from __future__ import annotations

from dataclasses import dataclass

import pytest
from django.conf import settings
from django.core import mail
from django.db import transaction
from django.test import TestCase, override_settings
from django.utils import translation

from comunitas.demo.load import DemoReport, demo_load

SEED = 2021  # the shared load's: the command line's default, the one `make demo` loads
PASSWORD = "demo-password-long"
FAST_HASHER = ["django.contrib.auth.hashers.MD5PasswordHasher"]  # as tests/conftest.py's
GROUP = "demo"


@dataclass(frozen=True)
class LoadedDemo:
    report: DemoReport
    outbox: list  # the e-mails the load sent, its on-commit work included


@pytest.fixture(scope="package")
def demo_loaded(django_db_setup, django_db_blocker):
    with (
        django_db_blocker.unblock(),
        override_settings(PASSWORD_HASHERS=FAST_HASHER),
        translation.override(settings.LANGUAGE_CODE),
        transaction.atomic(),
    ):
        sent = len(mail.outbox)
        with TestCase.captureOnCommitCallbacks(execute=True):
            report = demo_load(seed=SEED, password=PASSWORD)
        yield LoadedDemo(report=report, outbox=mail.outbox[sent:])
        transaction.set_rollback(True)


@pytest.fixture(autouse=True)
def in_the_demo_language():
    """Each test starts in the language the demo was loaded in, whatever language an earlier
    test's requests left active: a step generated again writes the same translated texts."""
    with translation.override(settings.LANGUAGE_CODE):
        yield


@pytest.hookimpl(wrapper=True)
def pytest_collection_modifyitems(config, items):
    shared = [item for item in items if "demo_loaded" in getattr(item, "fixturenames", ())]
    for item in shared:  # before xdist reads the groups, on each worker
        item.add_marker(pytest.mark.xdist_group(GROUP))
    result = yield
    # xdist tells the controller a test's group by appending it to the test's id, a write that
    # pytest 9.2's structured ids ignore (pytest-dev/pytest-xdist#1386): done here until fixed.
    if getattr(config.option, "loadgroup", False):
        for item in shared:
            if "@" not in item.nodeid and hasattr(item, "_id"):  # else: one load per worker
                item._id = type(item._id).parse(f"{item.nodeid}@{GROUP}")
    return result
