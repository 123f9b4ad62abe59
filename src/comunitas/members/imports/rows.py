"""Checking each row of an imported member book with the rules the services apply, against what a
few queries loaded (categories, share classes, municipalities, the members already in the book)."""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import Any, TypeVar

from django.core.exceptions import ValidationError as DjangoValidationError
from django.core.validators import validate_email
from django.utils import timezone
from django.utils.formats import localize
from django.utils.translation import gettext as _
from stdnum.exceptions import ValidationError as StdnumError
from stdnum.it import codicefiscale

from comunitas.core.kernel.money import CENT, MAX_MONEY, ZERO, parse_euros
from comunitas.core.law import limits_on
from comunitas.core.models import Cooperative, Municipality, Postcode
from comunitas.core.territory.selectors import NAME_WITH_PROVINCE
from comunitas.core.territory.sources import search_key
from comunitas.core.validators import compact_code, validate_codice_fiscale, validate_partita_iva
from comunitas.members.book import checks as book_checks
from comunitas.members.imports.reading import COLUMNS, Table, compact_header
from comunitas.members.models import (
    Member,
    MemberKind,
    MemberStatus,
    OrganisationKind,
    RegisterCounter,
    ShareClass,
    StakeholderCategory,
)


def _words(**choices: str) -> dict[str, set[str]]:
    return {choice: set(words.split("|")) for choice, words in choices.items()}


# Values of the columns with choices, compared by _compact.
KIND_WORDS = _words(
    person="person|persona|personafisica|fisica|pf|individuo",
    organisation="organisation|organization|organizzazione|personagiuridica|giuridica|pg|ente",
)
SEX_WORDS = _words(M="m|male|maschio|uomo|maschile", F="f|female|femmina|donna|femminile")
ORGANISATION_WORDS = _words(
    association="association|associazione|aps|odv|asd",
    business="business|impresa|azienda|societa|ditta|srl|snc|sas|spa",
    public_body="publicbody|entepubblico|comune|pubblico|pubblicaamministrazione",
    cooperative="cooperative|cooperativa|coop",
    other="other|altro|altra",
)
EXIT_WORDS = _words(
    withdrawal="withdrawal|recesso|dimissioni",
    exclusion="exclusion|esclusione|espulsione",
    death="death|morte|decesso|deceduto|deceduta",
    transfer="transfer|trasferimento|cessione|cessionequote",
    dissolution="dissolution|scioglimento|estinzione|cessazione",
)
ISO_DATE = re.compile(r"(\d{4})-(\d{1,2})-(\d{1,2})(?:$|[ T])")
LOCAL_DATE = re.compile(r"(\d{1,2})[/.-](\d{1,2})[/.-](\d{4}|\d{2})")


T = TypeVar("T")
Errors = list[tuple[str | None, str]]  # (field, message) of one row


def _word(value: str, words: Mapping[str, set[str]]) -> str | None:
    key = compact_header(value)
    return next((choice for choice, known in words.items() if key in known), None)


# --- the report ---------------------------------------------------------------------------------
@dataclass(frozen=True)
class RowError:
    line: int  # the row of the file (the header is row 1) or of the API call (from 1)
    field: str | None
    message: str


# --- values -------------------------------------------------------------------------------------
class Bad(Exception):
    """A value of one field is not valid."""

    def __init__(self, field: str, message: str) -> None:
        super().__init__(message)
        self.field = field
        self.message = message


def cell_text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))  # a phone or number typed into Excel as a number
    if isinstance(value, date):
        return value.isoformat()
    text = str(value).strip()
    # Our exports put an apostrophe before text that a spreadsheet would run as a formula.
    if text[:1] == "'" and text[1:2] in ("=", "+", "-", "@"):
        return text[1:]
    return text


