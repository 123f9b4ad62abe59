"""Every write of a cooperative, its statute and its roles. Each service runs in one transaction,
validates with the model's rules (raising ``core.errors.ValidationError`` with field messages,
nothing saved) and writes the audit trail."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Any

from django.db import models, transaction
from django.utils.translation import gettext as _

from comunitas.core.audit import audit_record, snapshot
from comunitas.core.cache import coop_forget
from comunitas.core.errors import ValidationError
from comunitas.core.kernel.edits import save_unique, validated
from comunitas.core.kernel.money import CENT
from comunitas.core.kernel.types import Actor
from comunitas.core.models import (
    Cooperative,
    Municipality,
    Role,
    RoleKind,
    StatuteParameters,
)
from comunitas.core.validators import compact_code
from comunitas.core.versions import COOP, version_bump

COOP_FIELDS = [
    "name",
    "slug",
    "legal_form",
    "founded_year",
    "founded_on",
    "seat",
    "locality",
    "fiscal_code",
    "vat_number",
    "albo_number",
    "regional_register",
    "sector",
    "description",
    "website",
    "payment_instructions",
    "is_public",
]
COOP_EDITABLE = [f for f in COOP_FIELDS if f != "slug"]  # addresses stay stable
COOP_AUDITED = [*COOP_FIELDS, "is_demo", "territory"]
STATUTE_FIELDS = [
    "valid_from",
    "share_nominal_value",
    "max_proxies_per_member",
    "legal_person_max_votes",
    "financing_votes_scale",
    "enrolment_days_before_voting",
    "notice_days",
    "ordinary_quorum_first_call",
    "ordinary_quorum_second_call",
    "extraordinary_quorum_first_call",
    "extraordinary_quorum_second_call",
    "proposal_support_threshold",
    "mutual_sales",
    "mutual_work",
    "mutual_supplies",
    "decision_reference",
]
CODE_FIELDS = ("fiscal_code", "vat_number", "albo_number")
DEFAULT_SHARE_VALUE = Decimal("25.00")  # the legal minimum (art. 2525 c.c.)


def _assign(obj: models.Model, fields: dict[str, Any], allowed: list[str]) -> None:
    unknown = set(fields) - set(allowed)
    if unknown:
        raise ValidationError(_("This field cannot be changed."), field=sorted(unknown)[0])
    for name, value in fields.items():
        if name in CODE_FIELDS:
            value = compact_code(value)
        setattr(obj, name, value)


def _forget_after_commit(coop: Cooperative) -> None:
    """Anonymous readers must see the change: drop their cached answer once it is committed."""
    transaction.on_commit(lambda: coop_forget(coop.slug))


# --- cooperatives -------------------------------------------------------------------------------
@transaction.atomic
def coop_create(
    *,
    actor: Actor,
    name: str = "",
    slug: str = "",
    legal_form: str = "",
    founded_year: int | None = None,
    founded_on: date | None = None,
    seat: Municipality | None = None,
    locality: str = "",
    fiscal_code: str = "",
    vat_number: str = "",
    albo_number: str = "",
    regional_register: str = "",
    sector: str = "",
    description: str = "",
    website: str = "",
    payment_instructions: str = "",
    is_public: bool = True,
    statute: dict[str, Any] | None = None,
    territory: list[Municipality] | None = None,
    is_demo: bool = False,
) -> Cooperative:
    """Register a cooperative with its first statute (in force from its founding, legal
    defaults for what ``statute`` leaves out); the creator becomes its first admin.

    A demo cooperative's statute is marked synthetic."""
    coop = Cooperative(is_demo=is_demo)
    _assign(
        coop,
        {
            "name": name,
            "slug": slug,
            "legal_form": legal_form,
            "founded_year": founded_year,
            "founded_on": founded_on,
            "seat": seat,
            "locality": locality,
            "fiscal_code": fiscal_code,
            "vat_number": vat_number,
            "albo_number": albo_number,
            "regional_register": regional_register,
            "sector": sector,
            "description": description,
            "website": website,
            "payment_instructions": payment_instructions,
            "is_public": is_public,
        },
        COOP_FIELDS,
    )
    validated(coop)
    first = StatuteParameters(coop=coop, synthetic=is_demo)
    given = {"share_nominal_value": DEFAULT_SHARE_VALUE, **(statute or {})}
    given["financing_votes_scale"] = _scale_steps(given.get("financing_votes_scale"))
    _assign(first, given, STATUTE_FIELDS)
    if first.valid_from is None:
        first.valid_from = coop.founded_on or date(coop.founded_year, 1, 1)
    validated(first, exclude=["coop"])
    save_unique(coop, "slug", _("Another cooperative already uses this short name."))
    coop.territory.set({coop.seat, *(territory or [])})
    first.coop = coop
    first.save()
    audit_record(
        actor=actor,
        action="cooperative.create",
        obj=coop,
        coop=coop,
        after=snapshot(coop, COOP_AUDITED),
    )
    audit_record(
        actor=actor,
        action="statute.create",
        obj=first,
        coop=coop,
        after=snapshot(first, STATUTE_FIELDS),
    )
    if actor is not None and actor.is_authenticated:
        role_grant(actor=actor, coop=coop, user=actor, kind=RoleKind.ADMIN)
    return coop


