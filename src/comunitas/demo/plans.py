"""The case studies' plans: what ``data/<case>.toml`` and ``data/common.toml`` hold, read with
``tomllib`` into the frozen dataclasses the generators use.

A case file holds the case study's public facts (``[case]`` and its ``[[case.facts]]``, each
fact with its source and its status: ``fact`` as the source gives it, ``check`` where DOMAIN.md
flags it) and the plans of the synthetic data the demo generates around them, every other
section: the member book's shape, the commons and their use, the assembly, needs, proposals and
projects, the consultation, the participatory budget, the economy. ``common.toml`` holds what
the cases share: the order of the cases, the sources facts name by key, the names and places
the generators draw from, the shared needs, the indicators' methods, the economy's seasons.

A value is read as its field's type says: a table into a dataclass, an array into a tuple or a
list, a string into a ``Decimal`` (money is written as a string, never as a float), a TOML date
into a date. An unknown key, a missing one or a value of the wrong type is an error naming the
file and the place. The economy's yearly figures are small formulas of the year
(``year_function``). Everything is read once, when this module is imported.
"""

from __future__ import annotations

import tomllib
import types
from collections.abc import Callable
from dataclasses import MISSING, dataclass, field, fields, is_dataclass, replace
from datetime import date
from decimal import Decimal
from itertools import pairwise
from pathlib import Path
from typing import Any, Union, get_args, get_origin, get_type_hints

DATA = Path(__file__).with_name("data")
COMMON_FILE = "common.toml"
When = int | date  # days from the day of the load (negative: in the past), or a date
YearFunction = Callable[[int], float]  # a figure of each year (see ``year_function``)


class PlanError(ValueError):
    """A data file that does not fit its dataclasses."""


# --- the case and its public facts --------------------------------------------------------------
@dataclass(frozen=True)
class Fact:
    key: str
    label: str
    value: str
    number: Decimal | None = None
    unit: str = ""
    year: int | None = None
    status: str = "fact"  # fact | check
    source: str = ""
    source_url: str = ""


@dataclass(frozen=True)
class Case:
    slug: str
    name: str
    seat_istat_code: str
    locality: str
    founded_year: int
    legal_form: str
    sector: str
    description: str
    facts: list[Fact] = field(default_factory=list)
    share_nominal_value: Decimal | None = None  # when public


# --- the member book ----------------------------------------------------------------------------
@dataclass(frozen=True)
class BookProfile:
    """How a cooperative's book looks: current members today (or the case fact giving it),
    the share admitted at the founding, the share living in the territory, the mix of
    categories among natural persons, and whether the municipality itself is a member."""

    current: int
    founders: float
    local: float
    mix: dict[str, float]
    public_body: bool = False
    size_fact: str = ""  # the key of a case fact giving the number of members


# --- the commons and their use ------------------------------------------------------------------
@dataclass(frozen=True)
class ResourcePlan:
    name: str
    kind: str
    owner_kind: str
    owner_name: str
    municipality: str  # 'Name (PR)', resolved through the territory tables
    address: str
    description: str
    right: str  # the kind of legal basis
    granted_by: str
    capacity: int | None = None
    condition: str = "good"
    fee_range: tuple[int, int] = (0, 0)
    years: int | None = 9  # length of the right; None for ownership
    obligations: list[tuple[str, str, int | None]] = field(default_factory=list)
    history: list[str] = field(default_factory=list)


@dataclass(frozen=True)
class UnitPlan:
    resource: str
    name: str
    description: str
    capacity: int | None
    hours: list[tuple[tuple[int, ...], str, str]]  # (weekdays, opens, closes)
    prices: dict[str, Decimal]
    public_booking: bool = False
    approval_required: bool = False
    lengths: tuple[int, ...] = (60, 120)  # minutes of a typical booking
    busy: float = 0.4  # chance that an opening interval of a day has a booking
    purposes: tuple[str, ...] = ("Riunione",)


