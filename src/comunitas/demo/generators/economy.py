"""The case studies' economy (issue 7, point 10): five full years of synthetic cash book, jobs
and volunteer hours, their annual closings and one cycle of the community reinvestment fund;
and the running year to date (issue 18, point 9), as a cooperative's books stand on the demo's
today: the wages of every month whose payday has come, the takings, invoices and income up to
today, the volunteers' sessions already confirmed. The running year is never closed.

The full years are the five before the demo's today; the demo's annual assembly
(``generators/assemblies.py``) approves the last of them, or the one before while this year's
assembly is still to come (the last is then left proposed: ``generators/closings.py``). The
figures are the cases' ``[economy]`` in ``demo/data``; they follow the public facts of
DOMAIN.md §6 (the cases' ``[case]``): La Paranza's visitors (80,000 in 2016, 160,000 in 2019,
200,000 in 2022, interpolated and extended, with the closures of 2020-2021) and its 40 or so
employees, the Modernissimo's 50,000 admissions a year in two screens, Brigì's 14 employees
and 6 collaborators at a refuge and an adventure park, AnversiAmo's village shop, bar and
street cleaning for the municipality, Ri-maflow's repairs, market and coworking. Every amount,
person, supplier and hour is synthetic and marked so; the public facts stay the cooperative's
facts (``CooperativeFact``) and are only used to size the synthetic figures.

Movements are aggregated as a small cooperative's book would be: weekly takings per service
or resource, monthly wages per job, monthly or quarterly invoices from a few suppliers (some in
the cooperative's territory, some not), grants, membership fees and donations: a few thousand
rows per cooperative, written in bulk. Each year's other costs are sized so that the results
are small profits, with one loss (the Modernissimo's year of closed cinemas). The closings,
the ristorni (Brigì, on work) and the earmark of the fund go through the economy's services, so
the allocation follows the law; the four earlier years were approved by assemblies the demo
does not hold, so they are marked approved on the day such an assembly would have met.

The running year is sized as the full ones are: its takings are the year's share of the weeks
gone by, its jobs go on from the last year's (who left, who came, this year's seasons), and its
invoices, written last (after the fund's spending), keep a small profit on what its book holds.
It is drawn from a stream of its own, so the five full years are what they were without it.

Reproducible: the step's own random stream, seeded by (seed, cooperative). A cooperative that
already has its synthetic economy is left as it is (loading twice changes nothing)."""

from __future__ import annotations

import random
from collections import defaultdict
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from decimal import ROUND_FLOOR, Decimal

from django.db import transaction
from django.db.models import Sum
from django.utils import timezone

from comunitas.commons.models import CommonResource, Sale, Service
from comunitas.core.audit import audit_record
from comunitas.core.kernel.money import CENT
from comunitas.core.models import Cooperative, Municipality
from comunitas.core.notify import quiet
from comunitas.decisions.models import Proxy
from comunitas.demo.generators import bookkeeping
from comunitas.demo.generators.closings import closings
from comunitas.demo.generators.fund_cycle import reinvestment
from comunitas.demo.plans import (
    CASE_PLANS,
    COMMON,
    EconomyPlan,
    Party,
    Positions,
    Volunteering,
)
from comunitas.economy.cashbook.chart import chart_ensure
from comunitas.economy.cashbook.services import sales_post_pending
from comunitas.economy.closing.postal_rates import postal_bond_rates_load
from comunitas.economy.models import (
    AgeBand,
    BudgetLine,
    ContractType,
    Counterparty,
    Direction,
    Job,
    Movement,
    VolunteerEntry,
    VolunteerRate,
    VolunteerStatus,
)
from comunitas.members.models import Member, MemberKind, MemberStatus
from comunitas.projects.models import Project

