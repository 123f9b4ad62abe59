"""The tenant and its rules: the cooperative, its sourced facts, the dated statute parameters
checked against the law in force (``core.law``), and the role that ties a login to a
cooperative. Also the money field sizes and ``Cents``, the exact sum of euros in SQL, that every
app's models use."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils.formats import localize
from django.utils.translation import gettext_lazy as _

from comunitas.core.kernel.money import CENT
from comunitas.core.law import limits_on
from comunitas.core.models.territory import Municipality
from comunitas.core.validators import (
    validate_albo_number,
    validate_codice_fiscale,
    validate_partita_iva,
)

MONEY = {"max_digits": 14, "decimal_places": 2}
PERCENT = {"max_digits": 5, "decimal_places": 2}


def _to_cents(value, expression, connection) -> Decimal | None:
    return None if value is None else Decimal(value).quantize(CENT)


class Cents(models.Func):
    """A money total computed in SQL (``Cents(Sum("paid"))``), read back exact to the cent.

    PostgreSQL adds numerics exactly; SQLite adds decimals as binary floats, so there
    8.10 + 8.20 + 8.70 comes back as 24.999999999999996. Every sum of euros goes through this."""

    template = "%(expressions)s"
    arity = 1
    output_field = models.DecimalField(**MONEY)

    def get_db_converters(self, connection):
        return [*super().get_db_converters(connection), _to_cents]


# --- cooperatives -------------------------------------------------------------------------------
class LegalForm(models.TextChoices):
    COOPERATIVE = "coop", _("Cooperative company (società cooperativa)")
    COOPERATIVE_SRL = "coop_srl", _("Cooperative company under srl rules")
    SOCIAL_A = "social_a", _("Social cooperative, type A")
    SOCIAL_B = "social_b", _("Social cooperative, type B")
    SOCIAL_AB = "social_ab", _("Social cooperative, types A and B")


class Sector(models.TextChoices):
    TOURISM = "tourism", _("Tourism and hospitality")
    CULTURE = "culture", _("Culture and heritage")
    LOCAL_SERVICES = "local_services", _("Shops and local services")
    AGRICULTURE = "agriculture", _("Agriculture and environment")
    REUSE = "reuse", _("Crafts, manufacturing and reuse")
    CARE = "care", _("Social and care services")
    ENERGY = "energy", _("Energy")
    OTHER = "other", _("Other")


class Cooperative(models.Model):
    """The tenant: one community cooperative (cooperativa di comunità)."""

    name = models.CharField(_("name"), max_length=200)
    slug = models.SlugField(
        _("short name in addresses"),
        max_length=60,
        unique=True,
        error_messages={"unique": _("Another cooperative already uses this short name.")},
    )
    legal_form = models.CharField(_("legal form"), max_length=12, choices=LegalForm.choices)
    founded_year = models.PositiveSmallIntegerField(
        _("year founded"), validators=[MinValueValidator(1850), MaxValueValidator(2100)]
    )
    founded_on = models.DateField(_("date of incorporation"), null=True, blank=True)
    seat = models.ForeignKey(
        Municipality,
        on_delete=models.PROTECT,
        related_name="seated_cooperatives",
        verbose_name=_("registered seat"),
    )
    locality = models.CharField(
        _("locality"), max_length=120, blank=True, help_text=_("Neighbourhood or hamlet.")
    )
    territory = models.ManyToManyField(
        Municipality,
        related_name="served_by",
        blank=True,
        verbose_name=_("municipalities served"),
    )
    fiscal_code = models.CharField(
        _("codice fiscale"), max_length=16, blank=True, validators=[validate_codice_fiscale]
    )
    vat_number = models.CharField(
        _("partita IVA"), max_length=11, blank=True, validators=[validate_partita_iva]
    )
    albo_number = models.CharField(
        _("national register of cooperatives no."),
        max_length=7,
        blank=True,
        validators=[validate_albo_number],
    )
    regional_register = models.CharField(
        _("regional register of community cooperatives"),
        max_length=200,
        blank=True,
        help_text=_("Region, law and number, e.g. 'Abruzzo, LR 25/2015, n. 12'."),
    )
    sector = models.CharField(_("sector"), max_length=20, choices=Sector.choices)
    description = models.TextField(_("short description"), max_length=2000, blank=True)
    website = models.URLField(_("website"), blank=True)
    payment_instructions = models.TextField(
        _("how to pay"),
        max_length=1000,
        blank=True,
        help_text=_(
            "Shown to whoever has something to pay (a booking, an order), e.g. “Bank transfer to "
            "IBAN IT60 X054 2811 1010 0000 0123 456 with the booking number, or at the desk”."
        ),
    )
    is_public = models.BooleanField(
        _("public pages"),
        default=True,
        help_text=_("When off, only people with a role in the cooperative see its pages."),
    )
    is_demo = models.BooleanField(
        _("demo cooperative"),
        default=False,
        help_text=_("Real name and public facts, with synthetic figures for everything else."),
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["name"]
        verbose_name = _("cooperative")
        verbose_name_plural = _("cooperatives")
        constraints = [
            models.CheckConstraint(
                condition=Q(founded_year__gte=1850) & Q(founded_year__lte=2100),
                name="coop_founded_year_range",
            )
        ]

    def __str__(self) -> str:
        return self.name

    def clean(self) -> None:
        if self.founded_on and self.founded_year and self.founded_on.year != self.founded_year:
            raise ValidationError(
                {"founded_on": _("The date of incorporation falls in another year.")}
            )


class CooperativeFact(models.Model):
    """A figure about a cooperative, with its status and source: researchers must tell a public
    fact from a figure to be verified and from a synthetic one."""

    class Status(models.TextChoices):
        FACT = "fact", _("Public fact")
        CHECK = "check", _("Reported, to be verified")
        SYNTHETIC = "synthetic", _("Synthetic")

    coop = models.ForeignKey(Cooperative, on_delete=models.CASCADE, related_name="facts")
    key = models.SlugField(max_length=60)
    label = models.CharField(_("what"), max_length=200)
    value = models.CharField(_("value"), max_length=200)
    number = models.DecimalField(max_digits=14, decimal_places=2, null=True, blank=True)
    unit = models.CharField(max_length=40, blank=True)
    year = models.PositiveSmallIntegerField(null=True, blank=True)
    status = models.CharField(max_length=10, choices=Status.choices)
    source = models.CharField(_("source"), max_length=300, blank=True)
    source_url = models.URLField(blank=True)
    position = models.PositiveSmallIntegerField(default=0)  # order on the page

    class Meta:
        ordering = ["coop", "position", "key"]
        constraints = [models.UniqueConstraint(fields=["coop", "key"], name="fact_key_unique")]

    def __str__(self) -> str:
        return f"{self.label}: {self.value}"


FINANCING_SCALE_STEPS = 10


def financing_scale_problem(scale, law) -> str:
    """What is wrong with a scale of financing members' votes, or "": steps of {"capital", "votes"},
    capitals in euros to the cent, rising, votes from 1 to the legal maximum and never fewer for
    more capital."""
    if not isinstance(scale, list) or len(scale) > FINANCING_SCALE_STEPS:
        return _("Give at most %(n)s steps of capital and votes.") % {"n": FINANCING_SCALE_STEPS}
    previous_capital, previous_votes = None, 1
    for step in scale:
        try:
            capital, votes = Decimal(str(step["capital"])), step["votes"]
        except (TypeError, KeyError, ArithmeticError):
            return _("Each step is a capital in euros and a number of votes.")
        if not isinstance(votes, int) or not 1 <= votes <= law.max_financing_votes:
            return _(
                "A financing member may have from 1 to %(n)s votes (L. 59/1992 art. 4); "
                "the scale gives %(votes)s."
            ) % {"n": law.max_financing_votes, "votes": votes}
        if capital < 0 or capital != capital.quantize(CENT):
            return _("A capital is in euros, to the cent, from 0.")
        if previous_capital is not None and capital <= previous_capital:
            return _("The capitals of the scale must rise from one step to the next.")
        if votes < previous_votes:
            return _("More capital cannot give fewer votes.")
        previous_capital, previous_votes = capital, votes
    return ""


class StatuteParameters(models.Model):
    """The statute's parameters in force from ``valid_from`` until the next version.

    Every field is dated through its version and checked against the law in force that day."""

    coop = models.ForeignKey(Cooperative, on_delete=models.PROTECT, related_name="statutes")
    valid_from = models.DateField(_("in force from"))
    share_nominal_value = models.DecimalField(
        _("nominal value of a share (€)"), **MONEY, validators=[MinValueValidator(Decimal("0.01"))]
    )
    max_proxies_per_member = models.PositiveSmallIntegerField(
        _("proxies a member may hold"), default=3, help_text=_("At most 10 (art. 2539 c.c.).")
    )
    legal_person_max_votes = models.PositiveSmallIntegerField(
        _("votes of a legal-person member"),
        default=1,
        help_text=_("At most 5 (art. 2538 c.c.)."),
    )
    # L. 59/1992 art. 4: the statute may give a financing member (person or organisation) up to
    # five votes in relation to the capital contributed. Steps [{"capital": "5000.00", "votes":
    # 2}, …], capitals rising: a member has the votes of the highest step their paid-in capital
    # reaches, one below the first; empty: one vote (an organisation, the votes of legal persons).
    # Their votes together stay within one third of all (members.book.selectors.eligible_voters).
    financing_votes_scale = models.JSONField(
        _("votes of financing members by capital contributed"), default=list, blank=True
    )
    enrolment_days_before_voting = models.PositiveSmallIntegerField(
        _("days in the member book before voting"),
        default=90,
        help_text=_("At least 90 (art. 2538 c.c.)."),
    )
    notice_days = models.PositiveSmallIntegerField(_("notice of assemblies (days)"), default=8)
    # A quorum is met when the votes present exceed this share of all votes: 50 is "half plus
    # one", 0 is "whatever the number present".
    ordinary_quorum_first_call = models.DecimalField(
        _("ordinary assembly, first call: votes present must exceed (percent of all votes)"),
        **PERCENT,
        default=Decimal("50"),
    )
    ordinary_quorum_second_call = models.DecimalField(
        _("ordinary assembly, second call: votes present must exceed (percent of all votes)"),
        **PERCENT,
        default=Decimal("0"),
    )
    extraordinary_quorum_first_call = models.DecimalField(
        _("extraordinary assembly, first call: votes present must exceed (percent of all votes)"),
        **PERCENT,
        default=Decimal("50"),
    )
    extraordinary_quorum_second_call = models.DecimalField(
        _("extraordinary assembly, second call: votes present must exceed (percent of all votes)"),
        **PERCENT,
        default=Decimal("0"),
    )
    proposal_support_threshold = models.PositiveIntegerField(
        _("supports after which the board must review a proposal"),
        default=10,
        help_text=_("A proposal with this many supports goes to the board's agenda."),
    )
    # The kinds of mutual exchange with the members (arts. 2512-2513 c.c.) that mutual
    # prevalence and the ceiling of ristorni (art. 2545-sexies) are measured on; with several,
    # their weighted mean. Members' work by default: see ``mutual_work``.
    mutual_sales = models.BooleanField(
        _("mutual exchange: sales of goods and services to members (revenue, item A1)"),
        default=False,
    )
    mutual_work = models.BooleanField(
        _("mutual exchange: work of the members (labour cost, item B9)"),
        default=True,
        help_text=_(
            "What the cooperative exchanges with its members (arts. 2512-2513 c.c.); with "
            "several kinds, prevalence is their weighted mean."
        ),
    )
    mutual_supplies = models.BooleanField(
        _("mutual exchange: goods and services supplied by members (costs, items B6 and B7)"),
        default=False,
    )
    decision_reference = models.CharField(
        _("approved by"),
        max_length=200,
        blank=True,
        help_text=_("The assembly and the minutes that approved this statute."),
    )
    synthetic = models.BooleanField(default=False)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["coop", "-valid_from"]
        verbose_name = _("statute parameters")
        verbose_name_plural = _("statute parameters")
        constraints = [
            models.UniqueConstraint(fields=["coop", "valid_from"], name="statute_one_per_day"),
            # The widest bounds the law has ever allowed; the dated limits are checked in clean().
            models.CheckConstraint(
                condition=Q(max_proxies_per_member__lte=10), name="statute_proxies_max_10"
            ),
            models.CheckConstraint(
                condition=Q(legal_person_max_votes__gte=1) & Q(legal_person_max_votes__lte=5),
                name="statute_legal_person_votes_1_5",
            ),
            models.CheckConstraint(
                condition=Q(enrolment_days_before_voting__gte=90), name="statute_enrolment_90"
            ),
            models.CheckConstraint(
                condition=Q(share_nominal_value__gt=0), name="statute_share_positive"
            ),
            models.CheckConstraint(
                condition=Q(proposal_support_threshold__gte=1),
                name="statute_proposal_threshold_positive",
            ),
            models.CheckConstraint(
                condition=Q(mutual_sales=True) | Q(mutual_work=True) | Q(mutual_supplies=True),
                name="statute_mutual_exchange_chosen",
            ),
            *[
                models.CheckConstraint(
                    condition=Q(**{f"{field}__gte": 0}) & Q(**{f"{field}__lte": 100}),
                    name=f"statute_{field}_percent",
                )
                for field in (
                    "ordinary_quorum_first_call",
                    "ordinary_quorum_second_call",
                    "extraordinary_quorum_first_call",
                    "extraordinary_quorum_second_call",
                )
            ],
        ]

    def __str__(self) -> str:
        return f"{self.coop} · {self.valid_from:%Y-%m-%d}"

    def clean(self) -> None:
        if not isinstance(self.valid_from, date):
            return  # the field error is reported already
        errors: dict[str, str] = {}
        law = limits_on(self.valid_from)
        for field, low, high, message in self._bounds(law):
            value = getattr(self, field)
            if value is not None and not (
                (low is None or value >= low) and (high is None or value <= high)
            ):
                errors[field] = message
        for kind in ("ordinary", "extraordinary"):
            first, second = f"{kind}_quorum_first_call", f"{kind}_quorum_second_call"
            first_value, second_value = getattr(self, first), getattr(self, second)
            if (
                second not in errors
                and first_value is not None
                and second_value is not None
                and second_value > first_value
            ):
                errors[second] = _("The second call cannot need a higher quorum than the first.")
        scale_problem = financing_scale_problem(self.financing_votes_scale, law)
        if scale_problem:
            errors["financing_votes_scale"] = scale_problem
        if not (self.mutual_sales or self.mutual_work or self.mutual_supplies):
            errors["mutual_work"] = _(
                "Choose at least one kind of mutual exchange with the members "
                "(arts. 2512-2513 c.c.)."
            )
        if errors:
            raise ValidationError(errors)

    def financing_votes(self, capital: Decimal) -> int | None:
        """The votes the scale gives a financing member with ``capital`` paid in; None when the
        statute has no scale."""
        if not self.financing_votes_scale:
            return None
        votes = 1
        for step in self.financing_votes_scale:
            if capital >= Decimal(step["capital"]):
                votes = step["votes"]
        return votes

    def _bounds(self, law) -> list[tuple[str, object, object, str]]:
        """(field, lowest, highest, message) for each bounded parameter under ``law``."""
        # The €500 ceiling is for shares as *azioni*; cooperatives under srl rules hold *quote*.
        coop = getattr(self, "coop", None)  # may be a cooperative being created
        if coop is not None and coop.legal_form == LegalForm.COOPERATIVE_SRL:
            share = (
                law.share_value_min,
                None,
                _("A share must be worth at least %(low)s € (art. 2525 c.c.).")
                % {"low": localize(law.share_value_min)},
            )
        else:
            share = (
                law.share_value_min,
                law.share_value_max,
                _("A share must be worth between %(low)s € and %(high)s € (art. 2525 c.c.).")
                % {"low": localize(law.share_value_min), "high": localize(law.share_value_max)},
            )
        quorum = _("A quorum is a percentage from 0 to 100.")
        return [
            ("share_nominal_value", *share),
            (
                "max_proxies_per_member",
                0,
                law.max_proxies_per_member,
                _("A member may hold at most %(n)s proxies (art. 2539 c.c.).")
                % {"n": law.max_proxies_per_member},
            ),
            (
                "legal_person_max_votes",
                1,
                law.max_legal_person_votes,
                _("A legal-person member may have from 1 to %(n)s votes (art. 2538 c.c.).")
                % {"n": law.max_legal_person_votes},
            ),
            (
                "enrolment_days_before_voting",
                law.min_enrolment_days,
                730,
                _("Members vote after at least %(n)s days in the member book (art. 2538 c.c.).")
                % {"n": law.min_enrolment_days},
            ),
            (
                "notice_days",
                law.min_notice_days,
                90,
                _("Assemblies need between %(n)s and 90 days of notice (art. 2366 c.c.).")
                % {"n": law.min_notice_days},
            ),
            (
                "proposal_support_threshold",
                1,
                100_000,
                _("Give a number of supports from 1 to 100,000."),
            ),
            *(
                (f"{kind}_quorum_{call}_call", 0, 100, quorum)
                for kind in ("ordinary", "extraordinary")
                for call in ("first", "second")
            ),
        ]


# --- people and roles ---------------------------------------------------------------------------
class RoleKind(models.TextChoices):
    ADMIN = "admin", _("Board (admin)")
    STAFF = "staff", _("Staff")
    MEMBER = "member", _("Member")
    RESIDENT = "resident", _("Resident")


class Role(models.Model):
    """What a login may do in one cooperative; one role per person and cooperative."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="coop_roles"
    )
    coop = models.ForeignKey(Cooperative, on_delete=models.CASCADE, related_name="roles")
    kind = models.CharField(_("role"), max_length=10, choices=RoleKind.choices)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["coop", "kind", "user__username"]
        constraints = [
            models.UniqueConstraint(fields=["user", "coop"], name="role_one_per_user_and_coop")
        ]

    def __str__(self) -> str:
        return f"{self.user} · {self.coop} · {self.kind}"
