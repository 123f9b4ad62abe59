"""Every write of the member book: applications, admissions, members' data, consents, erasure,
the stakeholder categories. One transaction each; every change is audited."""

from __future__ import annotations

import secrets
from datetime import date
from typing import Any

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.tokens import default_token_generator
from django.db import transaction
from django.db.models import F
from django.urls import reverse
from django.utils import timezone
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from comunitas.core.audit import audit_record, snapshot
from comunitas.core.coops.selectors import statute_on
from comunitas.core.errors import ValidationError
from comunitas.core.formatting import euro
from comunitas.core.kernel.edits import assign, save_unique, validated
from comunitas.core.kernel.types import Actor, user_of
from comunitas.core.law import limits_on
from comunitas.core.models import Cooperative, Municipality, Role, RoleKind
from comunitas.core.notify import notify
from comunitas.core.versions import version_bump
from comunitas.members.book.cache import BOOK
from comunitas.members.book.checks import (
    decision_day,
    holding_cap_check,
    member_check,
    today,
)
from comunitas.members.models import (
    Application,
    Consent,
    Member,
    MemberKind,
    MemberStatus,
    MovementKind,
    RegisterCounter,
    ShareClass,
    ShareMovement,
    StakeholderCategory,
)

# The default categories of a multi-stakeholder community cooperative: (code, name, financing).
DEFAULT_CATEGORIES = [
    ("fruitore", gettext_lazy("User (fruitore)"), False),
    ("lavoratore", gettext_lazy("Worker (lavoratore)"), False),
    ("volontario", gettext_lazy("Volunteer (volontario)"), False),
    ("sovventore", gettext_lazy("Financing member (sovventore)"), True),
    ("persona-giuridica", gettext_lazy("Organisation (persona giuridica)"), False),
]
PERSON_FIELDS = ["first_name", "last_name", "birth_date", "sex"]
ORGANISATION_FIELDS = [
    "organisation_name",
    "organisation_kind",
    "vat_number",
    "representative_name",
    "representative_role",
]
CONTACT_FIELDS = ["residence", "address", "email", "phone"]
MEMBER_FIELDS = [
    "kind",
    "category",
    *PERSON_FIELDS,
    *ORGANISATION_FIELDS,
    "fiscal_code",
    *CONTACT_FIELDS,
]
# The audit trail is append-only, so it must never hold what erasure has to remove: changes to
# these fields are recorded as "changed", without their values.
PERSONAL_FIELDS = {
    *PERSON_FIELDS,
    "fiscal_code",
    "representative_name",
    "residence",
    "address",
    "email",
    "phone",
}
AUDITED = ["status", "number", "category", "admitted_on", "exited_on", "exit_kind", *MEMBER_FIELDS]
REDACTED = "•••"
REDACTED_NEW = "••• (new)"


def member_snapshot(member: Member) -> dict[str, Any]:
    return snapshot(member, AUDITED)


def member_audit(actor: Actor, action: str, member: Member, before: dict[str, Any]) -> None:
    """Audit a change of a member, personal values replaced by markers that still show which
    of them changed (the trail is append-only, erasure could not remove them later)."""
    after = member_snapshot(member)
    for key in PERSONAL_FIELDS & after.keys():
        old, new = before.get(key), after[key]
        if old == new:
            before.pop(key, None)
            after.pop(key)
            continue
        before[key] = REDACTED if old not in (None, "") else old
        after[key] = REDACTED_NEW if new not in (None, "") else new
    audit_record(
        actor=actor, action=action, obj=member, coop=member.coop, before=before, after=after
    )


def book_changed(coop_id: int) -> None:
    """Move the member book's version on (members.book.cache): the first thing every write of
    the book does, so that the book's lock is taken before any row's (core/versions.py)."""
    version_bump(coop_id, BOOK)


def member_locked(member: Member) -> Member:
    """The member's row, locked until the transaction ends (PostgreSQL; SQLite serialises
    writers already). Whoever locks a member is about to change the book: its version moves on
    first."""
    book_changed(member.coop_id)
    return Member.objects.select_for_update().select_related("coop", "category").get(pk=member.pk)


