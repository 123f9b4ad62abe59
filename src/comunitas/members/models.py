"""The member book (libro soci): members, their applications, share classes and the share ledger.

A ``Member`` row exists from the application on; it enters the book (gets its register number)
only when the board admits it. Share capital is an append-only ledger of ``ShareMovement``
rows: holdings and capital on any date are sums over it, never stored totals.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MinValueValidator
from django.db import models
from django.db.models import F, Q
from django.utils.formats import localize
from django.utils.translation import gettext_lazy as _

from comunitas.core.kernel.money import CENT
from comunitas.core.law import limits_on
from comunitas.core.models import MONEY, Cooperative, LegalForm, Municipality
from comunitas.core.validators import validate_codice_fiscale, validate_partita_iva


class StakeholderCategory(models.Model):
    """A kind of member (categoria di soci) in a multi-stakeholder cooperative."""

    coop = models.ForeignKey(
        Cooperative, on_delete=models.CASCADE, related_name="stakeholder_categories"
    )
    code = models.SlugField(_("code"), max_length=40)
    name = models.CharField(_("name"), max_length=80)
    # Soci sovventori: their votes together are capped at one third (L. 59/1992 art. 4).
    is_financing = models.BooleanField(_("financing members (sovventori)"), default=False)
    position = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["coop", "position", "name"]
        verbose_name = _("stakeholder category")
        verbose_name_plural = _("stakeholder categories")
        constraints = [
            models.UniqueConstraint(fields=["coop", "code"], name="category_code_unique")
        ]

    def __str__(self) -> str:
        return self.name


class MemberKind(models.TextChoices):
    PERSON = "person", _("Natural person")
    ORGANISATION = "organisation", _("Organisation")


class OrganisationKind(models.TextChoices):
    ASSOCIATION = "association", _("Association")
    BUSINESS = "business", _("Business")
    PUBLIC_BODY = "public_body", _("Public body")
    COOPERATIVE = "cooperative", _("Other cooperative")
    OTHER = "other", _("Other")


class Sex(models.TextChoices):
    FEMALE = "F", _("Female")
    MALE = "M", _("Male")


class MemberStatus(models.TextChoices):
    APPLICANT = "applicant", _("Applicant")
    REJECTED = "rejected", _("Application rejected")
    ACTIVE = "active", _("Member")
    EXITED = "exited", _("Former member")


class ExitKind(models.TextChoices):
    WITHDRAWAL = "withdrawal", _("Withdrawal (recesso)")
    EXCLUSION = "exclusion", _("Exclusion (esclusione)")
    DEATH = "death", _("Death")
    TRANSFER = "transfer", _("Transfer of all shares")
    DISSOLUTION = "dissolution", _("Dissolution of the member organisation")


class NumberOrZero(models.Func):
    """COALESCE(number, 0), the 0 written in the SQL (not a parameter) so that a query ordered
    by it matches the index on the same expression."""

    template = "COALESCE(%(expressions)s, 0)"
    output_field = models.IntegerField()


class MemberQuerySet(models.QuerySet):
    def in_book(self) -> MemberQuerySet:
        """Admitted members, current and former: the entries of the libro soci."""
        return self.filter(number__isnull=False)

    def members_on(self, day: date) -> MemberQuerySet:
        """Members of the cooperative on ``day``: admitted by then, not yet exited."""
        return self.filter(admitted_on__lte=day).filter(
            Q(exited_on__isnull=True) | Q(exited_on__gt=day)
        )


class Member(models.Model):
    """A member (socio) or applicant: a natural person or an organisation."""

    coop = models.ForeignKey(Cooperative, on_delete=models.PROTECT, related_name="members")
    kind = models.CharField(_("kind"), max_length=12, choices=MemberKind.choices)
    category = models.ForeignKey(
        StakeholderCategory,
        on_delete=models.PROTECT,
        related_name="members",
        verbose_name=_("stakeholder category"),
    )
    status = models.CharField(
        _("status"), max_length=10, choices=MemberStatus.choices, default=MemberStatus.APPLICANT
    )
    number = models.PositiveIntegerField(_("register number"), null=True, blank=True)
    # A person
    first_name = models.CharField(_("first name"), max_length=80, blank=True)
    last_name = models.CharField(_("last name"), max_length=80, blank=True)
    birth_date = models.DateField(_("birth date"), null=True, blank=True)
    sex = models.CharField(_("sex"), max_length=1, choices=Sex.choices, blank=True)
    # An organisation
    organisation_name = models.CharField(_("organisation name"), max_length=200, blank=True)
    organisation_kind = models.CharField(
        _("kind of organisation"), max_length=12, choices=OrganisationKind.choices, blank=True
    )
    vat_number = models.CharField(
        _("partita IVA"), max_length=11, blank=True, validators=[validate_partita_iva]
    )
    representative_name = models.CharField(_("legal representative"), max_length=160, blank=True)
    representative_role = models.CharField(_("representative's role"), max_length=80, blank=True)
    # Both
    fiscal_code = models.CharField(
        _("codice fiscale"), max_length=16, blank=True, validators=[validate_codice_fiscale]
    )
    residence = models.ForeignKey(
        Municipality,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("municipality of residence (or seat)"),
    )
    address = models.CharField(_("address"), max_length=200, blank=True)
    email = models.EmailField(_("e-mail"), blank=True)
    phone = models.CharField(_("phone"), max_length=30, blank=True)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="memberships",
        verbose_name=_("login"),
    )
    # The book
    applied_on = models.DateField(_("applied on"))
    admitted_on = models.DateField(_("admitted on"), null=True, blank=True)
    admission_reference = models.CharField(_("admission decision"), max_length=200, blank=True)
    exited_on = models.DateField(_("left on"), null=True, blank=True)
    exit_kind = models.CharField(
        _("way of leaving"), max_length=12, choices=ExitKind.choices, blank=True
    )
    exit_reason = models.TextField(_("reason for leaving"), blank=True)
    exit_reference = models.CharField(_("exit decision"), max_length=200, blank=True)
    erasure_requested_at = models.DateTimeField(_("erasure requested at"), null=True, blank=True)
    erased_at = models.DateTimeField(_("personal data erased at"), null=True, blank=True)
    synthetic = models.BooleanField(default=False)
    created_at = models.DateTimeField(auto_now_add=True)

    objects = MemberQuerySet.as_manager()

    class Meta:
        ordering = ["coop", "number", "id"]
        verbose_name = _("member")
        verbose_name_plural = _("members")
        constraints = [
            # Gapless and never reused: one number per member of a cooperative.
            models.UniqueConstraint(
                fields=["coop", "number"],
                condition=Q(number__isnull=False),
                name="member_number_unique",
            ),
            # One current membership or pending application per login (a former member may
            # apply again).
            models.UniqueConstraint(
                fields=["coop", "user"],
                condition=Q(user__isnull=False, status__in=["applicant", "active"]),
                name="member_one_login",
            ),
            models.CheckConstraint(
                condition=Q(number__isnull=True) | Q(number__gte=1), name="member_number_positive"
            ),
            models.CheckConstraint(
                condition=Q(status__in=["applicant", "rejected"], number__isnull=True)
                | Q(
                    status__in=["active", "exited"], number__isnull=False, admitted_on__isnull=False
                ),
                name="member_number_when_admitted",
            ),
            models.CheckConstraint(
                condition=Q(status="exited", exited_on__isnull=False)
                | (~Q(status="exited") & Q(exited_on__isnull=True)),
                name="member_exit_date_when_exited",
            ),
        ]
        indexes = [
            # The order of the book (selectors.BOOK_ORDER): applicants first, then by number.
            models.Index(F("coop"), NumberOrZero(F("number")), F("id"), name="member_book_order"),
            models.Index(fields=["coop", "status"], name="member_coop_status"),
            models.Index(fields=["coop", "last_name", "first_name"], name="member_coop_name"),
            models.Index(fields=["coop", "fiscal_code"], name="member_coop_fiscal_code"),
        ]

    def __str__(self) -> str:
        return self.display_name

    @property
    def display_name(self) -> str:
        if self.kind == MemberKind.ORGANISATION:
            return self.organisation_name
        return f"{self.last_name} {self.first_name}".strip()

    @property
    def audit_label(self) -> str:
        """How the audit trail names a member: never by name, so erasure leaves nothing behind."""
        if self.number:
            return f"socio n. {self.number}"
        return f"domanda #{self.pk}"

    @property
    def is_person(self) -> bool:
        return self.kind == MemberKind.PERSON

    @property
    def is_erased(self) -> bool:
        return self.erased_at is not None

    def clean(self) -> None:
        errors: dict[str, str] = {}
        if self.kind == MemberKind.PERSON:
            for field in ("first_name", "last_name"):
                if not getattr(self, field).strip():
                    errors[field] = _("This field is required for a person.")
        elif self.kind == MemberKind.ORGANISATION:
            if not self.organisation_name.strip():
                errors["organisation_name"] = _("This field is required for an organisation.")
            if not self.organisation_kind:
                errors["organisation_kind"] = _("This field is required for an organisation.")
            if not self.representative_name.strip():
                errors["representative_name"] = _("An organisation needs a named representative.")
            if not (self.vat_number or self.fiscal_code):
                errors["vat_number"] = _("Give the partita IVA or the codice fiscale.")
        if errors:
            raise ValidationError(errors)


class Consent(models.Model):
    """A consent given or withdrawn, with its date; the latest row of a kind is in force."""

    class Kind(models.TextChoices):
        PRIVACY = "privacy", _("Processing of personal data for membership (required)")
        NEWSLETTER = "newsletter", _("News and invitations by e-mail")
        PHOTOS = "photos", _("Photos and videos at events")

    member = models.ForeignKey(Member, on_delete=models.CASCADE, related_name="consents")
    kind = models.CharField(_("consent"), max_length=12, choices=Kind.choices)
    given = models.BooleanField(_("given"))
    at = models.DateTimeField(_("at"))

    class Meta:
        ordering = ["member", "kind", "-at", "-id"]

    def __str__(self) -> str:
        return f"{self.kind}: {self.given}"


class Application(models.Model):
    """An application for membership and the board's decision on it (art. 2528 c.c.)."""

    class Status(models.TextChoices):
        PENDING = "pending", _("Waiting for the board")
        APPROVED = "approved", _("Approved")
        REJECTED = "rejected", _("Rejected")

    class Source(models.TextChoices):
        ONLINE = "online", _("Online form")
        PAPER = "paper", _("Paper, entered by staff")
        IMPORT = "import", _("Imported member book")

    member = models.OneToOneField(Member, on_delete=models.CASCADE, related_name="application")
    share_class = models.ForeignKey(
        "ShareClass", on_delete=models.PROTECT, related_name="+", verbose_name=_("share class")
    )
    shares_requested = models.PositiveIntegerField(
        _("shares requested"), validators=[MinValueValidator(1)]
    )
    source = models.CharField(_("source"), max_length=8, choices=Source.choices)
    motivation = models.TextField(_("why do you want to join?"), blank=True)
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.PENDING
    )
    decided_on = models.DateField(_("decided on"), null=True, blank=True)
    decision_reference = models.CharField(_("board decision"), max_length=200, blank=True)
    rejection_reason = models.TextField(_("reason for the rejection"), blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at"]
        constraints = [
            models.CheckConstraint(condition=Q(shares_requested__gte=1), name="application_shares"),
            models.CheckConstraint(
                condition=Q(status="pending") | Q(decided_on__isnull=False),
                name="application_decided_on",
            ),
        ]

    def __str__(self) -> str:
        return f"domanda #{self.member_id}"


class ShareClass(models.Model):
    """A class of shares with its nominal value (art. 2525 c.c.); a value never changes once
    shares of the class exist: a new value is a new class, from its own date."""

    coop = models.ForeignKey(Cooperative, on_delete=models.CASCADE, related_name="share_classes")
    code = models.SlugField(_("code"), max_length=40)
    name = models.CharField(_("name"), max_length=80)
    nominal_value = models.DecimalField(
        _("nominal value (€)"), **MONEY, validators=[MinValueValidator(CENT)]
    )
    valid_from = models.DateField(_("issued from"))
    valid_until = models.DateField(_("issued until"), null=True, blank=True)
    min_shares_for_admission = models.PositiveIntegerField(
        _("shares a new member must subscribe"), default=1
    )
    # Shares of financing members (sovventori) are outside the natural-person cap.
    for_financing = models.BooleanField(_("for financing members"), default=False)

    class Meta:
        ordering = ["coop", "valid_from", "code"]
        verbose_name = _("share class")
        verbose_name_plural = _("share classes")
        constraints = [
            models.UniqueConstraint(fields=["coop", "code"], name="share_class_code_unique"),
            models.CheckConstraint(condition=Q(nominal_value__gt=0), name="share_class_value"),
        ]

    def __str__(self) -> str:
        return f"{self.name} ({localize(self.nominal_value)} €)"

    def is_issued_on(self, day: date) -> bool:
        return self.valid_from <= day and (self.valid_until is None or day < self.valid_until)

    def clean(self) -> None:
        if not isinstance(self.valid_from, date) or self.nominal_value is None:
            return
        law = limits_on(self.valid_from)
        coop = getattr(self, "coop", None)
        quote = coop is not None and coop.legal_form == LegalForm.COOPERATIVE_SRL
        high = None if quote else law.share_value_max
        if self.nominal_value < law.share_value_min or (high and self.nominal_value > high):
            message = (
                _("A share must be worth at least %(low)s € (art. 2525 c.c.).")
                if high is None
                else _("A share must be worth between %(low)s € and %(high)s € (art. 2525 c.c.).")
            )
            raise ValidationError(
                {
                    "nominal_value": message
                    % {"low": localize(law.share_value_min), "high": localize(high or 0)}
                }
            )
        if self.valid_until and self.valid_until <= self.valid_from:
            raise ValidationError({"valid_until": _("The end must come after the start.")})


class MovementKind(models.TextChoices):
    SUBSCRIPTION = "subscription", _("Subscription")
    PAYMENT = "payment", _("Payment")
    TRANSFER_OUT = "transfer_out", _("Transfer to another member")
    TRANSFER_IN = "transfer_in", _("Transfer from another member")
    REDEMPTION = "redemption", _("Redemption at exit")
    RISTORNO = "ristorno", _("Shares issued from ristorni")
    REVERSAL = "reversal", _("Reversal of an error")


class ShareMovement(models.Model):
    """One line of the share ledger; signed quantities, never edited or deleted.

    ``shares`` changes the number held, ``subscribed`` the capital subscribed (shares x nominal
    value) and ``paid`` the capital paid in. A payment moves only ``paid``."""

    coop = models.ForeignKey(Cooperative, on_delete=models.PROTECT, related_name="+")
    member = models.ForeignKey(Member, on_delete=models.PROTECT, related_name="movements")
    share_class = models.ForeignKey(ShareClass, on_delete=models.PROTECT, related_name="movements")
    kind = models.CharField(_("kind"), max_length=12, choices=MovementKind.choices)
    on_date = models.DateField(_("date"))
    shares = models.IntegerField(_("shares"), default=0)
    subscribed = models.DecimalField(_("capital subscribed (€)"), **MONEY, default=Decimal("0"))
    paid = models.DecimalField(_("capital paid (€)"), **MONEY, default=Decimal("0"))
    reference = models.CharField(_("reference"), max_length=200, blank=True)
    transfer = models.ForeignKey(
        "ShareTransfer", on_delete=models.PROTECT, null=True, blank=True, related_name="movements"
    )
    reverses = models.OneToOneField(
        "self", on_delete=models.PROTECT, null=True, blank=True, related_name="reversed_by"
    )
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["on_date", "id"]
        indexes = [
            models.Index(fields=["coop", "on_date"], name="movement_coop_date"),
            models.Index(fields=["member", "share_class", "on_date"], name="movement_member"),
        ]

    def __str__(self) -> str:
        return f"{self.kind} {self.on_date}"


class ShareTransfer(models.Model):
    """Shares passing from one member to another, subject to the board's approval (art. 2530)."""

    class Status(models.TextChoices):
        PENDING = "pending", _("Waiting for the board")
        APPROVED = "approved", _("Approved")
        REJECTED = "rejected", _("Rejected")

    coop = models.ForeignKey(Cooperative, on_delete=models.PROTECT, related_name="+")
    seller = models.ForeignKey(Member, on_delete=models.PROTECT, related_name="transfers_out")
    buyer = models.ForeignKey(Member, on_delete=models.PROTECT, related_name="transfers_in")
    share_class = models.ForeignKey(ShareClass, on_delete=models.PROTECT, related_name="+")
    shares = models.PositiveIntegerField(_("shares"), validators=[MinValueValidator(1)])
    requested_on = models.DateField(_("requested on"))
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.PENDING
    )
    decided_on = models.DateField(_("decided on"), null=True, blank=True)
    decision_reference = models.CharField(_("board decision"), max_length=200, blank=True)
    rejection_reason = models.TextField(_("reason for the rejection"), blank=True)

    class Meta:
        ordering = ["-requested_on", "-id"]
        constraints = [
            models.CheckConstraint(condition=~Q(seller=models.F("buyer")), name="transfer_two"),
            models.CheckConstraint(condition=Q(shares__gte=1), name="transfer_shares"),
        ]

    def __str__(self) -> str:
        return f"transfer #{self.pk}"


