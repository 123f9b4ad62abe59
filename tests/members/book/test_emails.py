"""The e-mails to members are plain text: names are written as they are, not HTML-escaped."""

import pytest

from comunitas.members.book import services as book_services
from tests.helpers import CONSENT, person

pytestmark = pytest.mark.django_db


def test_a_name_with_an_apostrophe_reaches_the_email_as_written(
    book, mailoutbox, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        book_services.application_submit(
            actor=None,
            coop=book["coop"],
            **person(41, last_name="D'Amico", first_name="Anna & Rosa"),
            consents=CONSENT,
        )
    [mail] = mailoutbox
    assert "D'Amico Anna & Rosa" in mail.body, mail.body
    assert "&#x27;" not in mail.body + mail.subject and "&amp;" not in mail.body
