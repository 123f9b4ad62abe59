"""A plausible synthetic member book (libro soci) for each case-study cooperative.

Sizes follow the public facts where there are some (Brigì: 13 members; Post-modernissimo: about
700 members and supporters at the reopening); the rest is a plausible guess, and every row is
marked ``synthetic``. The book is planned first in plain Python from the step's random stream,
then written in bulk, keeping the invariants the services keep one row at a time: register
numbers 1..N without gaps in order of admission (and the counter at N), paid never above
subscribed, a natural person under the art. 2525 cap, exited members' shares redeemed to zero,
valid codici fiscali that encode the birth date, sex and birthplace. The profiles are in the
cases' ``[book]`` (``demo/data``), the names and places drawn from in ``common.toml``.
"""

from __future__ import annotations

import random
import unicodedata
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from decimal import Decimal

from django.contrib.auth import get_user_model
from django.db import transaction
from django.utils import timezone
from stdnum import luhn
from stdnum.it import codicefiscale, iva

from comunitas.core.audit import audit_record
from comunitas.core.kernel.money import CENT, ZERO
from comunitas.core.law import limits_on
from comunitas.core.models import Cooperative, Municipality
from comunitas.demo.plans import CASE_PLANS, CASES, COMMON, BookProfile
from comunitas.members.book.services import book_changed, book_setup
from comunitas.members.models import (
    Application,
    Consent,
    ExitKind,
    Member,
    MemberKind,
    MemberStatus,
    MovementKind,
    OrganisationKind,
    Redemption,
    RegisterCounter,
    ShareClass,
    ShareMovement,
    StakeholderCategory,
)
from comunitas.members.shares.services import redemption_due

BOOK = COMMON.book
PROFILES: dict[str, BookProfile] = {slug: p.book for slug, p in CASE_PLANS.items() if p.book}
DEFAULT_MIX = BOOK.default_mix
FEMALE, MALE, SURNAMES, STREETS = BOOK.female, BOOK.male, BOOK.surnames, BOOK.streets
ASSOCIATIONS, BUSINESSES, MOTIVATIONS = BOOK.associations, BOOK.businesses, BOOK.motivations
BIG_CITIES, PAYMENT_REFERENCES = BOOK.big_cities, BOOK.payment_references


@dataclass
class Planned:
    """One member of the planned book (``None`` dates: not admitted / not exited)."""

    kind: str
    category: str
    applied_on: date
    admitted_on: date | None
    status: str = MemberStatus.ACTIVE
    first_name: str = ""
    last_name: str = ""
    sex: str = ""
    birth_date: date | None = None
    birthplace: str = ""  # cadastral code
    organisation_name: str = ""
    organisation_kind: str = ""
    representative_name: str = ""
    representative_role: str = ""
    fiscal_code: str = ""
    vat_number: str = ""
    residence: str = ""  # ISTAT code
    address: str = ""
    email: str = ""
    phone: str = ""
    share_class: str = "ordinarie"
    shares: int = 1
    payments: list[tuple[date, Decimal, str]] = field(default_factory=list)
    instalments: bool = False  # pays in two instalments (the demo member's ledger)
    exited_on: date | None = None
    exit_kind: str = ""
    exit_reason: str = ""
    exit_reference: str = ""
    source: str = Application.Source.PAPER
    motivation: str = ""
    consents: list[tuple[str, bool, datetime]] = field(default_factory=list)
    founder: bool = False


@dataclass
class Places:
    """The municipalities the generator draws from, read once per cooperative."""

    territory: list[Municipality]
    province: list[Municipality]  # the seat's province, outside the territory
    cities: list[Municipality]


# --- identifiers ----------------------------------------------------------------------------------
def _letters(text: str) -> str:
    plain = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    return "".join(ch for ch in plain.upper() if "A" <= ch <= "Z")


def _code_part(text: str, *, first_name: bool) -> str:
    letters = _letters(text)
    consonants = [ch for ch in letters if ch not in "AEIOU"]
    vowels = [ch for ch in letters if ch in "AEIOU"]
    if first_name and len(consonants) >= 4:
        return consonants[0] + consonants[2] + consonants[3]
    return ("".join(consonants + vowels) + "XXX")[:3]