def _date(value: Any, name: str) -> date | None:
    """A date cell, or text as 2024-12-31, 31/12/2024, 31-12-2024, 31.12.2024 or 31/12/24."""
    if isinstance(value, date):
        return value
    text = cell_text(value)
    if not text:
        return None
    iso = ISO_DATE.match(text)
    local = None if iso else LOCAL_DATE.fullmatch(text)
    try:
        if iso:
            return date(int(iso[1]), int(iso[2]), int(iso[3]))
        if local:
            year = int(local[3]) + (2000 if len(local[3]) == 2 else 0)
            if len(local[3]) == 2 and year > timezone.localdate().year:
                year -= 100
            return date(year, int(local[2]), int(local[1]))
    except ValueError:
        pass
    raise Bad(name, _("'%(value)s' is not a date (e.g. 31/12/2024).") % {"value": text[:40]})


def whole_number(value: Any, name: str) -> int | None:
    """A whole number of at most nine digits (what the database's integers hold)."""
    if isinstance(value, bool):
        raise Bad(name, _("Give a whole number."))
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    if isinstance(value, int):
        if abs(value) >= 10**9:
            raise Bad(name, _("The number is too large."))
        return value
    text = cell_text(value)
    if not text:
        return None
    if re.fullmatch(r"-?\d{1,9}", text):
        return int(text)
    raise Bad(name, _("'%(value)s' is not a whole number.") % {"value": text[:40]})


def _money(value: Any, name: str) -> Decimal | None:
    """Euros as spreadsheets write them (``parse_euros``: 1234.5, 1.234,50, 1,234.50, € 25,00),
    to the cent, with this import's own errors."""
    if isinstance(value, bool):
        raise Bad(name, _("Give an amount in euros."))
    try:
        amount = parse_euros(
            value if isinstance(value, int | float | Decimal) else cell_text(value)
        )
    except ValueError as exc:
        raise Bad(
            name, _("'%(value)s' is not an amount in euros.") % {"value": str(exc)[:40]}
        ) from None
    if amount is None:
        return None
    if abs(amount) > MAX_MONEY:
        raise Bad(name, _("The amount is too large."))
    rounded = amount.quantize(CENT)
    # A spreadsheet's float (0.1 + 0.2 = 0.30000000000000004) is read to the cent.
    if abs(amount - rounded) > Decimal("0.000001"):
        raise Bad(name, _("Give the amount in euros and cents (two decimals)."))
    return rounded


# --- what the checks need, read once ------------------------------------------------------------
@dataclass
class Existing:
    number: int
    codes: set[str]
    status: str


