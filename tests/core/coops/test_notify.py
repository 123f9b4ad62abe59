"""E-mails can be switched off for a block of work (synthetic or bulk data)."""

import pytest

from comunitas.core.notify import quiet
from comunitas.projects.needs import services as needs_services
from tests.helpers import make_need

pytestmark = pytest.mark.django_db


def test_no_e_mail_is_queued_inside_a_quiet_block(
    people, mailoutbox, django_capture_on_commit_callbacks
):
    need = make_need(people["coop"], people["resident"])
    with django_capture_on_commit_callbacks(execute=True), quiet():
        needs_services.need_set_status(actor=people["staff"], need=need, status="under_review")
    assert mailoutbox == []
    # Outside the block the followers are told again.
    with django_capture_on_commit_callbacks(execute=True):
        needs_services.need_set_status(actor=people["staff"], need=need, status="new")
    assert [m.to for m in mailoutbox] == [["resident1@example.org"]]