YEARS = 5
OTHER_COSTS_FLOOR = 0.12  # of revenue: rent, energy and insurance are never less
PAYDAY = 27  # wages are paid on the 27th of the month
PLANS: dict[str, EconomyPlan] = {slug: p.economy for slug, p in CASE_PLANS.items() if p.economy}
FIRST_NAMES, LAST_NAMES = COMMON.names.first, COMMON.names.last


# --- helpers --------------------------------------------------------------------------------------


def demo_years(today: date) -> list[int]:
    """The five full years before ``today`` (the closed ones; ``today``'s year runs to date)."""
    return list(range(today.year - YEARS, today.year))


def _substream(rng: random.Random, name: str) -> random.Random:
    """A stream of its own, seeded by ``rng``'s state without drawing from it: what it writes
    leaves ``rng``'s draws, and what they write, as they were."""
    return random.Random(f"{rng.getstate()}:{name}")


def _age_band(birth: date | None, on: date, rng: random.Random, weights) -> str:
    if birth is None:
        return rng.choices(AgeBand.values, weights)[0]
    age = on.year - birth.year - ((on.month, on.day) < (birth.month, birth.day))
    for limit, band in ((25, AgeBand.UNDER_25), (35, AgeBand.FROM_25), (50, AgeBand.FROM_35)):
        if age < limit:
            return band
    return AgeBand.FROM_50 if age < 65 else AgeBand.OVER_65


def _running(project: Project | None, day: date) -> bool:
    return (
        project is not None
        and project.start_on is not None
        and project.start_on <= day
        and (project.end_on is None or day <= project.end_on)
    )


@dataclass
class Person:
    name: str
    member_id: int | None
    municipality_id: str | None
    lives: bool
    birth: date | None


@dataclass
class Written:
    movements: list[Movement] = field(default_factory=list)
    jobs: list[Job] = field(default_factory=list)
    wages: list[tuple[Job, date, Decimal, str]] = field(default_factory=list)
    volunteering: list[VolunteerEntry] = field(default_factory=list)


# --- the generator ----------------------------------------------------------------------------