class Context:
    """Categories, share classes, municipalities and the current book of one cooperative, loaded
    with a few queries so that rows are checked without touching the database."""

    def __init__(self, coop: Cooperative, table: Table, columns: dict[str, int]) -> None:
        self.coop = coop
        self.today = timezone.localdate()
        self.categories: dict[str, StakeholderCategory] = {}
        self.category_list = list(StakeholderCategory.objects.filter(coop=coop))
        for category in self.category_list:
            keys = {category.code, category.name, *re.findall(r"\(([^)]*)\)", category.name)}
            for key in keys:
                self.categories.setdefault(compact_header(key), category)
        self.classes = list(ShareClass.objects.filter(coop=coop).order_by("valid_from", "code"))
        self.class_keys = {}
        for share_class in self.classes:
            for key in (share_class.code, share_class.name):
                self.class_keys.setdefault(compact_header(key), share_class)
        self.by_number: dict[int, Existing] = {}
        self.active_codes: dict[str, int] = {}
        self.pending_codes: set[str] = set()
        self.last_number = 0
        found = Member.objects.filter(coop=coop).values_list(
            "number", "fiscal_code", "vat_number", "status"
        )
        for number, fiscal, vat, status in found:
            codes = {c for c in (fiscal, vat) if c}
            if status == MemberStatus.APPLICANT:
                self.pending_codes |= codes
            if number is None:
                continue
            self.by_number[number] = Existing(number, codes, status)
            self.last_number = max(self.last_number, number)
            if status == MemberStatus.ACTIVE:
                self.active_codes.update(dict.fromkeys(codes, number))
        counter = RegisterCounter.objects.filter(coop=coop).first()
        self.last_number = max(self.last_number, counter.last_number if counter else 0)
        self._load_municipalities(table, columns)

    def _load_municipalities(self, table: Table, columns: dict[str, int]) -> None:
        self.towns: dict[str, str] = {}  # istat code → istat code
        self.by_name_province: dict[tuple[str, str], str] = {}
        self.by_name: dict[str, list[str]] = {}
        self.by_postcode: dict[str, list[str]] = {}
        if "residence" not in columns:
            return
        rows = Municipality.objects.values_list(
            "istat_code", "search_name", "province_abbr", "is_current"
        ).order_by("-is_current")
        for code, name, province, current in rows:
            self.towns[code] = code
            self.by_name_province.setdefault((name, province), code)
            if current:
                self.by_name.setdefault(name, []).append(code)
        index = columns["residence"]
        postcodes = {
            text
            for _n, values in table.rows
            if index < len(values) and re.fullmatch(r"\d{5}", text := cell_text(values[index]))
        }
        if postcodes:
            found = Postcode.objects.filter(
                code__in=postcodes, municipality__is_current=True
            ).values_list("code", "municipality_id")
            for code, town in found:
                self.by_postcode.setdefault(code, []).append(town)

    def municipality(self, text: str, province: str) -> str:
        """The ISTAT code of what the row says, as ``municipality_resolve`` (core.territory)
        reads it."""
        candidates: list[str]
        if re.fullmatch(r"\d{6}", text):
            candidates = [text] if text in self.towns else []
        elif re.fullmatch(r"\d{5}", text):
            candidates = self.by_postcode.get(text, [])
        else:
            if match := NAME_WITH_PROVINCE.match(text):
                text, province = match["name"], match["province"]
            key = search_key(text)
            if province.strip():
                found = self.by_name_province.get((key, province.strip().upper()))
                candidates = [found] if found else []
            else:
                candidates = self.by_name.get(key, [])
        if len(candidates) == 1:
            return candidates[0]
        if not candidates:
            raise Bad("residence", _("Unknown municipality: %(text)s.") % {"text": text[:100]})
        raise Bad(
            "residence",
            _("More than one municipality is called %(text)s: add the province.")
            % {"text": text[:100]},
        )

    def category(self, text: str, kind: str) -> StakeholderCategory:
        if text:
            key = compact_header(text)
            found = self.categories.get(key) or self.categories.get(re.sub(r"^soci?", "", key))
            if found is None:
                names = ", ".join(c.name for c in self.category_list)
                raise Bad(
                    "category",
                    _("Unknown category '%(text)s': use one of %(names)s.")
                    % {"text": text[:60], "names": names},
                )
            return found
        default = "persona-giuridica" if kind == MemberKind.ORGANISATION else "fruitore"
        found = self.categories.get(compact_header(default))
        if found is None and self.category_list:
            found = self.category_list[0]
        if found is None:
            raise Bad("category", _("This cooperative has no member categories yet."))
        return found

    def share_class(self, text: str, category: StakeholderCategory, day: date) -> ShareClass:
        if text:
            found = self.class_keys.get(compact_header(text))
            if found is None:
                raise Bad(
                    "share_class",
                    _("Unknown class of shares '%(text)s'.") % {"text": text[:60]},
                )
            if not found.is_issued_on(day):
                raise Bad(
                    "share_class",
                    _("The class %(name)s was not issued on %(day)s.")
                    % {"name": found.name, "day": localize(day)},
                )
            return found
        issued = [c for c in self.classes if c.is_issued_on(day)]
        matching = [c for c in issued if c.for_financing == category.is_financing] or issued
        if not matching:
            raise Bad(
                "share_class",
                _(
                    "No class of shares was issued on %(day)s: add a share class from that "
                    "date or check the admission date."
                )
                % {"day": localize(day)},
            )
        return matching[0]