# --- set-up -------------------------------------------------------------------------------------
def book_setup(*, coop: Cooperative) -> None:
    """Give a cooperative the default stakeholder categories and an ordinary share class at the
    statute's nominal value, once. Called when a cooperative is created and before any write."""
    if not StakeholderCategory.objects.filter(coop=coop).exists():
        StakeholderCategory.objects.bulk_create(
            StakeholderCategory(coop=coop, code=code, name=str(name), is_financing=fin, position=i)
            for i, (code, name, fin) in enumerate(DEFAULT_CATEGORIES)
        )
    if not ShareClass.objects.filter(coop=coop).exists():
        first = statute_on(coop=coop, day=date.max) or None
        since = date(coop.founded_year or 2000, 1, 1)
        least = limits_on(since).share_value_min  # art. 2525 c.1
        value = first.share_nominal_value if first else least
        ShareClass.objects.create(
            coop=coop,
            code="ordinarie",
            name=_("Ordinary shares"),
            nominal_value=value,
            valid_from=since,
        )
        sovv = ShareClass(
            coop=coop,
            code="sovventori",
            name=_("Financing members' shares"),
            nominal_value=max(value, least),
            valid_from=since,
            for_financing=True,
        )
        ShareClass.objects.bulk_create([sovv])
    RegisterCounter.objects.get_or_create(coop=coop)


CATEGORY_FIELDS = ("code", "name", "is_financing", "position")


@transaction.atomic
def category_save(
    *,
    actor: Actor,
    coop: Cooperative,
    fields: dict[str, Any],
    category: StakeholderCategory | None = None,
) -> StakeholderCategory:
    """Add a stakeholder category or change one."""
    book_changed(coop.pk)  # the list names each member's category
    category = category or StakeholderCategory(coop=coop)
    before = snapshot(category, ["code", "name", "is_financing"]) if category.pk else {}
    assign(category, fields, CATEGORY_FIELDS)
    validated(category)
    save_unique(category, "code", _("A category with this code exists already."))
    audit_record(
        actor=actor,
        action="category.update" if before else "category.create",
        obj=category,
        coop=coop,
        before=before,
        after=snapshot(category, ["code", "name", "is_financing"]),
    )
    return category


# --- applications -------------------------------------------------------------------------------
def _assign(member: Member, fields: dict[str, Any]) -> None:
    """``assign`` the member's fields; None clears a text (only these three may be null)."""
    nullable = ("residence", "birth_date", "category")
    values = {n: "" if v is None and n not in nullable else v for n, v in fields.items()}
    assign(member, values, MEMBER_FIELDS)


def _default_class(
    coop: Cooperative, category: StakeholderCategory | None, day: date
) -> ShareClass:
    classes = [c for c in ShareClass.objects.filter(coop=coop) if c.is_issued_on(day)]
    financing = bool(category and category.is_financing)
    matching = [c for c in classes if c.for_financing == financing] or classes
    if not matching:
        raise ValidationError(_("No class of shares is issued on this date."), field="share_class")
    return matching[0]


def _shares_asked(
    member: Member, share_class: ShareClass | None, shares: int | None, day: date
) -> tuple[ShareClass, int]:
    """The class and number of shares an applicant subscribes: by default the class for their
    category and its minimum; never fewer than the minimum nor more than the holding cap."""
    coop = member.coop
    share_class = share_class or _default_class(coop, member.category, day)
    if share_class.coop_id != coop.pk:
        raise ValidationError(
            _("This share class belongs to another cooperative."), field="share_class"
        )
    shares = share_class.min_shares_for_admission if shares is None else shares
    if shares < share_class.min_shares_for_admission:
        raise ValidationError(
            _("A new member subscribes at least %(n)s shares of this class.")
            % {"n": share_class.min_shares_for_admission},
            field="shares",
        )
    holding_cap_check(member, share_class, shares * share_class.nominal_value, day)
    return share_class, shares


def _default_category(coop: Cooperative, kind: str) -> StakeholderCategory | None:
    """Users of the services (fruitori), or legal persons for an organisation."""
    code = "persona-giuridica" if kind == MemberKind.ORGANISATION else "fruitore"
    return StakeholderCategory.objects.filter(coop=coop, code=code).first()


def _applied_or_member(coop: Cooperative, user) -> bool:
    return Member.objects.filter(
        coop=coop, user=user, status__in=[MemberStatus.APPLICANT, MemberStatus.ACTIVE]
    ).exists()


def _consents_record(member: Member, consents: dict[str, bool]) -> None:
    """One row per kind of consent, given or not, at the moment of the application."""
    now = timezone.now()
    Consent.objects.bulk_create(
        Consent(member=member, kind=kind, given=bool(consents.get(kind)), at=now)
        for kind in Consent.Kind.values
    )