def fiscal_code(first: str, last: str, born: date, sex: str, place: str) -> str:
    """The codice fiscale of a person, as the Agenzia delle Entrate computes it (without the
    omocodia substitutions, which the generator avoids by drawing another birth date)."""
    day = born.day + (40 if sex == "F" else 0)
    body = (
        _code_part(last, first_name=False)
        + _code_part(first, first_name=True)
        + f"{born.year % 100:02d}{'ABCDEHLMPRST'[born.month - 1]}{day:02d}{place}"
    )
    return body + codicefiscale.calc_check_digit(body)


def numeric_code(rng: random.Random, first: str) -> str:
    """An 11-digit codice fiscale / partita IVA with a valid province part and check digit."""
    while True:
        body = first + "".join(rng.choice("0123456789") for _ in range(6))
        body += f"{rng.randint(1, 100):03d}"
        code = body + luhn.calc_check_digit(body)
        if iva.is_valid(code):
            return code


def _email(first: str, last: str, n: int) -> str:
    local = ".".join(part for part in (_letters(first), _letters(last)) if part).lower()
    return f"{local}{n}@example.org"


# --- the plan -------------------------------------------------------------------------------------
def profile_of(coop: Cooperative, rng: random.Random) -> BookProfile:
    profile = PROFILES.get(coop.slug)
    if profile is None:
        return BookProfile(rng.randint(60, 300), 0.3, 0.75, DEFAULT_MIX)
    case = next((c for c in CASES if c.slug == coop.slug), None)
    fact = next((f for f in case.facts if f.key == profile.size_fact), None) if case else None
    if fact is not None and fact.number:
        return BookProfile(**{**profile.__dict__, "current": int(fact.number)})
    return profile


def _places(coop: Cooperative) -> Places:
    territory = list(coop.territory.exclude(cadastral_code="").order_by("istat_code"))
    served = {m.pk for m in territory}
    province = [
        m
        for m in Municipality.objects.filter(province_abbr=coop.seat.province_abbr, is_current=True)
        .exclude(cadastral_code="")
        .order_by("istat_code")
        if m.pk not in served
    ]
    cities = list(Municipality.objects.filter(pk__in=BIG_CITIES).order_by("istat_code"))
    return Places(territory or [coop.seat], province or cities, cities)


def _day_between(rng: random.Random, start: date, end: date) -> date:
    if end <= start:
        return start
    return start + timedelta(days=rng.randint(0, (end - start).days))


def _at(day: date, rng: random.Random) -> datetime:
    """An office-hours moment of a day, in the cooperative's time zone."""
    moment = time(rng.randint(9, 18), rng.randint(0, 59))
    return timezone.make_aware(datetime.combine(day, moment))