# --- one row ------------------------------------------------------------------------------------
@dataclass
class NewMember:
    line: int
    member: Member
    share_class: ShareClass
    shares: int
    subscribed: Decimal
    paid: Decimal


TEXT_LIMITS = {
    f.name: f.max_length
    for f in Member._meta.get_fields()
    if getattr(f, "max_length", None) and f.get_internal_type() == "CharField"
}


CODE_CHECKS = {"fiscal_code": validate_codice_fiscale, "vat_number": validate_partita_iva}


def _django_messages(exc: DjangoValidationError) -> Errors:
    if hasattr(exc, "error_dict"):
        return [(name, m) for name, items in exc.message_dict.items() for m in items]
    return [(None, m) for m in exc.messages]


def _noted(errors: Errors, find: Callable[..., T], *args: Any) -> T | None:
    """``find(*args)``, or None with its ``Bad`` noted in ``errors``."""
    try:
        return find(*args)
    except Bad as exc:
        errors.append((exc.field, exc.message))
        return None


def parsed(
    values: dict[str, Any], name: str, parse: Callable[[Any, str], T], errors: Errors
) -> T | None:
    """The row's value of ``name`` read by ``parse``, or None with the error noted."""
    return _noted(errors, parse, values.get(name), name)


# --- who the row is -----------------------------------------------------------------------------
def _texts(values: dict[str, Any], errors: Errors) -> dict[str, str]:
    """The row's cells as text; a NUL character is an error and is dropped."""
    text = {n: cell_text(values.get(n)) for n in COLUMNS if n in values}
    for name, content in text.items():
        if "\x00" in content:
            errors.append((name, _("The value holds a NUL character.")))
            text[name] = content.replace("\x00", "")
    return text


def _kind(text: dict[str, str], errors: Errors) -> str:
    """Person or organisation: as the row says, or guessed from the names it fills in."""
    kind = _word(text.get("kind", ""), KIND_WORDS) if text.get("kind") else None
    if text.get("kind") and kind is None:
        errors.append(("kind", _("Write 'persona' or 'organizzazione'.")))
    if kind is None:
        org_only = text.get("organisation_name") and not text.get("last_name")
        kind = MemberKind.ORGANISATION if org_only else MemberKind.PERSON
    return kind


def _person(member: Member, text: dict[str, str], values: dict[str, Any], errors: Errors) -> None:
    member.first_name = text.get("first_name", "")
    member.last_name = text.get("last_name", "")
    member.birth_date = parsed(values, "birth_date", _date, errors)
    if text.get("sex"):
        member.sex = _word(text["sex"], SEX_WORDS) or ""
        if not member.sex:
            errors.append(("sex", _("Write M or F.")))


def _organisation(member: Member, text: dict[str, str], errors: Errors) -> None:
    member.organisation_name = text.get("organisation_name", "")
    member.representative_name = text.get("representative_name", "")
    member.representative_role = text.get("representative_role", "")
    words = text.get("organisation_kind", "")
    member.organisation_kind = _word(words, ORGANISATION_WORDS) or OrganisationKind.OTHER
    if words and not _word(words, ORGANISATION_WORDS):
        errors.append(("organisation_kind", _("Unknown kind of organisation.")))


