"""What a member does with their own personal data (GDPR): consents given or withdrawn, an
application withdrawn, erasure requested. Each change is audited."""

from __future__ import annotations

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from comunitas.core.audit import audit_record
from comunitas.core.errors import ValidationError
from comunitas.core.kernel.types import Actor
from comunitas.members.book import services as book_services
from comunitas.members.models import Application, Consent, Member, MemberStatus
from comunitas.members.portal.selectors import erasure_blocker


# --- writes -------------------------------------------------------------------------------------
@transaction.atomic
def consents_update(*, actor: Actor, member: Member, answers: dict[str, bool]) -> list[Consent]:
    """Record the consents a member changed, all or none (a refused one undoes the others)."""
    recorded = []
    for kind, given in answers.items():
        consent = book_services.consent_set(actor=actor, member=member, kind=kind, given=given)
        if consent is not None:
            recorded.append(consent)
    return recorded


@transaction.atomic
def application_withdraw(*, actor: Actor, member: Member) -> Member:
    """The applicant withdraws a pending application: it is closed as rejected, with the
    reason saying so, and kept (as the board's rejections are)."""
    member = book_services.member_locked(member)
    if member.status != MemberStatus.APPLICANT:
        raise ValidationError(_("Only a pending application can be withdrawn."))
    application = Application.objects.select_for_update().get(member=member)
    application.status = Application.Status.REJECTED
    application.decided_on = timezone.localdate()
    application.rejection_reason = _("Withdrawn by the applicant")
    application.save(update_fields=["status", "decided_on", "rejection_reason"])
    member.status = MemberStatus.REJECTED
    member.save(update_fields=["status"])
    audit_record(
        actor=actor,
        action="member.withdraw",
        obj=member,
        coop=member.coop,
        before={"status": MemberStatus.APPLICANT},
        after={"status": MemberStatus.REJECTED},
    )
    return member


@transaction.atomic
def erasure_request(*, actor: Actor, member: Member) -> Member:
    """A member asks for the erasure of their personal data (GDPR art. 17).

    The request is recorded (once) with its time. A pending application is withdrawn first.
    A person who is no longer a member or applicant is erased at once; a current member's
    request waits for the end of the membership (see ``erasure_blocker``), and the board sees
    it in ``book.selectors.erasure_requests``."""
    member = book_services.member_locked(member)
    if member.is_erased:
        raise ValidationError(_("Your personal data were erased already."))
    if member.erasure_requested_at is None:
        member.erasure_requested_at = timezone.now()
        member.save(update_fields=["erasure_requested_at"])
        audit_record(
            actor=actor,
            action="member.erasure_request",
            obj=member,
            coop=member.coop,
            after={"erasure_requested_at": member.erasure_requested_at.isoformat()},
        )
    if member.status == MemberStatus.APPLICANT:
        member = application_withdraw(actor=actor, member=member)
    if not erasure_blocker(member):
        member = book_services.member_erase(actor=actor, member=member)
    return member