@dataclass(frozen=True)
class ServicePlan:
    resource: str | None
    name: str
    kind: str
    description: str
    prices: dict[str, Decimal]
    # Events: (weekdays, start "HH:MM", minutes, seats); none for a product or a repair.
    schedule: list[tuple[tuple[int, ...], str, int, int]] = field(default_factory=list)
    fill: tuple[float, float] = (0.3, 0.9)  # share of seats sold for a past event
    per_day: float = 0.0  # orders a day for an item without events


@dataclass(frozen=True)
class UsePlan:
    units: list[UnitPlan] = field(default_factory=list)
    services: list[ServicePlan] = field(default_factory=list)


# --- the assemblies -----------------------------------------------------------------------------
@dataclass(frozen=True)
class UpcomingAssembly:
    """An assembly convened for the coming weeks, with one agenda item and its motion."""

    kind: str
    title: str
    in_days: int  # its first call, counted from the day of the load
    online_url: str
    agenda: dict[str, str]  # the agenda item's fields
    motion: dict[str, str | int]  # the motion's fields


@dataclass(frozen=True)
class AssemblyPlan:
    place: str  # where the annual assembly meets
    board_candidates: tuple[str, ...] = ()  # when the assembly also elects the board
    upcoming: UpcomingAssembly | None = None


# --- needs, proposals and projects --------------------------------------------------------------
@dataclass(frozen=True)
class NeedPlan:
    key: str
    title: str
    description: str
    category: str
    ages: tuple[str, ...]
    people: tuple[int, int]
    urgency: str = "medium"
    locality: str = ""
    # What happens to it besides the projects answering it: "" (stays new), "review",
    # "declined", "met" (after a project answered it) or "dup:<key>" (merged into that need).
    fate: str = ""
    reason: str = ""  # the public reason of a declined or met need


@dataclass(frozen=True)
class ObjectivePlan:
    code: str  # of the shared catalogue
    description: str
    unit: str
    baseline: int | str
    target: int | str
    target_on: When
    reached: float = 0.0  # the share of the way the synthetic measurements have covered by now
    facts: tuple[tuple[date, int, str], ...] = ()  # public figures: (day, value, source note)


@dataclass(frozen=True)
class ProjectPlan:
    title: str
    summary: str
    status: str
    start_on: When
    objectives: tuple[ObjectivePlan, ...]
    milestones: tuple[tuple[str, When, bool], ...]  # (title, due, done)
    budget: tuple[tuple[str, str, int], ...]  # (cost | revenue, item, euros)
    team: tuple[tuple[str, str, bool], ...]  # (role, demo login suffix or "" for a name, volunteer)
    updates: tuple[tuple[When, str], ...]
    needs: tuple[str, ...] = ()
    resources: tuple[str, ...] = ()
    end_on: When | None = None


@dataclass(frozen=True)
class ProposalPlan:
    title: str
    description: str
    needs: tuple[str, ...]
    outcome: str  # open | board | changes | declined | accepted
    costs: int = 0
    revenues: int = 0
    volunteers: int = 0
    resource: str = ""
    reason: str = ""  # the board's answer
    project: ProjectPlan | None = None  # what an accepted proposal becomes


@dataclass(frozen=True)
class CoopPlan:
    place: str  # "village" or "city": which of the shared needs fit
    localities: tuple[str, ...]
    needs: tuple[NeedPlan, ...]
    projects: tuple[ProjectPlan, ...]  # running before the platform: entered by the board
    proposals: tuple[ProposalPlan, ...]


@dataclass(frozen=True)
class SharedNeed:
    place: str  # "any", "village" or "city"
    need: NeedPlan


# --- the consultation ---------------------------------------------------------------------------
@dataclass(frozen=True)
class ConsultationPlan:
    kind: str
    title: str
    description: str
    options: tuple[str, ...] = ()  # labels; a meeting-time poll's are its days (see _slots)
    weights: tuple[int, ...] = ()  # how much people lean to each option
    audience: str = "both"
    anonymous: bool = False
    dots: int = 10
    about: tuple[str, str] = ("", "")  # ("need" | "proposal" | "project", words in its title)
    reasons: tuple[tuple[str, str], ...] = field(default_factory=tuple)  # (position, text)
    outcome: str = ""  # "{winner}" is the option the count chose