def _identity(member: Member, errors: Errors) -> None:
    """The same checks as the services: the codes, their agreement with birth date and sex;
    what a person's code says fills in a birth date or sex the file leaves out."""
    for name, check in CODE_CHECKS.items():
        code = getattr(member, name)
        if not code:
            continue
        try:
            check(code)
        except DjangoValidationError as exc:
            errors.append((name, exc.messages[0]))
    valid_code = not any(f == "fiscal_code" for f, _m in errors)
    if member.kind == MemberKind.PERSON and member.fiscal_code and valid_code:
        for error in book_checks.identity_errors(member):
            errors.append((error.field, error.message))
        if len(member.fiscal_code) == 16:
            try:
                member.birth_date = member.birth_date or codicefiscale.get_birth_date(
                    member.fiscal_code, minyear=1900
                )
                member.sex = member.sex or codicefiscale.get_gender(member.fiscal_code)
            except StdnumError:
                pass
    elif member.kind == MemberKind.PERSON and not member.fiscal_code:
        errors.append(("fiscal_code", _("A person's codice fiscale is required.")))
    elif (
        member.kind == MemberKind.ORGANISATION
        and member.fiscal_code
        and len(member.fiscal_code) != 11
    ):
        errors.append(("fiscal_code", _("An organisation's codice fiscale has 11 digits.")))


def _model_rules(member: Member, errors: Errors) -> None:
    """The model's own rules (required fields of a person or an organisation), the e-mail and
    the length of the texts; a field with an error already gets no second one from the model."""
    try:
        member.clean()
    except DjangoValidationError as exc:
        errors += [e for e in _django_messages(exc) if e[0] not in {f for f, _m in errors}]
    if member.email:
        try:
            validate_email(member.email)
        except DjangoValidationError as exc:
            errors.append(("email", exc.messages[0]))
    for name, limit in TEXT_LIMITS.items():
        content = getattr(member, name, "")
        if isinstance(content, str) and len(content) > limit:
            errors.append((name, _("At most %(n)s characters.") % {"n": limit}))


def _build(ctx: Context, values: dict[str, Any]) -> tuple[Member, Errors]:
    """A new member from a row's values, with every error found (an empty list: valid)."""
    errors: Errors = []
    text = _texts(values, errors)
    kind = _kind(text, errors)
    member = Member(coop_id=ctx.coop.pk, kind=kind, status=MemberStatus.ACTIVE)
    member.fiscal_code = compact_code(text.get("fiscal_code", ""))
    member.vat_number = compact_code(text.get("vat_number", ""))
    for name in ("address", "email", "phone", "admission_reference"):
        setattr(member, name, text.get(name, ""))
    if kind == MemberKind.PERSON:
        _person(member, text, values, errors)
    else:
        _organisation(member, text, errors)
    _identity(member, errors)
    _model_rules(member, errors)
    return member, errors


# --- the membership -----------------------------------------------------------------------------
def _place(
    ctx: Context, member: Member, values: dict[str, Any], errors: Errors
) -> StakeholderCategory | None:
    """The municipality of residence and the category, as the cooperative knows them."""
    residence = cell_text(values.get("residence"))
    if residence:
        province = cell_text(values.get("province"))
        member.residence_id = _noted(errors, ctx.municipality, residence, province)
    category = _noted(errors, ctx.category, cell_text(values.get("category")), member.kind)
    if category is not None:
        member.category_id = category.pk
    return category


def _admission(ctx: Context, member: Member, values: dict[str, Any], errors: Errors) -> date | None:
    """The admission date (also the day of the application): required, not in the future, not
    before the birth."""
    admitted = parsed(values, "admitted_on", _date, errors)
    if admitted is None and not any(f == "admitted_on" for f, _m in errors):
        errors.append(("admitted_on", _("Give the admission date.")))
    elif admitted and admitted > ctx.today:
        errors.append(("admitted_on", _("The admission date is in the future.")))
        admitted = None
    elif admitted and member.birth_date and admitted < member.birth_date:
        errors.append(("admitted_on", _("The admission date comes before the birth date.")))
    member.admitted_on = member.applied_on = admitted
    return admitted


