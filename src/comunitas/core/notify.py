"""E-mails to people, rendered from templates and sent after the change commits."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from typing import Any

from django.conf import settings
from django.core.mail import EmailMessage
from django.template import Context
from django.template.loader import get_template
from django.utils import translation

from comunitas.core.tasks import defer

_quiet: ContextVar[bool] = ContextVar("comunitas_quiet_notifications", default=False)


@contextmanager
def quiet() -> Iterator[None]:
    """Queue no e-mail inside the block: synthetic or bulk data has nobody to tell."""
    token = _quiet.set(True)
    try:
        yield
    finally:
        _quiet.reset(token)


def is_quiet() -> bool:
    """Whether e-mails are off here (for work that reads its recipients later, in a task)."""
    return _quiet.get()


def _plain(name: str, context: dict[str, Any]) -> str:
    # E-mails are plain text: "D'Amico" must not arrive as "D&#x27;Amico".
    return get_template(name).template.render(Context(context, autoescape=False))


# A file sent with an e-mail: (name, content, MIME type).
Attachment = tuple[str, bytes, str]


def _send(
    to: str,
    template: str,
    context: dict[str, Any],
    language: str,
    attachments: list[Attachment] | None = None,
) -> None:
    with translation.override(language):
        subject = _plain(f"{template}_subject.txt", context).strip()
        body = _plain(f"{template}.txt", context)
    message = EmailMessage(" ".join(subject.split()), body, settings.DEFAULT_FROM_EMAIL, [to])
    for name, content, mimetype in attachments or []:
        message.attach(name, content, mimetype)
    message.send()


def notify(
    *,
    to: str,
    template: str,
    context: dict[str, Any],
    attachments: list[Attachment] | None = None,
) -> None:
    """Send ``template``_subject.txt / ``template``.txt to ``to`` once the transaction commits,
    in the language of the request that caused it, with ``attachments`` if any. Nobody to write
    to: nothing to do."""
    if to and not is_quiet():
        language = translation.get_language() or settings.LANGUAGE_CODE
        defer(_send, to, template, context, language, attachments)
