"""E-mails to people, rendered from templates and sent after the change commits."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.mail import send_mail
from django.template.loader import render_to_string
from django.utils import translation

from comunitas.core.tasks import defer


def _send(to: str, template: str, context: dict[str, Any], language: str) -> None:
    with translation.override(language):
        subject = render_to_string(f"{template}_subject.txt", context).strip()
        body = render_to_string(f"{template}.txt", context)
    send_mail(" ".join(subject.split()), body, settings.DEFAULT_FROM_EMAIL, [to])


def notify(*, to: str, template: str, context: dict[str, Any]) -> None:
    """Send ``template``_subject.txt / ``template``.txt to ``to`` once the transaction commits,
    in the language of the request that caused it. Nobody to write to: nothing to do."""
    if to:
        defer(_send, to, template, context, translation.get_language() or settings.LANGUAGE_CODE)
