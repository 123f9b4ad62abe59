"""Personal data of a member (GDPR): everything the cooperative holds about a person, as one
export, and the requests for erasure waiting for the board."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from typing import Any

from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from comunitas.core.kernel.money import CENT
from comunitas.core.kernel.types import Actor, user_of
from comunitas.core.models import AuditEntry, Cooperative, Role
from comunitas.members.book import selectors as book_selectors
from comunitas.members.models import (
    Application,
    Consent,
    Member,
    MemberStatus,
    Redemption,
    ShareMovement,
    ShareTransfer,
)

FORMAT = "comunitas.member-data/1"


# --- reads --------------------------------------------------------------------------------------
@dataclass(frozen=True)
class OwnRecords:
    """A member's own records besides the member row: what the portal shows and the export
    holds. Five queries, whatever the length of the ledger."""

    consents: list[Consent]  # newest first
    application: Application | None
    movements: list[ShareMovement]
    transfers: list[ShareTransfer]
    redemption: Redemption | None

    @property
    def consents_in_force(self) -> dict[str, Consent]:
        """The latest answer of each kind of consent."""
        latest: dict[str, Consent] = {}
        for consent in self.consents:
            latest.setdefault(consent.kind, consent)
        return latest


def own_records(*, member: Member) -> OwnRecords:
    consents = list(Consent.objects.filter(member=member).order_by("-at", "-id"))
    application = Application.objects.filter(member=member).select_related("share_class").first()
    movements = list(book_selectors.movement_list(member=member))
    transfers = list(
        ShareTransfer.objects.filter(Q(seller=member) | Q(buyer=member))
        .select_related("seller", "buyer", "share_class")
        .order_by("requested_on", "id")
    )
    redemption = Redemption.objects.filter(member=member).first()
    return OwnRecords(consents, application, movements, transfers, redemption)


def _plain(value: Any) -> Any:
    """A value as JSON holds it: euros as exact strings with cents (sums over SQLite lose the
    scale), dates in ISO 8601."""
    if isinstance(value, Decimal):
        return str(value.quantize(CENT))
    if isinstance(value, datetime):
        return timezone.localtime(value).isoformat() if timezone.is_aware(value) else value
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, dict):
        return {key: _plain(item) for key, item in value.items()}
    if isinstance(value, list | tuple):
        return [_plain(item) for item in value]
    return value


MEMBER_EXPORT = [
    "kind",
    "status",
    "number",
    "first_name",
    "last_name",
    "birth_date",
    "sex",
    "organisation_name",
    "organisation_kind",
    "vat_number",
    "representative_name",
    "representative_role",
    "fiscal_code",
    "address",
    "email",
    "phone",
    "applied_on",
    "admitted_on",
    "admission_reference",
    "exited_on",
    "exit_kind",
    "exit_reason",
    "exit_reference",
    "erasure_requested_at",
    "erased_at",
    "created_at",
    "synthetic",
]


def _login(coop: Cooperative, user: Actor) -> dict[str, Any] | None:
    user = user_of(user)
    if user is None:
        return None
    role = Role.objects.filter(coop=coop, user=user).first()
    return {
        "username": user.get_username(),
        "email": user.email,
        "first_name": user.first_name,
        "last_name": user.last_name,
        "date_joined": user.date_joined,
        "last_login": user.last_login,
        "roles": [{"kind": role.kind, "since": role.created_at}] if role else [],
    }


def personal_data_audit(member: Member, records: OwnRecords, user: Actor) -> list[dict[str, Any]]:
    """Entries of the trail about this member, their share movements, transfers and
    reimbursement. The people who made them are not named: "you", "the cooperative" or
    "system"."""
    about = Q(object_type="members.member", object_id=str(member.pk))
    for model, ids in (
        ("members.sharemovement", [m.pk for m in records.movements]),
        ("members.sharetransfer", [t.pk for t in records.transfers]),
        ("members.redemption", [records.redemption.pk] if records.redemption else []),
    ):
        if ids:
            about |= Q(object_type=model, object_id__in=[str(i) for i in ids])
    entries = AuditEntry.objects.filter(about, coop_id=member.coop_id).order_by("at", "id")
    me = user_of(user)
    user_id = me.pk if me is not None else None
    return [
        {
            "at": entry.at,
            "action": entry.action,
            "object_type": entry.object_type,
            "object_id": entry.object_id,
            "object": entry.object_repr,
            "by": "you"
            if user_id and entry.actor_id == user_id
            else ("the cooperative" if entry.actor_id else "system"),
            "changes": entry.changes,
        }
        for entry in entries
    ]


def _export(coop: Cooperative, user: Actor, **parts: Any) -> dict[str, Any]:
    """The export as JSON holds it: the cooperative and the login, with ``parts`` of the
    membership (none for someone outside the book)."""
    return _plain(
        {
            "format": FORMAT,
            "generated_at": timezone.now(),
            "cooperative": {"slug": coop.slug, "name": coop.name},
            "login": _login(coop, user),
            "member": None,
            "consents": [],
            "application": None,
            "holdings": [],
            "movements": [],
            "transfers": [],
            "redemption": None,
            "audit": [],
            **parts,
        }
    )


def _member_row(found: Member) -> dict[str, Any]:
    """The member row with its category, residence and standing."""
    row: dict[str, Any] = {name: getattr(found, name) for name in MEMBER_EXPORT}
    row["category"] = {"code": found.category.code, "name": found.category.name}
    row["residence"] = (
        {
            "istat_code": found.residence.istat_code,
            "name": found.residence.name,
            "province": found.residence.province_abbr,
            "in_territory": found.in_territory,
        }
        if found.residence
        else None
    )
    row["in_good_standing"] = (
        found.status == MemberStatus.ACTIVE and found.capital_paid == found.capital_subscribed
    )
    return row


def _application_data(application: Application | None) -> dict[str, Any] | None:
    if application is None:
        return None
    return {
        "source": application.source,
        "share_class": application.share_class.code,
        "shares_requested": application.shares_requested,
        "motivation": application.motivation,
        "status": application.status,
        "submitted_at": application.created_at,
        "decided_on": application.decided_on,
        "decision_reference": application.decision_reference,
        "rejection_reason": application.rejection_reason,
    }


def _holding_data(h: book_selectors.Holding) -> dict[str, Any]:
    return {
        "share_class": h.share_class.code,
        "nominal_value": h.share_class.nominal_value,
        "shares": h.shares,
        "subscribed": h.subscribed,
        "paid": h.paid,
    }


def _movement_data(m: ShareMovement) -> dict[str, Any]:
    return {
        "on_date": m.on_date,
        "kind": m.kind,
        "share_class": m.share_class.code,
        "shares": m.shares,
        "subscribed": m.subscribed,
        "paid": m.paid,
        "reference": m.reference,
    }


def _transfer_data(t: ShareTransfer, member: Member) -> dict[str, Any]:
    """A transfer seen from ``member``: the other party is named by register number only,
    since their data are not the member's."""
    return {
        "direction": "out" if t.seller_id == member.pk else "in",
        "other_member": (t.buyer if t.seller_id == member.pk else t.seller).audit_label,
        "share_class": t.share_class.code,
        "shares": t.shares,
        "requested_on": t.requested_on,
        "status": t.status,
        "decided_on": t.decided_on,
        "decision_reference": t.decision_reference,
        "rejection_reason": t.rejection_reason,
    }