class Planner:
    """Draws the book of one cooperative from its random stream."""

    def __init__(self, coop: Cooperative, rng: random.Random, today: date, places: Places):
        self.coop, self.rng, self.today, self.places = coop, rng, today, places
        self.codes: set[str] = set()
        self.emails = 0
        self.town = coop.seat.name

    # people and organisations
    def residence(self, local: float) -> Municipality:
        rng = self.rng
        if rng.random() < local:
            return rng.choice(self.places.territory)
        return rng.choice(self.places.province if rng.random() < 0.75 else self.places.cities)

    def person(self, member: Planned, local: float) -> None:
        rng = self.rng
        member.sex = rng.choice("FM")
        member.first_name = rng.choice(FEMALE if member.sex == "F" else MALE)
        member.last_name = rng.choice(SURNAMES)
        home = self.residence(local)
        member.residence = home.istat_code
        born_in = home if rng.random() < 0.6 else rng.choice([*self.places.cities, home])
        member.birthplace = born_in.cadastral_code
        member.address = f"{rng.choice(STREETS)} {rng.randint(1, 120)}"
        self.emails += 1
        if rng.random() < 0.85:
            member.email = _email(member.first_name, member.last_name, self.emails)
        if rng.random() < 0.7:
            member.phone = f"+39 3{rng.randint(20, 99)} {rng.randint(1000000, 9999999)}"
        self.birth(member)

    def birth(self, member: Planned) -> None:
        """A birth date making an adult at the application, born in the 20th century (the
        services decode codici fiscali from 1900 on), and a code no one else has."""
        rng = self.rng
        while True:
            age = rng.choice([rng.randint(18, 35), rng.randint(30, 65), rng.randint(55, 85)])
            born = member.applied_on - timedelta(days=age * 365 + rng.randint(0, 364))
            if not date(1930, 1, 1) <= born <= date(1999, 12, 31):
                continue
            code = fiscal_code(
                member.first_name, member.last_name, born, member.sex, member.birthplace
            )
            if code not in self.codes:
                self.codes.add(code)
                member.birth_date, member.fiscal_code = born, code
                return

    def organisation(self, member: Planned, kind: str, name: str, local: float) -> None:
        rng = self.rng
        member.kind, member.category, member.organisation_kind = (
            MemberKind.ORGANISATION,
            "persona-giuridica",
            kind,
        )
        member.organisation_name = name
        first = rng.choice(FEMALE + MALE)
        member.representative_name = f"{first} {rng.choice(SURNAMES)}"
        home = self.places.territory[0] if kind == OrganisationKind.PUBLIC_BODY else None
        member.residence = (home or self.residence(local)).istat_code
        member.address = f"{rng.choice(STREETS)} {rng.randint(1, 60)}"
        self.emails += 1
        member.email = f"segreteria{self.emails}@example.org"
        if kind == OrganisationKind.BUSINESS:
            member.vat_number = numeric_code(rng, "0")
            member.representative_role = "Amministratore unico"
        elif kind == OrganisationKind.PUBLIC_BODY:
            member.fiscal_code = numeric_code(rng, "8")
            member.representative_role = "Sindaco"
        else:
            member.fiscal_code = numeric_code(rng, "9")
            member.representative_role = "Presidente"
        public = kind == OrganisationKind.PUBLIC_BODY
        member.shares = rng.randint(4, 10) if public else rng.randint(2, 8)

    # the book
    def plan(self, profile: BookProfile) -> list[Planned]:
        rng, today, coop = self.rng, self.today, self.coop
        founded = date(coop.founded_year or 2015, rng.randint(2, 10), rng.randint(1, 28))
        founded = min(founded, today - timedelta(days=90))  # a cooperative founded this year
        current = profile.current
        exits = max(1, round(current * 0.06))
        admitted = current + exits
        founders = min(admitted, max(min(9, admitted), round(admitted * profile.founders)))
        associations = max(1, round(current * 0.015))
        businesses = round(current * 0.005)
        financing = max(1, round(current * 0.02))
        public = 1 if profile.public_body else 0
        persons = admitted - associations - businesses - financing - public

        # admission days: the founders on the deed, the others spread until last month
        days = [founded] * founders + sorted(
            _day_between(rng, founded + timedelta(days=30), today - timedelta(days=30))
            for _ in range(admitted - founders)
        )
        # who joins when: the first founder is the president-to-be, a person
        kinds = ["assoc"] * associations + ["business"] * businesses + ["financing"] * financing
        kinds += ["public"] * public + ["person"] * (persons - 1)
        rng.shuffle(kinds)
        if profile.public_body or associations:
            # the municipality and the first association are among the founders
            for special in ("public", "assoc"):
                if special in kinds and kinds.index(special) >= founders - 1:
                    kinds.remove(special)
                    kinds.insert(rng.randint(0, max(0, founders - 2)), special)
        kinds.insert(0, "person")
        # in a village the Pro Loco comes first (Brigì was born from the Pro Loco of Mendatica)
        names = [t.format(town=self.town) for t in ASSOCIATIONS[1:]]
        rng.shuffle(names)
        pro_loco = ASSOCIATIONS[0].format(town=self.town)
        names.insert(0 if profile.public_body else len(names), pro_loco)

        book: list[Planned] = []
        for n, (kind, day) in enumerate(zip(kinds, days, strict=True)):
            founder = n < founders
            applied = day if founder else max(founded, day - timedelta(days=rng.randint(10, 60)))
            member = Planned(MemberKind.PERSON, "", applied, day, founder=founder)
            if kind == "assoc":
                self.organisation(member, OrganisationKind.ASSOCIATION, names.pop(0), profile.local)
            elif kind == "public":
                name = f"Comune di {self.town}"
                self.organisation(member, OrganisationKind.PUBLIC_BODY, name, 1.0)
            elif kind == "business":
                name = rng.choice(BUSINESSES).format(surname=rng.choice(SURNAMES))
                self.organisation(member, OrganisationKind.BUSINESS, name, profile.local)
            else:
                self.person(member, profile.local)
                if kind == "financing":
                    member.category, member.share_class = "sovventore", "sovventori"
                    member.shares = rng.randint(4, 40)
                else:
                    codes, weights = zip(*profile.mix.items(), strict=True)
                    member.category = rng.choices(codes, weights)[0]
                    member.shares = rng.choices([1, 2, 3, 5, 10], [70, 15, 7, 5, 3])[0]
                if n == 0:
                    member.category = "volontario" if "volontario" in profile.mix else "lavoratore"
            self.admission(member, day, founder)
            book.append(member)

        self.leave(book, exits)
        for _ in range(max(1, round(current * 0.015))):
            book.append(self.pending(profile))
        return book

    def logins(self, book: list[Planned], users: dict) -> None:
        """The demo logins are members: the president founded the cooperative (number 1); the
        member joined a few years ago and paid two shares in two instalments."""
        rng, today = self.rng, self.today
        if "presidente" in users:
            self.as_login(book[0], users["presidente"])
        if "socio" in users:
            candidates = [
                m
                for m in book[1:]
                if m.status == MemberStatus.ACTIVE
                and m.kind == MemberKind.PERSON
                and m.category != "sovventore"
                and not m.founder
            ]
            recent = [
                m
                for m in candidates
                if today - timedelta(days=6 * 365) <= m.admitted_on <= today - timedelta(days=700)
            ]
            member = rng.choice(recent or candidates)
            self.as_login(member, users["socio"])
            member.shares, member.instalments = 2, True
            later = _at(_day_between(rng, member.admitted_on, today - timedelta(days=1)), rng)
            # all three given with the application, the photos withdrawn since
            first = [(kind, True, at) for kind, _given, at in member.consents[:3]]
            member.consents = [*first, (Consent.Kind.PHOTOS, False, later)]

    def as_login(self, member: Planned, user) -> None:
        member.first_name, member.last_name = user.first_name, user.last_name
        member.sex = "F" if user.first_name in FEMALE else "M"
        member.email = user.email
        self.birth(member)

    def pay_all(self, book: list[Planned], values: dict[str, Decimal]) -> None:
        for member in book:
            if member.admitted_on:
                self.pay(member, values[member.share_class])

    def admission(self, member: Planned, day: date, founder: bool) -> None:
        rng = self.rng
        member.source = (
            Application.Source.ONLINE
            if not founder and day.year >= 2020 and rng.random() < 0.5
            else Application.Source.PAPER
        )
        if rng.random() < 0.3:
            member.motivation = rng.choice(MOTIVATIONS)
        given = self.consents(member.applied_on)
        member.consents = given
        if rng.random() < 0.05 and day < self.today:
            later = _at(_day_between(rng, day, self.today - timedelta(days=1)), rng)
            member.consents.append((Consent.Kind.NEWSLETTER, False, later))

    def consents(self, day: date) -> list[tuple[str, bool, datetime]]:
        rng, at = self.rng, _at(day, self.rng)
        return [
            (Consent.Kind.PRIVACY, True, at),
            (Consent.Kind.NEWSLETTER, rng.random() < 0.65, at),
            (Consent.Kind.PHOTOS, rng.random() < 0.55, at),
        ]

    def pay(self, member: Planned, value: Decimal) -> None:
        """Most pay in full at once or in two instalments, some in part, a few not yet; all
        before they leave."""
        rng = self.rng
        start, until = member.admitted_on, member.exited_on or self.today
        subscribed = value * member.shares
        draw = 0.8 if member.instalments else rng.random()
        if draw < 0.72:
            day = _day_between(rng, start, min(until, start + timedelta(days=20)))
            payments = [(day, subscribed)]
        elif draw < 0.85 and until > start + timedelta(days=60):
            first = (subscribed / 2).quantize(CENT)
            second = _day_between(
                rng, start + timedelta(days=30), min(until, start + timedelta(days=365))
            )
            payments = [(start, first), (second, subscribed - first)]
        elif draw < 0.96:
            part = (subscribed * Decimal(rng.choice([25, 40, 50])) / 100).quantize(CENT)
            payments = [(_day_between(rng, start, until), part)]
        else:
            payments = []
        member.payments = [(d, a, rng.choice(PAYMENT_REFERENCES)) for d, a in payments if a > 0]

    def leave(self, book: list[Planned], count: int) -> None:
        """A few members leave: withdrawal mostly, some deaths, a rare exclusion."""
        rng, today = self.rng, self.today
        candidates = [
            m
            for m in book[1:]
            if m.kind == MemberKind.PERSON
            and m.category != "sovventore"
            and m.admitted_on <= today - timedelta(days=400)
        ]
        for member in rng.sample(candidates, min(count, len(candidates))):
            member.status = MemberStatus.EXITED
            member.exited_on = _day_between(
                rng, member.admitted_on + timedelta(days=365), today - timedelta(days=1)
            )
            member.exit_kind = rng.choices(
                [ExitKind.WITHDRAWAL, ExitKind.DEATH, ExitKind.EXCLUSION], [70, 20, 10]
            )[0]
            meeting = f"CdA {member.exited_on:%d/%m/%Y}"
            if member.exit_kind == ExitKind.EXCLUSION:
                member.exit_reason = "Gravi inadempienze degli obblighi statutari (art. 2533 c.c.)"
                member.exit_reference = meeting
            elif member.exit_kind == ExitKind.WITHDRAWAL:
                member.exit_reason = rng.choice(["Trasferimento", "Motivi personali", ""])
                member.exit_reference = meeting

    def pending(self, profile: BookProfile) -> Planned:
        applied = self.today - timedelta(days=self.rng.randint(1, 45))
        member = Planned(MemberKind.PERSON, "", applied, None, status=MemberStatus.APPLICANT)
        self.person(member, profile.local)
        codes, weights = zip(*profile.mix.items(), strict=True)
        member.category = self.rng.choices(codes, weights)[0]
        member.source = Application.Source.ONLINE
        member.motivation = self.rng.choice(MOTIVATIONS)
        member.consents = self.consents(applied)
        return member