@transaction.atomic
def coop_update(
    *,
    actor: Actor,
    coop: Cooperative,
    fields: dict[str, Any],
    territory: list[Municipality] | None = None,
) -> Cooperative:
    """Change a cooperative's profile; ``territory`` (when given) replaces the served
    municipalities, which always include the seat."""
    coop = Cooperative.objects.select_for_update().get(pk=coop.pk)
    before = snapshot(coop, COOP_AUDITED)
    _assign(coop, fields, COOP_EDITABLE)
    validated(coop)
    coop.save()
    served = set(territory) if territory is not None else set(coop.territory.all())
    coop.territory.set({coop.seat, *served})
    _forget_after_commit(coop)
    after = snapshot(coop, COOP_AUDITED)
    if after != before:
        # The territory decides who lives in it (the member book's "in territory"): answers
        # cached from the cooperative's data must be built again. Bumped last, after the
        # cooperative's lock, unlike the book's writers: no writer that holds COOP's version
        # ever waits for a cooperative's row, so no two can wait for each other.
        version_bump(coop.pk, COOP)
    audit_record(
        actor=actor,
        action="cooperative.update",
        obj=coop,
        coop=coop,
        before=before,
        after=after,
    )
    return coop


def _scale_steps(scale: list[tuple[Decimal, int]] | None) -> list[dict[str, Any]]:
    """(capital, votes) steps as the statute stores them, each capital with its cents (5000 →
    "5000.00"; one with more decimals as it is, for the statute's check to refuse)."""
    steps = []
    for capital, votes in scale or []:
        cents = Decimal(capital).quantize(CENT)
        steps.append({"capital": str(cents if cents == capital else capital), "votes": votes})
    return steps


@transaction.atomic
def statute_create(
    *,
    actor: Actor,
    coop: Cooperative,
    valid_from: date | None = None,
    share_nominal_value: Decimal | None = None,
    max_proxies_per_member: int = 3,
    legal_person_max_votes: int = 1,
    financing_votes_scale: list[tuple[Decimal, int]] | None = None,
    enrolment_days_before_voting: int = 90,
    notice_days: int = 8,
    ordinary_quorum_first_call: Decimal = Decimal("50"),
    ordinary_quorum_second_call: Decimal = Decimal("0"),
    extraordinary_quorum_first_call: Decimal = Decimal("50"),
    extraordinary_quorum_second_call: Decimal = Decimal("0"),
    proposal_support_threshold: int = 10,
    mutual_sales: bool = False,
    mutual_work: bool = True,
    mutual_supplies: bool = False,
    decision_reference: str = "",
    synthetic: bool = False,
) -> StatuteParameters:
    """Record the statute parameters in force from ``valid_from``. ``financing_votes_scale``:
    (capital contributed in euros, votes) steps for financing members (L. 59/1992 art. 4)."""
    statute = StatuteParameters(coop=coop, synthetic=synthetic)
    _assign(
        statute,
        {
            "valid_from": valid_from,
            "share_nominal_value": share_nominal_value,
            "max_proxies_per_member": max_proxies_per_member,
            "legal_person_max_votes": legal_person_max_votes,
            "financing_votes_scale": _scale_steps(financing_votes_scale),
            "enrolment_days_before_voting": enrolment_days_before_voting,
            "notice_days": notice_days,
            "ordinary_quorum_first_call": ordinary_quorum_first_call,
            "ordinary_quorum_second_call": ordinary_quorum_second_call,
            "extraordinary_quorum_first_call": extraordinary_quorum_first_call,
            "extraordinary_quorum_second_call": extraordinary_quorum_second_call,
            "proposal_support_threshold": proposal_support_threshold,
            "mutual_sales": mutual_sales,
            "mutual_work": mutual_work,
            "mutual_supplies": mutual_supplies,
            "decision_reference": decision_reference,
        },
        STATUTE_FIELDS,
    )
    taken = _("A statute version already starts on this day.")
    if coop.statutes.filter(valid_from=statute.valid_from).exists():
        raise ValidationError(taken, field="valid_from")
    validated(statute)
    save_unique(statute, "valid_from", taken)
    _forget_after_commit(coop)
    audit_record(
        actor=actor,
        action="statute.create",
        obj=statute,
        coop=coop,
        after=snapshot(statute, STATUTE_FIELDS),
    )
    return statute


# --- roles --------------------------------------------------------------------------------------
@transaction.atomic
def role_grant(*, actor: Actor, coop: Cooperative, user, kind: str) -> Role:
    """Give ``user`` a role in ``coop`` (replacing the one they had)."""
    if kind not in RoleKind.values:
        raise ValidationError(_("Unknown role."), field="kind")
    role = Role.objects.select_for_update().filter(coop=coop, user=user).first()
    if role is None:
        role = Role.objects.create(coop=coop, user=user, kind=kind)
        audit_record(
            actor=actor,
            action="role.grant",
            obj=role,
            coop=coop,
            after={"user": user.get_username(), "kind": kind},
        )
    elif role.kind != kind:
        _keep_an_admin(coop, role)
        before = {"user": user.get_username(), "kind": role.kind}
        role.kind = kind
        role.save(update_fields=["kind"])
        audit_record(
            actor=actor,
            action="role.change",
            obj=role,
            coop=coop,
            before=before,
            after={"user": user.get_username(), "kind": kind},
        )
    return role


@transaction.atomic
def role_revoke(*, actor: Actor, role: Role) -> None:
    role = Role.objects.select_for_update().select_related("user", "coop").get(pk=role.pk)
    _keep_an_admin(role.coop, role)
    audit_record(
        actor=actor,
        action="role.revoke",
        obj=role,
        coop=role.coop,
        before={"user": role.user.get_username(), "kind": role.kind},
    )
    role.delete()


def _keep_an_admin(coop: Cooperative, role: Role) -> None:
    """A cooperative never loses its last admin: nobody could manage it any more."""
    if role.kind != RoleKind.ADMIN:
        return
    admins = Role.objects.select_for_update().filter(coop=coop, kind=RoleKind.ADMIN)
    if admins.count() <= 1:
        raise ValidationError(_("The cooperative must keep at least one admin."), field="kind")