# --- the participatory budget -------------------------------------------------------------------
@dataclass(frozen=True)
class BudgetIdea:
    """A project proposed to the budget: its estimate, then the staff's review (a cost, or the
    reason it is not feasible), who proposes it (a demo login suffix) and the demo need or
    proposal it comes from ("need:<title>" or "proposal:<title>")."""

    key: str
    title: str
    description: str
    estimate: Decimal
    proposer: str
    reviewed_cost: Decimal | None = None
    not_feasible: str = ""
    origin: str = ""


@dataclass(frozen=True)
class VoterGroup:
    share: float  # of the voters
    prefers: tuple[str, ...]  # ideas' keys, in order: a ballot takes them while they fit


@dataclass(frozen=True)
class BudgetPlan:
    setup: dict[str, str]  # the budget's texts and rules, as its service takes them
    fund: Decimal
    voters: int  # synthetic residents who vote, besides the demo logins
    ideas: tuple[BudgetIdea, ...]
    groups: tuple[VoterGroup, ...]
    follow_ups: dict[str, str]  # idea -> the demo project that carries it out
    fallback_follow_up: str  # carries out the first funded idea without one


# --- the economy --------------------------------------------------------------------------------
SEASON_EVEN = (1,) * 12


@dataclass(frozen=True)
class Takings:
    """A revenue stream, written as weekly takings: ``count(year)`` items (visitors, receipts)
    at about ``price(year)`` each, spread over the weeks by the monthly ``season``."""

    label: str
    unit: str
    category: str
    count: Callable[[int], int]
    price: Callable[[int], float]
    season: tuple[float, ...] = SEASON_EVEN
    resource: str = ""
    service: str = ""
    project: str = ""  # a title prefix: linked on the days the project runs
    vat: int = 0
    weekly: bool = True  # small streams are banked once a month


@dataclass(frozen=True)
class Party:
    """A counterparty: a supplier invoicing every ``every`` months (``weight``: its share of
    the year's other costs), or a customer or funder paying ``amount(year)`` a year."""

    name: str
    kind: str
    where: str  # ISTAT code of its municipality ("" when unknown)
    category: str
    every: int = 1
    weight: float = 0.0
    amount: Callable[[int], float] | None = None
    vat: int = 22
    label: str = ""
    months: tuple[int, ...] = ()  # the months it pays in (customers, funders)
    project: str = ""
    resource: str = ""
    service: str = ""


@dataclass(frozen=True)
class Positions:
    """Jobs of one kind: ``count(year)`` positions held, with their contract, share of full
    time and monthly cost per full-time job; seasonal ones last ``season`` (first month, month
    after the last) every year."""

    title: str
    contract: str
    fte: tuple[float, ...]
    monthly: float
    count: Callable[[int], int]
    season: tuple[int, int] | None = None
    members: float = 0.0  # chance a new holder is a worker member
    local: float = 0.8  # chance a named holder lives in the cooperative's territory
    ages: tuple[float, ...] = (0.15, 0.35, 0.3, 0.18, 0.02)  # by AgeBand
    unemployed: float = 0.0  # chance the holder was unemployed before (consented)
    resource: str = ""
    project: str = ""
    since: int = 2014  # the earliest start of a position held before the five years


@dataclass(frozen=True)
class Volunteering:
    activity: str
    months: tuple[int, ...]
    sessions: int  # a month
    people: int  # a session
    hours: tuple[float, ...]
    resource: str = ""
    project: str = ""


@dataclass(frozen=True)
class Earmark:
    """The one cycle of the reinvestment fund: the projects it may go to (title prefixes, by
    preference), the local supplier paid with it and what is bought (what, category, share)."""

    projects: tuple[str, ...]
    supplier: str
    spending: tuple[tuple[str, str, Decimal], ...]


@dataclass(frozen=True)
class EconomyPlan:
    takings: list[Takings]
    parties: list[Party]
    positions: list[Positions]
    volunteering: list[Volunteering]
    fee: int = 0  # yearly membership fee per active member
    volunteers: int = 10
    reinvestment_percent: int = 40
    loss_year: int | None = None  # a year of closed doors: the result is a loss
    remote: tuple[str, ...] = ("058091", "015146")  # where non-local workers come from
    series: dict[str, YearFunction] = field(default_factory=dict)  # named figures of the year
    ristorni_share: Decimal | None = None  # of what the reserves leave, on work, the last year
    earmark: Earmark | None = None


