"""Check-in at the door: a ticket's code, as typed or scanned, admitted once. One conditional
UPDATE (``checked_in_at IS NULL``) admits it, so two doors scanning the same ticket at once let
in one; every admission leaves an audit row."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from comunitas.commons.models import (
    Event,
    PaymentState,
    Ticket,
)
from comunitas.commons.ticketing.services import event_label, when_busy_try_again
from comunitas.core.audit import audit_record
from comunitas.core.kernel.types import Actor, user_of
from comunitas.core.models import Cooperative


def normalise_code(text: str) -> str:
    """A code as typed at the door: case, spaces and dashes do not matter."""
    return "".join(ch for ch in (text or "").upper() if ch.isalnum())[:40]


# --- the door -----------------------------------------------------------------------------------
class CheckIn:
    ADMITTED = "admitted"
    ALREADY = "already"
    VOID = "void"
    WRONG_EVENT = "wrong_event"
    UNKNOWN = "unknown"


@dataclass(frozen=True)
class CheckInResult:
    status: str
    code: str
    ticket: Ticket | None = None
    at: datetime | None = None

    @property
    def admitted(self) -> bool:
        return self.status == CheckIn.ADMITTED

    @property
    def message(self) -> str:
        if self.status == CheckIn.ADMITTED:
            return _("Valid: welcome!")
        if self.status == CheckIn.ALREADY:
            shown = timezone.localtime(self.at).strftime("%H:%M") if self.at else "?"
            return _("Already checked in at %(time)s.") % {"time": shown}
        if self.status == CheckIn.VOID:
            return _("Void: this ticket was cancelled.")
        if self.status == CheckIn.WRONG_EVENT:
            return _("This ticket is for another event: %(event)s.") % {
                "event": event_label(self.ticket.event) if self.ticket else "?"
            }
        return _("Unknown code: no ticket of this cooperative has it.")

    @property
    def to_pay(self) -> bool:
        return (
            self.ticket is not None and self.ticket.line.order.payment_state == PaymentState.TO_PAY
        )


def ticket_check_in(
    *,
    actor: Actor,
    coop: Cooperative,
    code: str,
    event: Event | None = None,
    now: datetime | None = None,
) -> CheckInResult:
    """Admit the ticket with ``code`` (to ``event`` when the door checks one event). One
    conditional UPDATE admits it, so two doors scanning the same ticket at once let in one."""
    code = normalise_code(code)
    ticket = (
        Ticket.objects.select_related("event__service", "line__order")
        .filter(code=code, event__service__coop=coop)
        .first()
        if code
        else None
    )
    if ticket is None:
        return CheckInResult(CheckIn.UNKNOWN, code)
    if ticket.is_void or ticket.event.is_cancelled:
        return CheckInResult(CheckIn.VOID, code, ticket)
    if event is not None and ticket.event_id != event.pk:
        return CheckInResult(CheckIn.WRONG_EVENT, code, ticket)
    return _admit(actor, coop, ticket, code, now or timezone.now())


@when_busy_try_again
def _admit(
    actor: Actor, coop: Cooperative, ticket: Ticket, code: str, now: datetime
) -> CheckInResult:
    with transaction.atomic():
        admitted = Ticket.objects.filter(
            pk=ticket.pk, checked_in_at__isnull=True, is_void=False
        ).update(
            checked_in_at=now,
            checked_in_by=user_of(actor),
        )
        if admitted:
            ticket.checked_in_at = now
            audit_record(
                actor=actor,
                action="ticket.check_in",
                obj=ticket,
                coop=coop,
                before={"checked_in_at": None},
                after={"checked_in_at": now.isoformat(), "event": ticket.event_id},
            )
            return CheckInResult(CheckIn.ADMITTED, code, ticket, now)
    current = Ticket.objects.filter(pk=ticket.pk).values("checked_in_at", "is_void")[0]
    if current["is_void"]:
        return CheckInResult(CheckIn.VOID, code, ticket)
    return CheckInResult(CheckIn.ALREADY, code, ticket, current["checked_in_at"])