# --- writing --------------------------------------------------------------------------------------
def _admission_reference(member: Planned) -> str:
    if member.founder:
        return f"Atto costitutivo del {member.admitted_on:%d/%m/%Y}"
    return f"CdA {member.admitted_on:%d/%m/%Y}"


def _demo_users(coop: Cooperative) -> dict:
    names = {f"{coop.slug}.{suffix}": suffix for suffix in ("presidente", "socio")}
    found = get_user_model().objects.filter(username__in=names).order_by("username")
    return {names[user.username]: user for user in found}


def _link(coop: Cooperative, users: dict) -> None:
    """Link the demo logins to their members (again after the logins were recreated)."""
    for user in users.values():
        if not Member.objects.filter(coop=coop, user=user).exists():
            Member.objects.filter(
                coop=coop, synthetic=True, user__isnull=True, email=user.email
            ).update(user=user)


def _rows(coop: Cooperative, book: list[Planned], categories: dict) -> list[Member]:
    admitted = sorted((m for m in book if m.admitted_on), key=lambda m: m.admitted_on)
    pending = [m for m in book if not m.admitted_on]
    rows = []
    for number, member in enumerate(admitted + pending, start=1):
        rows.append(
            Member(
                coop=coop,
                kind=member.kind,
                category=categories[member.category],
                status=member.status,
                number=number if member.admitted_on else None,
                first_name=member.first_name,
                last_name=member.last_name,
                birth_date=member.birth_date,
                sex=member.sex,
                organisation_name=member.organisation_name,
                organisation_kind=member.organisation_kind,
                vat_number=member.vat_number,
                representative_name=member.representative_name,
                representative_role=member.representative_role,
                fiscal_code=member.fiscal_code,
                residence_id=member.residence,
                address=member.address,
                email=member.email,
                phone=member.phone,
                applied_on=member.applied_on,
                admitted_on=member.admitted_on,
                admission_reference=_admission_reference(member) if member.admitted_on else "",
                exited_on=member.exited_on,
                exit_kind=member.exit_kind,
                exit_reason=member.exit_reason,
                exit_reference=member.exit_reference,
                synthetic=True,
            )
        )
    book[:] = admitted + pending  # the plan in the order of the rows
    return rows