class Redemption(models.Model):
    """What the cooperative owes a member who left for their paid-in shares (art. 2535 c.c.)."""

    member = models.OneToOneField(Member, on_delete=models.PROTECT, related_name="redemption")
    amount = models.DecimalField(_("amount to reimburse (€)"), **MONEY)
    due_on = models.DateField(_("due on"))
    paid_on = models.DateField(_("paid on"), null=True, blank=True)
    reference = models.CharField(_("reference"), max_length=200, blank=True)

    class Meta:
        ordering = ["due_on"]
        constraints = [
            models.CheckConstraint(condition=Q(amount__gte=0), name="redemption_amount"),
        ]

    def __str__(self) -> str:
        return f"rimborso {self.member.audit_label}"


class RegisterCounter(models.Model):
    """The last register number given in a cooperative. Numbers come from one atomic UPDATE of
    this row, so concurrent admissions queue on its lock and never share a number."""

    coop = models.OneToOneField(
        Cooperative, on_delete=models.CASCADE, primary_key=True, related_name="+"
    )
    last_number = models.PositiveIntegerField(default=0)

    def __str__(self) -> str:
        return f"{self.coop_id}: {self.last_number}"


class OfficeKind(models.TextChoices):
    DIRECTOR = "director", _("Director (board of directors or sole director)")
    CONTROL = "control", _("Member of the control body (collegio sindacale, sindaco, revisore)")