# --- one case, and what the cases share ---------------------------------------------------------
@dataclass(frozen=True)
class CasePlan:
    case: Case
    book: BookProfile | None = None
    commons: list[ResourcePlan] = field(default_factory=list)
    use: UsePlan | None = None
    assembly: AssemblyPlan | None = None
    projects: CoopPlan | None = None
    consultation: ConsultationPlan | None = None
    budget: BudgetPlan | None = None
    economy: EconomyPlan | None = None


@dataclass(frozen=True)
class Source:
    text: str
    url: str = ""


@dataclass(frozen=True)
class Names:
    first: list[str]
    last: list[str]


@dataclass(frozen=True)
class BookLists:
    """What the member book's generator draws from."""

    default_mix: dict[str, float]
    female: list[str]
    male: list[str]
    surnames: list[str]
    streets: list[str]
    associations: list[str]  # "{town}" is the seat; the first is the Pro Loco
    businesses: list[str]  # "{surname}" is drawn
    motivations: list[str]
    big_cities: list[str]  # ISTAT codes
    payment_references: list[str]


@dataclass(frozen=True)
class ProjectsCommon:
    comments: list[str]
    methods: dict[str, str]  # Italian methods of the shared indicators
    steps: dict[str, Decimal]  # the measurements of an indicator are multiples of its step
    shared_needs: tuple[SharedNeed, ...]


@dataclass(frozen=True)
class EconomyCommon:
    seasons: dict[str, tuple[float, ...]]  # monthly weights a stream's ``season`` names
    volunteer_rate_source: str
    volunteer_rates: tuple[Decimal, Decimal]  # from the first year, from the year before last


@dataclass(frozen=True)
class Common:
    cases: tuple[str, ...]  # the case files, in the order the demo loads them
    sources: dict[str, Source]
    names: Names
    book: BookLists
    projects: ProjectsCommon
    economy: EconomyCommon


# --- the economy's figures of the year ----------------------------------------------------------
def on_year(table: dict[int, float], year: int, growth: float = 0.0) -> float:
    """The table's value for ``year``; outside the table the nearest year's, grown by
    ``growth`` a year after its last year (before its first it stays the same)."""
    if year in table:
        return table[year]
    first, last = min(table), max(table)
    if year < first:
        return table[first]
    return table[last] * (1 + growth) ** (year - last)


def _anchored(spec: dict) -> YearFunction:
    """Public figures of some years, linear in between, going back by ``before.per_year`` (never
    under ``before.floor``), grown by the factor ``after`` a year after the last, and scaled
    down in the years of ``closures``."""
    anchors = sorted(_years(spec["anchors"]).items())
    per_year, floor = spec["before"]["per_year"], spec["before"]["floor"]
    after, closures = spec["after"], _years(spec["closures"])
    (first, at_first), (last, at_last) = anchors[0], anchors[-1]

    def figure(year: int) -> int:
        if year <= first:
            value = max(floor, at_first - (first - year) * per_year)
        elif year >= last:
            value = at_last * after ** (year - last)
        else:
            for (y0, v0), (y1, v1) in pairwise(anchors):
                if y0 <= year <= y1:
                    value = v0 + (v1 - v0) * (year - y0) / (y1 - y0)
                    break
        return round(value * closures.get(year, 1.0))

    return figure


def _years(table: dict) -> dict[int, Any]:
    return {int(year): value for year, value in table.items()}


def _table(spec: dict, _series: dict) -> YearFunction:
    table, growth = _years(spec["table"]), spec["growth"]
    return lambda year: round(on_year(table, year, growth))


def _listed(spec: dict, _series: dict) -> YearFunction:
    listed, otherwise = _years(spec["years"]), spec["otherwise"]
    return lambda year: listed.get(year, otherwise)