def _application(row: Member, member: Planned, share_class: ShareClass) -> Application:
    return Application(
        member=row,
        share_class=share_class,
        shares_requested=member.shares,
        source=member.source,
        motivation=member.motivation,
        status=Application.Status.APPROVED if member.admitted_on else Application.Status.PENDING,
        decided_on=member.admitted_on,
        decision_reference=row.admission_reference,
    )


def _shares(
    coop: Cooperative, row: Member, member: Planned, share_class: ShareClass, today: date
) -> tuple[list[ShareMovement], Redemption | None]:
    """An admitted member's share movements (subscription, payments, the redemption of one who
    left) and the refund due to one who left, checking the plan against the law."""
    subscribed = share_class.nominal_value * member.shares
    capped = member.category != "sovventore" and member.kind == MemberKind.PERSON
    if capped and subscribed > limits_on(member.admitted_on).natural_person_max_holding:
        raise ValueError(f"the plan exceeds the art. 2525 cap: {member.fiscal_code}")
    common = {"coop": coop, "member": row, "share_class": share_class}
    movements = [
        ShareMovement(
            **common,
            kind=MovementKind.SUBSCRIPTION,
            on_date=member.admitted_on,
            shares=member.shares,
            subscribed=subscribed,
            reference=row.admission_reference,
        )
    ]
    paid = sum((amount for _day, amount, _ref in member.payments), ZERO)
    if paid > subscribed:
        raise ValueError(f"the plan pays more than subscribed: {member.fiscal_code}")
    movements += [
        ShareMovement(**common, kind=MovementKind.PAYMENT, on_date=day, paid=amount, reference=ref)
        for day, amount, ref in member.payments
    ]
    if not member.exited_on:
        return movements, None
    movements.append(
        ShareMovement(
            **common,
            kind=MovementKind.REDEMPTION,
            on_date=member.exited_on,
            shares=-member.shares,
            subscribed=-subscribed,
            paid=-paid,
            reference=str(ExitKind(member.exit_kind).label),
        )
    )
    if not paid:
        return movements, None
    due = redemption_due(member.exited_on)
    refund = Redemption(
        member=row,
        amount=paid,
        due_on=due,
        paid_on=due if due <= today else None,
        reference="Bonifico" if due <= today else "",
    )
    return movements, refund