def _exit(
    ctx: Context, member: Member, values: dict[str, Any], admitted: date | None, errors: Errors
) -> date | None:
    """A former member's exit: its date, between the admission and today, and its kind."""
    exited = parsed(values, "exited_on", _date, errors)
    if exited:
        words = cell_text(values.get("exit_kind"))
        member.exit_kind = _word(words, EXIT_WORDS) or ""
        if not member.exit_kind:
            message = (
                _(
                    "Unknown way of leaving: write recesso, esclusione, morte, trasferimento or "
                    "scioglimento."
                )
                if words
                else _("Say how the member left (recesso, esclusione, morte…).")
            )
            errors.append(("exit_kind", message))
        if exited > ctx.today:
            errors.append(("exited_on", _("The exit date is in the future.")))
        elif admitted and exited < admitted:
            errors.append(("exited_on", _("The exit date comes before the admission.")))
        member.status, member.exited_on = MemberStatus.EXITED, exited
    elif cell_text(values.get("exit_kind")):
        errors.append(("exited_on", _("Give the exit date too.")))
    return exited


def _share_count(values: dict[str, Any], exited: date | None, errors: Errors) -> int | None:
    shares = parsed(values, "shares", whole_number, errors)
    if shares is None and not any(f == "shares" for f, _m in errors):
        errors.append(("shares", _("Give the number of shares.")))
    elif shares is not None and shares < 1 and not (shares == 0 and exited):
        # A former member may hold nothing: the book on a later date shows them redeemed.
        errors.append(("shares", _("A member holds at least one share.")))
        shares = None
    return shares


def _capital_errors(
    row: NewMember, category: StakeholderCategory, given: Decimal | None, day: date
) -> Errors:
    """What the row says of the capital against the class's value: the amount subscribed (when
    given), what is paid of it, and the holding cap of a natural person (art. 2525 c.2, as
    ``book.checks.holding_cap_check``)."""
    errors: Errors = []
    subscribed, paid, share_class = row.subscribed, row.paid, row.share_class
    if given is not None and given != subscribed:
        errors.append(
            (
                "subscribed",
                _("%(n)s shares of %(class)s are worth %(value)s €, not %(given)s €.")
                % {
                    "n": row.shares,
                    "class": share_class.name,
                    "value": localize(subscribed),
                    "given": localize(given),
                },
            )
        )
    if paid < 0:
        errors.append(("paid", _("The amount paid cannot be negative.")))
    elif paid > subscribed:
        errors.append(
            (
                "paid",
                _("Paid %(paid)s € is more than the %(subscribed)s € subscribed.")
                % {"paid": localize(paid), "subscribed": localize(subscribed)},
            )
        )
    capped = (
        row.member.kind == MemberKind.PERSON
        and not share_class.for_financing
        and not category.is_financing
    )
    cap = limits_on(day).natural_person_max_holding
    if capped and subscribed > cap:
        errors.append(
            (
                "shares",
                _(
                    "A natural person may hold at most %(cap)s € of capital (art. 2525 c.c.); "
                    "this would make %(total)s €."
                )
                % {"cap": localize(cap), "total": localize(subscribed)},
            )
        )
    return errors


def check_row(ctx: Context, values: dict[str, Any]) -> tuple[NewMember | None, Errors]:
    """A row as a new member ready to write, or every error that stops it."""
    member, errors = _build(ctx, values)
    category = _place(ctx, member, values, errors)
    admitted = _admission(ctx, member, values, errors)
    exited = _exit(ctx, member, values, admitted, errors)
    shares = _share_count(values, exited, errors)
    subscribed_given = parsed(values, "subscribed", _money, errors)
    paid = parsed(values, "paid", _money, errors) or ZERO
    share_class = None
    if category is not None and admitted is not None:
        wanted = cell_text(values.get("share_class"))
        share_class = _noted(errors, ctx.share_class, wanted, category, admitted)
    if errors or category is None or share_class is None or shares is None:
        return None, errors
    subscribed = share_class.nominal_value * shares
    if subscribed > MAX_MONEY:
        return None, [("shares", _("The number is too large."))]
    row = NewMember(0, member, share_class, shares, subscribed, paid)
    errors = _capital_errors(row, category, subscribed_given, admitted)
    return (None, errors) if errors else (row, [])