def _of_series(spec: dict, series: dict[str, YearFunction]) -> YearFunction:
    whole = series[spec["series"]]
    if "share" in spec:
        return lambda year: round(whole(year) * spec["share"])
    return lambda year: whole(year) - round(whole(year) * spec["rest"])


# The forms of a yearly figure: the keys of its table, and how each computes the year's value.
YEAR_FORMS: dict[frozenset[str], Callable[[dict, dict[str, YearFunction]], YearFunction]] = {
    # base + per_year * (year - since)
    frozenset({"linear", "per_year", "since"}): lambda s, _: (
        lambda year: s["linear"] + s["per_year"] * (year - s["since"])
    ),
    # base grown by ``rate`` a year since ``since``, rounded
    frozenset({"grows", "rate", "since"}): lambda s, _: (
        lambda year: round(s["grows"] * (1 + s["rate"]) ** (year - s["since"]))
    ),
    # the table's year, or the nearest one grown by ``growth`` (see ``on_year``), rounded
    frozenset({"table", "growth"}): _table,
    # the value of the listed years, ``otherwise`` in the others
    frozenset({"years", "otherwise"}): _listed,
    # cycle[year % len(cycle)]: every other year, every third year…
    frozenset({"cycle"}): lambda s, _: lambda year: s["cycle"][year % len(s["cycle"])],
    # public figures of some years, with their source (see ``_anchored``)
    frozenset({"anchors", "before", "after", "closures", "source"}): lambda s, _: _anchored(s),
    # a share of a named series, rounded, or what that share leaves of it
    frozenset({"series", "share"}): _of_series,
    frozenset({"series", "rest"}): _of_series,
}


def year_function(spec: Any, series: dict[str, YearFunction], where: str = "") -> YearFunction:
    """A figure of each year, written as a number (the same every year) or as a table in one
    of the ``YEAR_FORMS``; ``series`` are the named figures a table may take a share of."""
    if isinstance(spec, int | float) and not isinstance(spec, bool):
        return lambda year: spec
    if not isinstance(spec, dict) or frozenset(spec) not in YEAR_FORMS:
        raise PlanError(f"{where}: not a figure of the year: {spec!r}")
    if "series" in spec and spec["series"] not in series:
        raise PlanError(f"{where}: no series {spec['series']!r}")
    return YEAR_FORMS[frozenset(spec)](spec, series)


# --- reading ------------------------------------------------------------------------------------
def build(kind: Any, value: Any, where: str, series: dict[str, YearFunction] | None = None):
    """``value`` as read from TOML, made into ``kind`` (a dataclass, a container of them, or a
    plain type); ``series`` are the named figures the economy's yearly figures may use."""
    series = series or {}
    origin = get_origin(kind)
    if is_dataclass(kind):
        return _dataclass(kind, value, where, series)
    if origin in (Union, types.UnionType):
        options = [option for option in get_args(kind) if option is not type(None)]
        errors = []
        for option in options:
            try:
                return build(option, value, where, series)
            except PlanError as error:
                errors.append(str(error))
        raise PlanError(errors[0] if len(errors) == 1 else f"{where}: {value!r} is not a {kind}")
    if origin is Callable:
        return year_function(value, series, where)
    if origin in (tuple, list):
        if not isinstance(value, list):
            raise PlanError(f"{where}: expected an array, not {value!r}")
        args = get_args(kind)
        if origin is tuple and not (len(args) == 2 and args[1] is Ellipsis):
            if len(args) != len(value):
                raise PlanError(f"{where}: expected {len(args)} items, not {value!r}")
            items = [
                build(a, v, f"{where}[{i}]", series)
                for i, (a, v) in enumerate(zip(args, value, strict=True))
            ]
        else:
            items = [build(args[0], v, f"{where}[{i}]", series) for i, v in enumerate(value)]
        return origin(items)
    if origin is dict:
        if not isinstance(value, dict):
            raise PlanError(f"{where}: expected a table, not {value!r}")
        key_kind, value_kind = get_args(kind)
        return {
            (int(k) if key_kind is int else k): build(value_kind, v, f"{where}.{k}", series)
            for k, v in value.items()
        }
    return _plain(kind, value, where)