class Economy:
    """Plans a cooperative's five years and the running one in memory, then writes them in
    bulk. Each stage takes the years it writes: the five full years first, then this year to
    date (``this_year``), drawn from its own stream; the running year's invoices come last
    (``invoices_to_date``)."""

    def __init__(
        self, coop: Cooperative, rng: random.Random, today: date, plan: EconomyPlan
    ) -> None:
        self.coop, self.rng, self.today, self.plan = coop, rng, today, plan
        self.tz = timezone.get_current_timezone()
        self.years = demo_years(today)  # the full years: closed, sized, budgeted
        self.this_year = today.year  # the running one, written up to today
        self.this_year_rng = _substream(rng, str(self.this_year))
        self.chart = chart_ensure(coop=coop)
        self.territory = set(coop.territory.values_list("pk", flat=True)) or {coop.seat_id}
        self.resources = {r.name: r for r in CommonResource.objects.filter(coop=coop)}
        self.services = {s.name: s for s in Service.objects.filter(coop=coop)}
        self.projects = list(Project.objects.filter(coop=coop).order_by("pk"))
        # The commons' own sales are in the book from the day they start: the year's takings
        # (its visitors, admissions, receipts) are banked in the weeks before.
        first_sale = (
            Sale.objects.filter(coop=coop)
            .order_by("on_date")
            .values_list("on_date", flat=True)
            .first()
        )
        self.takings_until = min(first_sale or self.today, self.today)
        members = (
            Member.objects.filter(coop=coop, kind=MemberKind.PERSON, status=MemberStatus.ACTIVE)
            .exclude(first_name="")
            .order_by("number", "pk")
            .values("pk", "first_name", "last_name", "residence_id", "birth_date", "category__code")
        )
        self.workers = [m for m in members if m["category__code"] == "lavoratore"]
        self.volunteer_members = [m for m in members if m["category__code"] == "volontario"]
        self.others = [m for m in members if m["category__code"] != "lavoratore"]
        self.active_members = len(members)
        # Members who held a proxy at the cooperative's assemblies get no job here: an employee
        # may not hold one (art. 2372 c.c., via art. 2519).
        self.used_members: set[int] = set(
            Proxy.objects.filter(assembly__coop=coop).values_list("holder_id", flat=True)
        )
        self.written = Written()
        # The positions held at the end of the full years, and the seasonal workers who may
        # come back, by kind of position: this year goes on from them.
        self.held: dict[int, list[Job]] = {}
        self.pools: dict[int, list[Person]] = {}
        self.parties: dict[str, Counterparty] = {}

    @contextmanager
    def drawing_from(self, rng: random.Random) -> Iterator[None]:
        """Every draw of the stages inside from ``rng``, then back to the step's stream."""
        saved, self.rng = self.rng, rng
        try:
            yield
        finally:
            self.rng = saved

    # -- links --------------------------------------------------------------------------------

    def project(self, prefix: str) -> Project | None:
        if not prefix:
            return None
        return next((p for p in self.projects if p.title.startswith(prefix)), None)

    def links(self, *, day: date, resource: str = "", service: str = "", project: str = ""):
        found = self.project(project)
        return {
            "resource": self.resources.get(resource),
            "service": self.services.get(service),
            "project": found if _running(found, day) else None,
        }

    def movement(self, day: date, category: str, amount: Decimal, description: str, **links):
        self.written.movements.append(
            Movement(
                coop=self.coop,
                on_date=day,
                direction=self.chart[category].direction,
                amount=amount,
                vat=links.pop("vat", Decimal("0.00")),
                category=self.chart[category],
                description=description[:200],
                reference=links.pop("reference", ""),
                synthetic=True,
                **links,
            )
        )

    # -- counterparties -----------------------------------------------------------------------

    def counterparties(self) -> dict[str, Counterparty]:
        """The suppliers, customers and funders of the plan, written (kept for the running
        year's invoices, written last)."""
        codes = {p.where for p in self.plan.parties if p.where}
        places = Municipality.objects.in_bulk(codes)
        rows = Counterparty.objects.bulk_create(
            Counterparty(
                coop=self.coop,
                name=party.name,
                kind=party.kind,
                municipality=places.get(party.where),
                synthetic=True,
            )
            for party in self.plan.parties
        )
        self.parties = {row.name: row for row in rows}
        return self.parties

    # -- revenue ------------------------------------------------------------------------------

    def takings(self, years: list[int]) -> dict[int, Decimal]:
        totals: dict[int, Decimal] = defaultdict(Decimal)
        for k, stream in enumerate(self.plan.takings, start=1):
            for year in years:
                periods = list(
                    bookkeeping.weeks(year) if stream.weekly else bookkeeping.months(year)
                )
                weeks = [(n, day) for n, day in periods if day < self.takings_until]
                weights = [stream.season[day.month - 1] for _, day in weeks]
                period = "settimana" if stream.weekly else "mese"
                count = stream.count(year)
                whole = sum(stream.season[day.month - 1] for _, day in periods)
                if year == self.this_year and whole:  # the share of its weeks gone by
                    count = round(count * sum(weights) / whole)
                counts = bookkeeping.spread(count, weights, self.rng)
                price = stream.price(year)
                for (number, day), count in zip(weeks, counts, strict=True):
                    if count <= 0:
                        continue
                    amount = bookkeeping.money(count * price * self.rng.uniform(0.95, 1.05))
                    totals[year] += amount
                    self.movement(
                        day,
                        stream.category,
                        amount,
                        f"{stream.label}, {period} {number} ({count} {stream.unit})",
                        vat=bookkeeping.vat(amount, stream.vat),
                        reference=f"incassi-{k}-{year}-{period[0]}{number:02d}",
                        **self.links(
                            day=day,
                            resource=stream.resource,
                            service=stream.service,
                            project=stream.project,
                        ),
                    )
        return totals

    def incomes(self, parties: dict[str, Counterparty], years: list[int]) -> dict[int, Decimal]:
        totals: dict[int, Decimal] = defaultdict(Decimal)
        for party in self.plan.parties:
            if party.amount is None:
                continue
            for year in years:
                yearly = party.amount(year)
                if yearly <= 0:
                    continue
                for month in party.months:
                    day = date(year, month, self.rng.randint(5, 25))
                    amount = bookkeeping.money(
                        yearly / len(party.months) * self.rng.uniform(0.9, 1.1)
                    )
                    if day > self.today:  # still to be paid
                        continue
                    totals[year] += amount
                    self.movement(
                        day,
                        party.category,
                        amount,
                        f"{party.label} ({month:02d}/{year})",
                        vat=bookkeeping.vat(amount, party.vat),
                        counterparty=parties[party.name],
                        reference=f"{party.category}-{year}-{month:02d}",
                        **self.links(
                            day=day,
                            resource=party.resource,
                            service=party.service,
                            project=party.project,
                        ),
                    )
        if self.plan.fee and self.active_members:
            for year in years:
                amount = bookkeeping.money(
                    self.plan.fee * self.active_members * self.rng.uniform(0.85, 1.0)
                )
                if date(year, 3, 31) > self.today:
                    continue
                totals[year] += amount
                self.movement(
                    date(year, 3, 31),
                    "fees",
                    amount,
                    f"Quote associative annuali {year}",
                    reference=f"quote-{year}",
                )
        return totals

    # -- jobs and wages ------------------------------------------------------------------------

    def person(self, positions: Positions) -> Person:
        rng = self.rng
        if rng.random() < positions.members:
            # Worker members first, then any member the cooperative employs.
            free = [m for m in self.workers if m["pk"] not in self.used_members] or [
                m for m in self.others if m["pk"] not in self.used_members
            ]
            if free:
                member = free[0]
                self.used_members.add(member["pk"])
                lives = member["residence_id"] in self.territory
                return Person(
                    f"{member['first_name']} {member['last_name']}",
                    member["pk"],
                    member["residence_id"],
                    lives,
                    member["birth_date"],
                )
        name = f"{rng.choice(FIRST_NAMES)} {rng.choice(LAST_NAMES)}"
        if rng.random() < positions.local:
            where = self.coop.seat_id
        else:
            where = rng.choice(self.plan.remote)
        return Person(name, None, where, where in self.territory, None)

    def job(self, positions: Positions, person: Person, start: date, end: date | None) -> Job:
        rng = self.rng
        unemployed = rng.random() < positions.unemployed if positions.unemployed else None
        job = Job(
            coop=self.coop,
            member_id=person.member_id,
            person_name="" if person.member_id else person.name,
            title=positions.title,
            contract=positions.contract,
            fte=Decimal(str(rng.choice(positions.fte))).quantize(CENT),
            start_date=start,
            end_date=end,
            municipality_id=person.municipality_id,
            lives_in_territory=person.lives,
            age_band=_age_band(person.birth, start, rng, positions.ages),
            previously_unemployed=unemployed,
            unemployment_consent_on=start if unemployed is not None else None,
            resource=self.resources.get(positions.resource),
            project=self.project(positions.project),
            synthetic=True,
        )
        self.written.jobs.append(job)
        return job

    def jobs(self, years: list[int]) -> None:
        """The positions held each year: about one in ten leaves during a year and someone
        else takes the post the same day; the positions held at the start began in the years
        before. A later call goes on from the positions the earlier one left."""
        for k, positions in enumerate(self.plan.positions):
            if positions.season:
                self.seasonal(k, positions, years)
                continue
            held = self.held.setdefault(k, [])
            for year in years:
                self.turnover(positions, held, year)

    def turnover(self, positions: Positions, held: list[Job], year: int) -> None:
        """The year's leavers, their successors and the positions added or cut; in the
        running year only what happened by today (a leaver's day still to come is not known)."""
        vacancies: list[date] = []
        for job in list(held):
            if self.rng.random() < 0.1:
                end = date(year, self.rng.randint(2, 12), 1)
                if end > self.today:
                    continue
                job.end_date = end
                held.remove(job)
                vacancies.append(job.end_date)
        target = positions.count(year)
        while len(held) < target:
            start = vacancies.pop() if vacancies else self.start(positions, year)
            held.append(self.job(positions, self.person(positions), start, None))
        while len(held) > target:
            job = held.pop()
            job.end_date = max(date(year, 1, 1), job.start_date + timedelta(days=31))

    def start(self, positions: Positions, year: int) -> date:
        first = self.years[0]
        since = max(positions.since, self.coop.founded_year or positions.since)
        if year == self.this_year:  # a month begun by today
            return date(year, self.rng.randint(1, min(9, self.today.month)), 1)
        if year > first or since >= first:
            return date(year, self.rng.randint(1, 9 if year > first else 3), 1)
        return date(self.rng.randint(since, first - 1), self.rng.randint(1, 12), 1)

    def seasonal(self, k: int, positions: Positions, years: list[int]) -> None:
        """A new job every season that has begun by today; most of the people come back the
        next year."""
        begin, end = positions.season
        pool = self.pools.setdefault(k, [])
        for year in years:
            start = date(year, begin, 1)
            if start > self.today:
                break
            people: list[Person] = []
            for person in pool:
                if len(people) < positions.count(year) and self.rng.random() < 0.7:
                    people.append(person)
            while len(people) < positions.count(year):
                person = self.person(positions)
                pool.append(person)
                people.append(person)
            for person in people:
                self.job(positions, person, start, date(year, end, 1))

    def wages(self, years: list[int]) -> dict[int, Decimal]:
        """A month's pay per job and month it was held (the days held, the 13th in December),
        on the 27th, for the months whose payday has come; collaborators invoice their fee."""
        totals: dict[int, Decimal] = defaultdict(Decimal)
        monthly = {p.title: p.monthly for p in self.plan.positions}
        for job in self.written.jobs:
            for year in years:
                for month in range(1, 13):
                    if date(year, month, PAYDAY) > self.today:
                        break
                    first = date(year, month, 1)
                    after = date(year + (month == 12), month % 12 + 1, 1)
                    start, end = max(first, job.start_date), min(after, job.end_date or after)
                    if end <= start:
                        continue
                    share = Decimal((end - start).days) / Decimal((after - first).days)
                    pay = Decimal(monthly[job.title]) * job.fte * share
                    collab = job.contract == ContractType.COLLABORATION
                    if month == 12 and not collab:
                        pay *= 2  # the tredicesima
                    amount = bookkeeping.money(
                        pay * Decimal(str(round(self.rng.uniform(0.98, 1.02), 3)))
                    )
                    totals[year] += amount
                    what = "Compenso" if collab else "Stipendio e contributi"
                    self.written.wages.append((job, date(year, month, PAYDAY), amount, what))
        return totals

    # -- other costs ---------------------------------------------------------------------------

    def costs(self, parties: dict[str, Counterparty], revenue: dict[int, Decimal], wages) -> None:
        """The suppliers' invoices of each full year, sized for the year's planned result: a
        small profit, or the loss of a year of closed doors."""
        loss_year = self.plan.loss_year
        if loss_year is not None and loss_year not in self.years:
            loss_year = self.years[1]
        for year in self.years:
            margin = -0.04 if year == loss_year else self.rng.uniform(0.015, 0.05)
            income = revenue[year]
            budget = income * Decimal(str(round(1 - margin, 4))) - wages[year]
            budget = max(budget, income * Decimal(str(OTHER_COSTS_FLOOR)))
            self.invoices(parties, year, budget)

    def invoices(self, parties: dict[str, Counterparty], year: int, budget: Decimal) -> None:
        """The invoices of ``year`` adding up to ``budget``, shared by the suppliers' weights:
        in the running year those of the months gone by (the 26th, the last day one is dated,
        before today), among the suppliers who invoiced in them."""
        due: list[tuple[Party, list[int]]] = []
        for party in self.plan.parties:
            months = range(party.every, 13, party.every)
            gone = [m for m in months if party.amount is None and date(year, m, 26) < self.today]
            if gone:
                due.append((party, gone))
        weight = sum(party.weight for party, _ in due)
        invoices: list[Movement] = []
        for party, months in due:
            each = budget * Decimal(str(party.weight / weight)) / len(months)
            for month in months:
                day = date(year, month, self.rng.randint(3, 26))
                amount = bookkeeping.money(
                    each * Decimal(str(round(self.rng.uniform(0.85, 1.15), 3)))
                )
                self.movement(
                    day,
                    party.category,
                    amount,
                    f"{party.label} ({month:02d}/{year})",
                    vat=bookkeeping.vat(amount, party.vat),
                    counterparty=parties[party.name],
                    reference=f"fatt-{year}-{month:02d}-{len(self.written.movements)}",
                )
                invoices.append(self.written.movements[-1])
        if not invoices:  # January: nothing invoiced yet
            return
        # The largest invoice of the last month (December in a full year) takes what the noise
        # moved off the plan.
        spent = sum((m.amount for m in invoices), Decimal(0))
        last_month = max(m.on_date.month for m in invoices)
        last = max((m for m in invoices if m.on_date.month == last_month), key=lambda m: m.amount)
        rate = next(party.vat for party, _ in due if parties[party.name] == last.counterparty)
        last.amount = bookkeeping.money(max(last.amount + budget - spent, last.amount / 4))
        last.vat = bookkeeping.vat(last.amount, rate)

    # -- volunteering --------------------------------------------------------------------------

    def volunteers(self) -> list[Person]:
        pool = [
            Person(
                f"{m['first_name']} {m['last_name']}",
                m["pk"],
                m["residence_id"],
                m["residence_id"] in self.territory,
                m["birth_date"],
            )
            for m in self.volunteer_members[: self.plan.volunteers]
        ]
        while len(pool) < self.plan.volunteers:
            name = f"{self.rng.choice(FIRST_NAMES)} {self.rng.choice(LAST_NAMES)}"
            pool.append(Person(name, None, None, True, None))
        return pool

    def volunteering(self) -> None:
        """The sessions of the full years, those of the running year confirmed by today (from
        its own stream), and a few declared in the last weeks."""
        pool = self.volunteers()
        self.sessions(pool, self.years)
        with self.drawing_from(self.this_year_rng):
            self.sessions(pool, [self.this_year])
        self.declared(pool)

    def sessions(self, pool: list[Person], years: list[int]) -> None:
        """Each activity's sessions in its months, confirmed by the staff two days later: in
        the running year those confirmed before today."""
        for plan in self.plan.volunteering:
            project = self.project(plan.project)
            resource = self.resources.get(plan.resource)
            for year in years:
                for month in plan.months:
                    for _ in range(plan.sessions):
                        day = date(year, month, self.rng.randint(1, 28))
                        running = _running(project, day)
                        if plan.project and not running and resource is None:
                            continue  # the project had not started: nothing to help with
                        if day + timedelta(days=2) >= self.today:
                            continue  # not held, or not confirmed yet
                        for person in self.rng.sample(pool, min(plan.people, len(pool))):
                            self.written.volunteering.append(
                                self.entry(person, plan, day, project if running else None)
                            )

    def declared(self, pool: list[Person]) -> None:
        """A few hours declared in the last weeks, waiting for the staff to confirm them; the
        member demo login declared some, so its own page shows them."""
        recent = [p for p in pool if p.member_id] or pool
        login = (
            Member.objects.filter(coop=self.coop, user__username=f"{self.coop.slug}.socio")
            .values("pk", "first_name", "last_name", "residence_id", "birth_date")
            .first()
        )
        if login:
            name = f"{login['first_name']} {login['last_name']}"
            lives = login["residence_id"] in self.territory
            recent.insert(0, Person(name, login["pk"], login["residence_id"], lives, None))
        activity = self.plan.volunteering[0]
        project = self.project(activity.project)
        for n in range(4):
            day = max(self.today - timedelta(days=3 + 5 * n), date(self.today.year, 1, 1))
            entry = self.entry(
                recent[n % len(recent)], activity, day, project if _running(project, day) else None
            )
            entry.status, entry.confirmed_at = VolunteerStatus.DECLARED, None
            self.written.volunteering.append(entry)

    def entry(self, person: Person, plan: Volunteering, day: date, project) -> VolunteerEntry:
        return VolunteerEntry(
            coop=self.coop,
            member_id=person.member_id,
            person_name="" if person.member_id else person.name,
            activity=plan.activity,
            on_date=day,
            hours=Decimal(str(self.rng.choice(plan.hours))).quantize(CENT),
            project=project,
            resource=self.resources.get(plan.resource),
            status=VolunteerStatus.CONFIRMED,
            confirmed_at=datetime.combine(day + timedelta(days=2), time(18), tzinfo=self.tz),
            synthetic=True,
        )

    # -- writing -------------------------------------------------------------------------------

    def books(
        self, parties: dict[str, Counterparty], years: list[int]
    ) -> tuple[dict[int, Decimal], dict[int, Decimal]]:
        """The revenue, the jobs and the wages of ``years`` in memory: each year's revenue and
        wages, to size its invoices on."""
        revenue = self.takings(years)
        for year, amount in self.incomes(parties, years).items():
            revenue[year] += amount
        self.jobs(years)
        return revenue, self.wages(years)

    def write(self) -> dict[str, int]:
        """The full years, and the running one but for its invoices (``invoices_to_date``)."""
        parties = self.counterparties()
        revenue, wages = self.books(parties, self.years)
        posted = (  # the commons' sales already in the book
            Movement.objects.filter(coop=self.coop, on_date__year__in=self.years)
            .values_list("on_date__year")
            .annotate(total=Sum("amount"))
            .order_by()
        )
        for year, amount in posted:
            revenue[year] += amount
        self.costs(parties, revenue, wages)
        with self.drawing_from(self.this_year_rng):  # the running year goes on from the last
            self.books(parties, [self.this_year])
        Job.objects.bulk_create(self.written.jobs)
        staff = self.chart["staff"]
        for job, day, amount, what in self.written.wages:
            self.written.movements.append(
                Movement(
                    coop=self.coop,
                    on_date=day,
                    direction=Direction.EXPENSE,
                    amount=amount,
                    category=staff,
                    description=f"{what} {day.month:02d}/{day.year}: {job.title}",
                    job=job,
                    member_id=job.member_id,
                    reference=f"paga-{day:%Y-%m}",
                    synthetic=True,
                )
            )
        Movement.objects.bulk_create(self.written.movements, batch_size=2000)
        self.volunteering()
        VolunteerEntry.objects.bulk_create(self.written.volunteering, batch_size=2000)
        self.volunteer_rates()
        budget_lines = self.budget()
        return {
            "counterparties": len(parties),
            "movements": len(self.written.movements),
            "jobs": len(self.written.jobs),
            "volunteer_entries": len(self.written.volunteering),
            "budget_lines": budget_lines,
        }

    def invoices_to_date(self) -> int:
        """The running year's invoices, written last: sized on what its book holds by now
        (takings, income, wages, the commons' sales and the fund's spending), for a small
        profit so far; returns how many."""
        totals = dict(
            Movement.objects.filter(coop=self.coop, on_date__year=self.this_year)
            .values_list("direction")
            .annotate(total=Sum("amount"))
            .order_by()
        )
        income = totals.get(Direction.INCOME, Decimal(0))
        spent = totals.get(Direction.EXPENSE, Decimal(0))
        first = len(self.written.movements)
        with self.drawing_from(self.this_year_rng):
            margin = self.rng.uniform(0.015, 0.05)
            budget = income * Decimal(str(round(1 - margin, 4))) - spent
            budget = max(budget, income * Decimal(str(OTHER_COSTS_FLOOR)))
            self.invoices(self.parties, self.this_year, budget)
        Movement.objects.bulk_create(self.written.movements[first:])
        return len(self.written.movements) - first

    def volunteer_rates(self) -> None:
        """The value of a volunteer hour, renewed with the contract the year before the last."""
        first, renewed = COMMON.economy.volunteer_rates
        source = COMMON.economy.volunteer_rate_source
        VolunteerRate.objects.bulk_create(
            [
                VolunteerRate(
                    coop=self.coop,
                    valid_from=date(self.years[0], 1, 1),
                    hourly_value=first,
                    source=source,
                ),
                VolunteerRate(
                    coop=self.coop,
                    valid_from=date(self.years[-2], 1, 1),
                    hourly_value=renewed,
                    source=source + " (tabelle del rinnovo del contratto)",
                ),
            ]
        )

    def budget(self) -> int:
        """The budget of the last year, as the board planned it before the year: near what
        happened, rounded to the hundred euros."""
        year = self.years[-1]
        actual = (
            Movement.objects.filter(coop=self.coop, on_date__year=year, synthetic=True)
            .values_list("category_id", "resource_id")
            .annotate(total=Sum("amount"))
            .order_by("category_id", "resource_id")
        )
        overall: dict[int, Decimal] = defaultdict(Decimal)
        lines: list[BudgetLine] = []
        for category_id, resource_id, total in actual:
            overall[category_id] += total
            if resource_id is not None:
                lines.append(self.budget_line(year, category_id, total, resource_id=resource_id))
        lines += [self.budget_line(year, c, total) for c, total in sorted(overall.items())]
        BudgetLine.objects.bulk_create(lines)
        return len(lines)

    def budget_line(self, year: int, category_id: int, total: Decimal, **subject) -> BudgetLine:
        planned = (total * Decimal(str(round(self.rng.uniform(0.92, 1.08), 3)))).quantize(
            Decimal("100"), rounding=ROUND_FLOOR
        )
        return BudgetLine(
            coop=self.coop, year=year, category_id=category_id, amount=max(planned, 0), **subject
        )