@transaction.atomic
def application_submit(
    *,
    actor: Actor,
    coop: Cooperative,
    kind: str = "",
    category: StakeholderCategory | None = None,
    first_name: str = "",
    last_name: str = "",
    birth_date: date | None = None,
    sex: str = "",
    organisation_name: str = "",
    organisation_kind: str = "",
    vat_number: str = "",
    representative_name: str = "",
    representative_role: str = "",
    fiscal_code: str = "",
    residence: Municipality | None = None,
    address: str = "",
    email: str = "",
    phone: str = "",
    shares: int | None = None,
    share_class: ShareClass | None = None,
    consents: dict[str, bool] | None = None,
    source: str = Application.Source.ONLINE,
    motivation: str = "",
    on_date: date | None = None,
    user=None,
) -> Member:
    """An application for membership: the person or organisation, the shares they ask for and
    their consents (the privacy consent is required). The applicant gets an acknowledgement."""
    book_changed(coop.pk)
    book_setup(coop=coop)
    day = on_date or today()
    member = Member(coop=coop, applied_on=day, user=user)
    category = category or _default_category(coop, kind)
    _assign(
        member,
        {
            "kind": kind,
            "category": category,
            "first_name": first_name,
            "last_name": last_name,
            "birth_date": birth_date,
            "sex": sex,
            "organisation_name": organisation_name,
            "organisation_kind": organisation_kind,
            "vat_number": vat_number,
            "representative_name": representative_name,
            "representative_role": representative_role,
            "fiscal_code": fiscal_code,
            "residence": residence,
            "address": address,
            "email": email,
            "phone": phone,
        },
    )
    member_check(member)
    consents = consents or {}
    if not consents.get(Consent.Kind.PRIVACY):
        message = _("Membership needs your consent to the processing of your personal data.")
        raise ValidationError(message, field="consent_privacy")
    share_class, shares = _shares_asked(member, share_class, shares, day)
    if user is not None and _applied_or_member(coop, user):
        raise ValidationError(_("You have already applied or are a member."))
    member.save()
    Application.objects.create(
        member=member,
        share_class=share_class,
        shares_requested=shares,
        source=source,
        motivation=motivation,
    )
    _consents_record(member, consents)
    member_audit(actor, "member.apply", member, {})
    notify(
        to=member.email,
        template="members/book/email/application_received",
        context=member_mail(member),
    )
    return member


def member_mail(member: Member, **extra: Any) -> dict[str, Any]:
    return {
        "coop": member.coop.name,
        "name": member.display_name,
        "number": member.number,
        "site": settings.SITE_URL,
        **extra,
    }


def next_register_number(coop: Cooperative) -> int:
    """Take the next register number. The UPDATE locks the counter row: a concurrent admission
    waits for this transaction, then reads the incremented value, so numbers are never shared,
    and a rolled-back admission gives its number back (gapless)."""
    RegisterCounter.objects.get_or_create(coop=coop)
    RegisterCounter.objects.filter(coop=coop).update(last_number=F("last_number") + 1)
    return RegisterCounter.objects.get(coop=coop).last_number


def _login_for(member: Member) -> str:
    """Give an admitted member a login and the member role; return a link to set the password
    of a new login. A new login is never matched to an existing one by e-mail (anyone can type
    someone else's address), and its username names no one: the audit trail keeps usernames."""
    User = get_user_model()
    link = ""
    if member.user is None and member.email:
        username = f"{member.coop.slug}-{member.number}"
        while User.objects.filter(username=username).exists():
            username = f"{member.coop.slug}-{member.number}-{secrets.token_hex(2)}"
        member.user = User.objects.create_user(username=username, email=member.email)
        uid = urlsafe_base64_encode(force_bytes(member.user.pk))
        token = default_token_generator.make_token(member.user)
        link = reverse("password_reset_confirm", args=[uid, token])
        member.save(update_fields=["user"])
    if member.user is not None:
        role = Role.objects.filter(user=member.user, coop=member.coop).first()
        if role is None:
            Role.objects.create(user=member.user, coop=member.coop, kind=RoleKind.MEMBER)
        elif role.kind == RoleKind.RESIDENT:
            role.kind = RoleKind.MEMBER
            role.save(update_fields=["kind"])
    return link