def _plain(kind: Any, value: Any, where: str):
    if kind is Decimal:
        if isinstance(value, str) or (isinstance(value, int) and not isinstance(value, bool)):
            return Decimal(value)
        raise PlanError(f"{where}: write an amount as a string or a whole number, not {value!r}")
    if kind is float:  # an integer stays one: the generators' arithmetic is the same
        if isinstance(value, int | float) and not isinstance(value, bool):
            return value
    elif kind is int:
        if isinstance(value, int) and not isinstance(value, bool):
            return value
    elif kind is date:
        if isinstance(value, date):
            return value
    elif kind in (str, bool):
        if isinstance(value, kind):
            return value
    elif kind is Any:
        return value
    raise PlanError(f"{where}: {value!r} is not a {getattr(kind, '__name__', kind)}")


def _dataclass(kind: type, value: Any, where: str, series: dict[str, YearFunction]):
    if not isinstance(value, dict):
        raise PlanError(f"{where}: expected a table, not {value!r}")
    hints = get_type_hints(kind)
    known = {f.name: f for f in fields(kind)}
    unknown = sorted(set(value) - set(known))
    if unknown:
        raise PlanError(f"{where}: unknown keys {unknown} (a {kind.__name__} has {list(known)})")
    missing = [
        name
        for name, f in known.items()
        if name not in value and f.default is MISSING and f.default_factory is MISSING
    ]
    if missing:
        raise PlanError(f"{where}: missing {missing}")
    return kind(**{k: build(hints[k], v, f"{where}.{k}", series) for k, v in value.items()})


def _toml(name: str) -> dict:
    with (DATA / name).open("rb") as data:
        return tomllib.load(data)


def _facts(raw: dict, sources: dict[str, Source], where: str) -> dict:
    """Each fact names its source by key; the source's text and address are the fact's."""
    case = dict(raw)
    facts = []
    for n, fact in enumerate(case.get("facts", [])):
        key = fact.get("source")
        if key not in sources:
            raise PlanError(f"{where}.facts[{n}]: the source must be one of {list(sources)}")
        named = sources[key]
        facts.append(
            {**fact, "source": named.text, "source_url": fact.get("source_url", named.url)}
        )
    case["facts"] = facts
    return case


def _economy(raw: dict, common: Common, where: str) -> EconomyPlan:
    """The named series first (a later one may take a share of an earlier one), then the plan;
    a stream's season is named from the common ones."""
    series: dict[str, YearFunction] = {}
    for name, spec in raw.get("series", {}).items():
        series[name] = year_function(spec, series, f"{where}.series.{name}")
    takings = []
    for n, stream in enumerate(raw.get("takings", [])):
        season = stream.get("season", "even")
        if season not in common.economy.seasons:
            raise PlanError(f"{where}.takings[{n}]: no season {season!r}")
        takings.append({**stream, "season": list(common.economy.seasons[season])})
    plan = {k: v for k, v in raw.items() if k != "series"}
    plan["takings"] = takings
    return replace(build(EconomyPlan, plan, where, series), series=series)


def case_read(name: str, common: Common) -> CasePlan:
    """One case file (``<slug>.toml``) into its plan."""
    plan = _toml(name)
    if "case" not in plan:
        raise PlanError(f"{name}: no [case]")
    plan["case"] = _facts(plan["case"], common.sources, f"{name}:case")
    economy = plan.pop("economy", None)
    read = build(CasePlan, plan, name)
    if read.case.slug != name.removesuffix(".toml"):
        raise PlanError(f"{name}: [case] slug is {read.case.slug!r}")
    if economy is None:
        return read
    return replace(read, economy=_economy(economy, common, f"{name}:economy"))


def common_read() -> Common:
    return build(Common, _toml(COMMON_FILE), COMMON_FILE)


COMMON: Common = common_read()
CASE_PLANS: dict[str, CasePlan] = {slug: case_read(f"{slug}.toml", COMMON) for slug in COMMON.cases}
CASES: tuple[Case, ...] = tuple(plan.case for plan in CASE_PLANS.values())