# --- the step -------------------------------------------------------------------------------------


@transaction.atomic
def economy_generate(coop: Cooperative, rng: random.Random, today: date | None = None) -> dict:
    """The cooperative's five synthetic years, closings and fund cycle, and the running year to
    date (once); returns what was written."""
    today = today or timezone.localdate()
    plan = PLANS.get(coop.slug)
    postal_bond_rates_load()  # the closings' dividend cap needs them
    with quiet():  # synthetic members have nobody to tell
        posted = sales_post_pending(coop=coop)  # the commons' sales, before any year closes
        if plan is None or Counterparty.objects.filter(coop=coop, synthetic=True).exists():
            return {"sales_posted": posted} if posted else {}
        economy = Economy(coop, rng, today, plan)
        written = economy.write()
        written.update(closings(coop, plan, economy.years))  # the full years only
        written.update(reinvestment(coop, plan, today))
        written["movements"] += economy.invoices_to_date()  # after the fund's spending
    written["sales_posted"] = posted
    audit_record(
        actor=None,
        action="economy.synthetic",
        obj=coop,
        coop=coop,
        after={**written, "years": f"{economy.years[0]}-{economy.this_year}", "synthetic": True},
    )
    return written


def demo_economy(coop: Cooperative, rng: random.Random, password: str) -> None:
    """The demo step: five years of accounts closed with the annual assembly the steps before
    held, the running year to date, and the fund's cycle."""
    economy_generate(coop, rng)