@transaction.atomic
def member_book_write(coop: Cooperative, book: list[Planned], today: date) -> int:
    """Write a planned book in bulk (a few queries per table); return the members admitted."""
    book_changed(coop.pk)  # written without the services: cached lists must still move on
    categories = {c.code: c for c in StakeholderCategory.objects.filter(coop=coop)}
    classes = {c.code: c for c in ShareClass.objects.filter(coop=coop)}
    rows = Member.objects.bulk_create(_rows(coop, book, categories))
    applications, consents, movements, redemptions = [], [], [], []
    for row, member in zip(rows, book, strict=True):
        share_class = classes[member.share_class]
        applications.append(_application(row, member, share_class))
        consents += [
            Consent(member=row, kind=kind, given=given, at=at)
            for kind, given, at in member.consents
        ]
        if member.admitted_on:
            shares, refund = _shares(coop, row, member, share_class, today)
            movements += shares
            redemptions += [refund] if refund else []
    Application.objects.bulk_create(applications)
    Consent.objects.bulk_create(consents)
    ShareMovement.objects.bulk_create(movements)
    Redemption.objects.bulk_create(redemptions)
    admitted = sum(1 for m in book if m.admitted_on)
    counter, _ = RegisterCounter.objects.get_or_create(coop=coop)
    counter.last_number = admitted
    counter.save(update_fields=["last_number"])
    audit_record(
        actor=None,
        action="member.synthetic_book",
        obj=coop,
        coop=coop,
        after={"members": admitted, "applications": len(rows) - admitted, "synthetic": True},
    )
    return admitted


def member_book_generate(coop: Cooperative, rng: random.Random) -> None:
    """Give a cooperative with an empty book a synthetic one; a book with anyone in it is left
    alone (loading twice changes nothing), except that the demo logins are linked again."""
    book_setup(coop=coop)
    users = _demo_users(coop)
    if not Member.objects.filter(coop=coop).exists():
        today = timezone.localdate()
        planner = Planner(coop, rng, today, _places(coop))
        book = planner.plan(profile_of(coop, rng))
        planner.logins(book, users)
        values = {c.code: c.nominal_value for c in ShareClass.objects.filter(coop=coop)}
        planner.pay_all(book, values)
        member_book_write(coop, book, today)
    _link(coop, users)


def demo_members(coop: Cooperative, rng: random.Random, password: str) -> None:
    """The demo step: a member book of plausible size and mix, the demo logins among its
    members."""
    member_book_generate(coop, rng)