class OfficeQuerySet(models.QuerySet):
    def in_force_on(self, day: date) -> OfficeQuerySet:
        """Offices held on ``day``: started by then, not yet ended (``ended_on`` is the first
        day out of office, half-open like every range of the project)."""
        return self.filter(started_on__lte=day).filter(
            Q(ended_on__isnull=True) | Q(ended_on__gt=day)
        )


class Office(models.Model):
    """An office of the cooperative's bodies (organi sociali) held by a member: a director
    (consiglio di amministrazione or amministratore unico, art. 2542 c.c.) or a member of the
    control body (collegio sindacale, sindaco unico or revisore, art. 2543 c.c.), from the
    decision that appointed them to the first day out of office.

    The register is of members only, because it exists to apply art. 2372 c.5 (via art. 2519):
    a member who holds an office cannot hold other members' proxies. Directors who are not
    members (art. 2542 c.2 allows a minority of them) and external auditors hold no proxies in
    any case, and are outside it."""

    coop = models.ForeignKey(Cooperative, on_delete=models.PROTECT, related_name="+")
    member = models.ForeignKey(
        Member, on_delete=models.PROTECT, related_name="offices", verbose_name=_("member")
    )
    kind = models.CharField(_("office"), max_length=10, choices=OfficeKind.choices)
    title = models.CharField(
        _("role in the body"),
        max_length=80,
        blank=True,
        help_text=_("E.g. president, vice-president."),
    )
    started_on = models.DateField(_("in office from"))
    ended_on = models.DateField(
        _("out of office from"),
        null=True,
        blank=True,
        help_text=_("The first day no longer in office; empty while in office."),
    )
    reference = models.CharField(_("appointing decision"), max_length=200)
    end_reference = models.CharField(_("reason for the end"), max_length=200, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    objects = OfficeQuerySet.as_manager()

    class Meta:
        ordering = ["coop", "-started_on", "id"]
        verbose_name = _("office")
        verbose_name_plural = _("offices")
        constraints = [
            models.CheckConstraint(
                condition=Q(ended_on__isnull=True) | Q(ended_on__gte=F("started_on")),
                name="office_ends_after_start",
            ),
            # One open office of a kind per member: a second appointment ends the first.
            models.UniqueConstraint(
                fields=["member", "kind"],
                condition=Q(ended_on__isnull=True),
                name="office_one_open_per_kind",
            ),
        ]
        indexes = [models.Index(fields=["coop", "started_on"], name="office_coop_started")]

    def __str__(self) -> str:
        return f"{self.kind} {self.member.audit_label}"