def _redemption_data(redemption: Redemption | None) -> dict[str, Any] | None:
    if redemption is None:
        return None
    return {
        "amount": redemption.amount,
        "due_on": redemption.due_on,
        "paid_on": redemption.paid_on,
        "reference": redemption.reference,
    }


def member_data(*, member: Member) -> dict[str, Any]:
    """Everything the cooperative holds about a member (or applicant): the member row, category,
    residence, consents with their history, the application and its decision, the share
    ledger and holdings, transfers, reimbursement, the audit trail about them and their login.
    JSON-serialisable: decimals as strings, dates in ISO 8601."""
    found = book_selectors.with_territory(
        book_selectors.with_holdings(
            Member.objects.select_related("category", "residence", "user", "coop")
        ),
        member.coop,
    ).get(pk=member.pk)
    records = own_records(member=found)
    holdings = book_selectors.holdings(member=found)
    return _export(
        found.coop,
        found.user,
        member=_member_row(found),
        consents=[
            {"kind": c.kind, "given": c.given, "at": c.at} for c in reversed(records.consents)
        ],
        application=_application_data(records.application),
        holdings=[_holding_data(h) for h in holdings],
        movements=[_movement_data(m) for m in records.movements],
        transfers=[_transfer_data(t, found) for t in records.transfers],
        redemption=_redemption_data(records.redemption),
        audit=personal_data_audit(found, records, found.user),
    )


def personal_data(*, coop: Cooperative, user: Actor) -> dict[str, Any]:
    """What the cooperative holds about the caller: their membership when they have one,
    otherwise their login and role alone."""
    member = book_selectors.member_of(coop=coop, user=user)
    if member is not None:
        return member_data(member=member)
    return _export(coop, user)


def erasure_blocker(member: Member) -> str:
    """Why a member's data cannot be erased yet ("" when they can)."""
    if member.status == MemberStatus.ACTIVE:
        return _(
            "The register of members must name every current member (art. 2421 c.c.), so the "
            "law lets the cooperative keep your data while you are a member (GDPR art. 17.3.b). "
            "They will be erased when your membership ends: you may withdraw (recesso) by "
            "writing to the board, which decides on it."
        )
    if Redemption.objects.filter(member=member, paid_on__isnull=True).exists():
        return _(
            "The cooperative still owes you the reimbursement of your shares and must know "
            "whom to pay: your data will be erased once it is paid."
        )
    return ""