@transaction.atomic
def application_decide(
    *,
    actor: Actor,
    member: Member,
    approve: bool,
    decided_on: date | None = None,
    decision_reference: str = "",
    reason: str = "",
) -> Member:
    """The board admits (number, subscription, login) or rejects (reason kept) an applicant."""
    member = member_locked(member)
    application = Application.objects.select_related("share_class").get(member=member)
    if member.status != MemberStatus.APPLICANT:
        raise ValidationError(_("This application has been decided already."))
    day = decision_day(decided_on, member.applied_on, decision_reference)
    before = member_snapshot(member)
    application.decided_on, application.decision_reference = day, decision_reference.strip()
    application.decided_by = user_of(actor)
    link = ""
    if approve:
        share_class = application.share_class
        amount = share_class.nominal_value * application.shares_requested
        holding_cap_check(member, share_class, amount, day)
        member.number = next_register_number(member.coop)
        member.status, member.admitted_on = MemberStatus.ACTIVE, day
        member.admission_reference = decision_reference.strip()
        member.save()
        ShareMovement.objects.create(
            coop=member.coop,
            member=member,
            share_class=share_class,
            kind=MovementKind.SUBSCRIPTION,
            on_date=day,
            shares=application.shares_requested,
            subscribed=amount,
            reference=decision_reference.strip(),
            recorded_by=application.decided_by,
        )
        application.status = Application.Status.APPROVED
        link = _login_for(member)
    else:
        if not reason.strip():
            raise ValidationError(_("Give the reason for the rejection."), field="reason")
        member.status = MemberStatus.REJECTED
        member.save()
        application.status = Application.Status.REJECTED
        application.rejection_reason = reason.strip()
    application.save()
    member_audit(actor, "member.admit" if approve else "member.reject", member, before)
    template = "members/book/email/admitted" if approve else "members/book/email/rejected"
    notify(
        to=member.email,
        template=template,
        context=member_mail(
            member,
            reason=reason.strip(),
            password_link=link,
            username=member.user.username if member.user else "",
            amount=euro(application.share_class.nominal_value * application.shares_requested),
        ),
    )
    return member


# --- member data --------------------------------------------------------------------------------
@transaction.atomic
def member_update(*, actor: Actor, member: Member, fields: dict[str, Any]) -> Member:
    """Correct a member's data or contacts (a member may change their own contacts)."""
    member = member_locked(member)
    if member.is_erased:
        raise ValidationError(_("This member's personal data were erased."))
    before = member_snapshot(member)
    if "kind" in fields and fields["kind"] != member.kind:
        raise ValidationError(
            _("A person cannot become an organisation: record a new member."), field="kind"
        )
    _assign(member, fields)
    member_check(member)
    member.save()
    member_audit(actor, "member.update", member, before)
    return member


@transaction.atomic
def consent_set(*, actor: Actor, member: Member, kind: str, given: bool) -> Consent | None:
    """Record a consent given or withdrawn; the same answer again records nothing."""
    if kind not in Consent.Kind.values:
        raise ValidationError(_("Unknown consent."), field="kind")
    member = member_locked(member)
    current = Consent.objects.filter(member=member, kind=kind).first()
    if current is not None and current.given == given:
        return None
    if kind == Consent.Kind.PRIVACY and not given and member.status == MemberStatus.ACTIVE:
        raise ValidationError(
            _(
                "The book must keep a member's data: to stop the processing, leave the "
                "cooperative or ask for erasure."
            ),
            field=kind,
        )
    consent = Consent.objects.create(member=member, kind=kind, given=given, at=timezone.now())
    audit_record(
        actor=actor,
        action="consent.set",
        obj=member,
        coop=member.coop,
        before={kind: current.given if current else None},
        after={kind: given},
    )
    return consent


# --- personal data ------------------------------------------------------------------------------
@transaction.atomic
def member_erase(*, actor: Actor, member: Member) -> Member:
    """Erasure (GDPR art. 17): remove what identifies the person and keep what the law makes
    the cooperative keep (art. 17.3.b): the register number, category, dates, shares and
    decisions. An applicant or former member is erased at once; a current member must leave
    first, because the book of current members must name them (art. 2421 c.c.)."""
    member = member_locked(member)
    if member.is_erased:
        raise ValidationError(_("This member's personal data were erased already."))
    if member.status in (MemberStatus.ACTIVE,):
        raise ValidationError(_("A current member must leave the cooperative before erasure."))
    if member.status == MemberStatus.APPLICANT:
        raise ValidationError(_("Withdraw or decide the pending application first."))
    label = member.audit_label
    for name in (*PERSON_FIELDS, *ORGANISATION_FIELDS, "fiscal_code", "address", "email", "phone"):
        field = member._meta.get_field(name)
        setattr(member, name, None if field.null else "")
    if member.kind == MemberKind.PERSON:
        member.last_name = f"[{label}]"
    else:
        member.organisation_name = f"[{label}]"
    member.residence = None
    member.exit_reason = ""
    member.erased_at = timezone.now()
    user = member.user
    member.user = None
    member.save()
    Application.objects.filter(member=member).update(motivation="")
    if user is not None and not user.is_staff:
        Role.objects.filter(user=user, coop=member.coop).delete()
        if not Role.objects.filter(user=user).exists() and not user.memberships.exists():
            user.username = f"erased-{user.pk}"
            user.first_name = user.last_name = user.email = ""
            user.set_unusable_password()
            user.is_active = False
            user.save()
    audit_record(
        actor=actor, action="member.erase", obj=member, coop=member.coop, after={"erased": True}
    )
    return member
