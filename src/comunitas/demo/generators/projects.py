"""Needs, proposals and projects of the case-study cooperatives (issue 5, point 7).

The projects follow what each cooperative actually does (DOMAIN.md §6): La Paranza's guided
tours of the catacombs, run by young people of the Rione Sanità, and the Cimitero delle
Fontanelle; AnversiAmo's village shop and bar, olive groves and tourism in the Gole del
Sagittario; Brigì's Parco Avventura and Cà da Cardella refuge; the reopened Modernissimo cinema;
Ri-maflow's repair and recycling, second-hand market and coworking: the cases' ``[projects]`` in
``demo/data``, with the shared needs of ``common.toml``. Every need, support,
proposal, objective, figure and date is synthetic and marked so, except the few measurements
whose note names their public source (La Paranza's visitors).

Needs, statuses, merges, proposals, comments, their supports, the board's decisions and the
projects are written through the services, as people would (residents and members tell needs
online, staff take them down from paper and look at them, the coop's demo admin decides and
manages projects), so the rules, workflows and audit trail hold. The supports of needs, most of
the rows, are written in bulk, one per person with each need's count equal to its rows, as
``need_support`` keeps them. Dates are then moved back to plausible days in the past, in a few
bulk updates. The supporters are the coop's demo logins and a dozen synthetic residents
(``<slug>.residente01``…, created here, with the demo password). The services' e-mails to
followers and to the board are not queued: synthetic people have nobody to be told. A
cooperative that already has needs is left as it is (loading twice changes nothing)."""

from __future__ import annotations

import functools
import random
import unicodedata
from dataclasses import dataclass, field, replace
from datetime import date, datetime, time, timedelta
from decimal import Decimal

from django.contrib.auth import get_user_model
from django.contrib.auth.hashers import get_hasher, make_password
from django.db import transaction
from django.utils import timezone

from comunitas.commons.models import CommonResource
from comunitas.core.audit import audit_record
from comunitas.core.coops.services import role_grant
from comunitas.core.models import Cooperative, Role, RoleKind
from comunitas.core.notify import quiet
from comunitas.demo.plans import (
    CASE_PLANS,
    COMMON,
    CoopPlan,
    NeedPlan,
    ObjectivePlan,
    ProjectPlan,
    ProposalPlan,
    When,
)
from comunitas.projects.models import (
    Channel,
    Indicator,
    Need,
    NeedStatus,
    NeedStatusChange,
    NeedSupport,
    Project,
    Proposal,
    ProposalComment,
    ProposalSupport,
    Urgency,
)
from comunitas.projects.needs import services as needs_services
from comunitas.projects.projects.catalogue import catalogue_load
from comunitas.projects.projects.services import (
    budget_line_add,
    measurement_add,
    milestone_add,
    objective_add,
    project_create,
    project_update_add,
    team_add,
)
from comunitas.projects.proposals import services as proposals_services
from comunitas.projects.proposals.services import Decision

RESIDENTS = 12  # synthetic residents per cooperative, enough to reach a statute's threshold
PLANS: dict[str, CoopPlan] = {slug: p.projects for slug, p in CASE_PLANS.items() if p.projects}
METHODS = COMMON.projects.methods  # Italian methods of the shared indicators
MEASUREMENT_STEPS = COMMON.projects.steps  # an indicator's measurements: multiples of its step
COMMENTS = COMMON.projects.comments
# Needs many places have; each cooperative gets a few of those fitting it.
SHARED_NEEDS = tuple((shared.place, shared.need) for shared in COMMON.projects.shared_needs)
FIRST_NAMES, LAST_NAMES = COMMON.names.first, COMMON.names.last


# --- the generator ------------------------------------------------------------------------------
@functools.lru_cache(maxsize=4)
def _hashed(password: str, algorithm: str) -> str:
    """One hash for the synthetic residents of a load (hashing is slow on purpose)."""
    return make_password(password, hasher=algorithm)


def _ascii(text: str) -> str:
    plain = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    return "".join(c for c in plain.lower() if c.isalnum())


def _day(today: date, when: When) -> date:
    return when if isinstance(when, date) else today + timedelta(days=when)


@dataclass
class Written:
    needs: int = 0
    supports: int = 0
    proposals: int = 0
    proposal_supports: int = 0
    projects: int = 0
    objectives: int = 0
    measurements: int = 0
    residents: list[str] = field(default_factory=list)


@dataclass
class ProposalDays:
    made: date
    commented: date
    supported: date
    decided: date | None = None


class Generator:
    """Runs a cooperative's plan through the services, then dates what they wrote."""

    def __init__(self, coop: Cooperative, rng: random.Random, today: date) -> None:
        self.coop, self.rng, self.today = coop, rng, today
        self.yesterday = today - timedelta(days=1)
        self.written = Written()
        self.needs: dict[str, Need] = {}
        self.told: dict[str, date] = {}
        # When things happened, applied in one pass at the end (the services stamp "now").
        self.change_days: dict[int, date] = {}  # NeedStatusChange id -> day
        self.changed_on: dict[int, date] = {}  # need id -> day of its latest change
        self.last_change = 0
        self.proposal_days: dict[int, ProposalDays] = {}
        self.project_days: dict[int, date] = {}

    # -- people ----------------------------------------------------------------------------------
    def residents(self, password: str) -> None:
        """A dozen synthetic residents, created once. Their names come first from the stream,
        so they are the same whether or not the rest is generated."""
        users = get_user_model().objects
        slug = self.coop.slug
        planned = {
            f"{slug}.residente{n:02d}": (self.rng.choice(FIRST_NAMES), self.rng.choice(LAST_NAMES))
            for n in range(1, RESIDENTS + 1)
        }
        found = {u.username: u for u in users.filter(username__in=planned)}
        with_role = set(
            Role.objects.filter(coop=self.coop, user__username__in=planned).values_list(
                "user__username", flat=True
            )
        )
        for username, (first, last) in planned.items():
            user = found.get(username)
            if user is None:
                user = users.create(
                    username=username,
                    first_name=first,
                    last_name=last,
                    email=f"{username}@example.org",
                    password=_hashed(password, get_hasher().algorithm),
                )
                self.written.residents.append(username)
            if username not in with_role:
                role_grant(actor=None, coop=self.coop, user=user, kind=RoleKind.RESIDENT)

    def logins(self) -> None:
        logins = get_user_model().objects.filter(username__startswith=f"{self.coop.slug}.")
        self.people = {u.username.split(".", 1)[1]: u for u in logins}
        self.admin, self.staff = self.people["presidente"], self.people["staff"]
        # Who tells and supports needs: staff, members and residents (the board decides).
        self.pool = [self.people[k] for k in sorted(self.people) if k != "presidente"]
        self.tellers = [u for u in self.pool if u != self.staff]

    def _name(self) -> str:
        return f"{self.rng.choice(FIRST_NAMES)} {self.rng.choice(LAST_NAMES)}"

    # -- dates -----------------------------------------------------------------------------------
    def _after(self, day: date, low: int, high: int) -> date:
        """A day ``low``..``high`` days after ``day``, yesterday at the latest."""
        return min(day + timedelta(days=self.rng.randint(low, high)), self.yesterday)

    def _changed(self, day: date) -> None:
        """The status changes the last service call wrote happened on ``day``."""
        for pk, need_id in NeedStatusChange.objects.filter(
            need__coop=self.coop, pk__gt=self.last_change
        ).values_list("pk", "need_id"):
            self.change_days[pk], self.changed_on[need_id] = day, day
            self.last_change = max(self.last_change, pk)

    def _moment(self, day: date) -> datetime:
        minutes = self.rng.randrange(9 * 60, 19 * 60)
        return timezone.make_aware(datetime.combine(day, time(minutes // 60, minutes % 60)))

    def _later(self, day: date, after: datetime | None) -> datetime:
        """A moment of ``day``, after ``after`` when that is the same day or later."""
        moment = self._moment(day)
        return moment if after is None or moment > after else after + timedelta(minutes=17)

    def date_everything(self) -> None:
        """Move what the services stamped "now" to the days it happened (a few bulk updates)."""
        told = {need.pk: self.told[key] for key, need in self.needs.items()}
        needs = list(Need.objects.filter(coop=self.coop).order_by("pk"))
        changes = list(NeedStatusChange.objects.filter(need__coop=self.coop).order_by("pk"))
        first: dict[int, datetime] = {}
        latest: dict[int, datetime] = {}
        for change in changes:  # in the order they happened; each need's first is its telling
            day = self.change_days.get(change.pk, told[change.need_id])
            change.at = latest[change.need_id] = self._later(day, latest.get(change.need_id))
            first.setdefault(change.need_id, change.at)
        for need in needs:
            need.created_at, need.status_changed_at = first[need.pk], latest[need.pk]
        NeedStatusChange.objects.bulk_update(changes, ["at"], batch_size=200)
        Need.objects.bulk_update(needs, ["created_at", "status_changed_at"], batch_size=200)
        supports = list(NeedSupport.objects.filter(need__coop=self.coop).order_by("pk"))
        for support in supports:
            support.created_at = self._moment(self._after(told[support.need_id], 1, 30))
        NeedSupport.objects.bulk_update(supports, ["created_at"], batch_size=200)

        proposals = list(Proposal.objects.filter(coop=self.coop).order_by("pk"))
        for proposal in proposals:
            days = self.proposal_days[proposal.pk]
            proposal.created_at = self._moment(days.made)
            if proposal.review_due_since:
                proposal.review_due_since = self._later(days.supported, proposal.created_at)
            if proposal.decided_at and days.decided:
                after = proposal.review_due_since or proposal.created_at
                proposal.decided_at = self._later(days.decided, after)
        Proposal.objects.bulk_update(
            proposals, ["created_at", "review_due_since", "decided_at"], batch_size=200
        )
        rows = list(ProposalSupport.objects.filter(proposal__coop=self.coop).order_by("pk"))
        for row in rows:
            days = self.proposal_days[row.proposal_id]
            row.created_at = self._moment(
                self._after(days.made, 0, (days.supported - days.made).days)
            )
        ProposalSupport.objects.bulk_update(rows, ["created_at"], batch_size=200)
        comments = list(ProposalComment.objects.filter(proposal__coop=self.coop).order_by("pk"))
        for comment in comments:
            comment.created_at = self._moment(self.proposal_days[comment.proposal_id].commented)
        ProposalComment.objects.bulk_update(comments, ["created_at"], batch_size=200)
        projects = list(Project.objects.filter(coop=self.coop).order_by("pk"))
        for project in projects:
            project.created_at = self._moment(self.project_days[project.pk])
        Project.objects.bulk_update(projects, ["created_at"], batch_size=200)

    # -- needs -----------------------------------------------------------------------------------
    def choose_needs(self, plan: CoopPlan) -> list[NeedPlan]:
        """The cooperative's own needs and a few common ones, waiting or being looked at."""
        common = [need for place, need in SHARED_NEEDS if place in ("any", plan.place)]
        picked = self.rng.sample(common, min(self.rng.randint(3, 7), len(common)))
        return [
            *plan.needs,
            *(n if self.rng.random() < 0.6 else replace(n, fate="review") for n in picked),
        ]

    def latest_days(self, plan: CoopPlan) -> dict[str, date]:
        """A need an accepted proposal answers was told well before its project started."""
        latest: dict[str, date] = {}
        for proposal in plan.proposals:
            if proposal.project is not None:
                start = min(_day(self.today, proposal.project.start_on), self.today)
                for key in proposal.needs:
                    latest[key] = min(latest.get(key, start), start - timedelta(days=70))
        return latest

    def tell(self, plan: CoopPlan, chosen: list[NeedPlan]) -> None:
        """Each need told online by a resident or member, or taken down by staff."""
        territory = list(self.coop.territory.order_by("istat_code")) or [self.coop.seat]
        latest = self.latest_days(plan)
        for need_plan in chosen:
            day = self.today - timedelta(days=self.rng.randint(20, 540))
            day = min(day, latest.get(need_plan.key, day))
            fields = {
                "title": need_plan.title,
                "description": need_plan.description,
                "category": need_plan.category,
                "municipality": self.rng.choice(territory),
                "locality": need_plan.locality or self.rng.choice(("", *plan.localities)),
                "age_groups": list(need_plan.ages),
                "people_affected": self.rng.randint(*need_plan.people),
                "urgency": need_plan.urgency,
            }
            if self.rng.random() < 0.65:
                need = needs_services.need_submit(
                    actor=self.rng.choice(self.tellers),
                    coop=self.coop,
                    **fields,
                    synthetic=True,
                )
            else:  # taken down by staff from paper, the phone or a meeting
                first, last = self.rng.choice(FIRST_NAMES), self.rng.choice(LAST_NAMES)
                need = needs_services.need_submit(
                    actor=self.staff,
                    coop=self.coop,
                    **fields,
                    channel=self.rng.choice([Channel.PAPER, Channel.PHONE, Channel.MEETING]),
                    contact_email=(
                        f"{_ascii(first)}.{_ascii(last)}@example.org"
                        if self.rng.random() < 0.5
                        else ""
                    ),
                    synthetic=True,
                )
            self.needs[need_plan.key], self.told[need_plan.key] = need, day
            self.written.needs += 1

    def support(self, chosen: list[NeedPlan]) -> None:
        """Supports by the pool, written in bulk (one row per person, the count equal to the
        rows, as ``need_support`` keeps them) since they are most of the rows."""
        rows = []
        for plan in chosen:
            need = self.needs[plan.key]
            low, high = {Urgency.HIGH: (4, 12), Urgency.MEDIUM: (1, 8), Urgency.LOW: (0, 4)}[
                plan.urgency
            ]
            others = [u for u in self.pool if u.pk != need.submitted_by_id]
            chosen_users = self.rng.sample(others, min(self.rng.randint(low, high), len(others)))
            rows += [NeedSupport(need=need, user=user) for user in chosen_users]
            need.support_count = len(chosen_users)
        NeedSupport.objects.bulk_create(rows, batch_size=500)
        Need.objects.bulk_update(self.needs.values(), ["support_count"], batch_size=200)
        self.written.supports = len(rows)
        # Each need's first change is its telling, dated with it.
        self.last_change = max(
            NeedStatusChange.objects.filter(need__coop=self.coop).values_list("pk", flat=True),
            default=0,
        )

    def fates(self, chosen: list[NeedPlan]) -> None:
        """Duplicates merged, needs put under review or declined by the staff."""
        for plan in chosen:
            need = self.needs[plan.key]
            if plan.fate.startswith("dup:"):
                into = self.needs[plan.fate.removeprefix("dup:")]
                needs_services.need_merge(actor=self.staff, duplicate=need, into=into)
            elif plan.fate in ("review", "declined"):
                status = NeedStatus.UNDER_REVIEW if plan.fate == "review" else NeedStatus.DECLINED
                needs_services.need_set_status(
                    actor=self.staff, need=need, status=status, reason=plan.reason
                )
            else:
                continue
            self._changed(self._after(self.told[plan.key], 3, 40))

    def met(self, chosen: list[NeedPlan]) -> None:
        """Needs a project has met, some time after it answered them."""
        for plan in chosen:
            if plan.fate == "met":
                need = self.needs[plan.key]
                answered = self.changed_on.get(need.pk, self.told[plan.key])
                needs_services.need_set_status(
                    actor=self.staff, need=need, status=NeedStatus.MET, reason=plan.reason
                )
                self._changed(self._after(answered, 10, 60))

    # -- projects --------------------------------------------------------------------------------
    def _project_fields(self, plan: ProjectPlan, prefix: str = "") -> dict:
        """The project's inputs, named as ``project_create`` takes them (with ``prefix``
        ``project_``, as ``proposal_decide`` does)."""
        fields = {
            "title": plan.title,
            "summary": plan.summary,
            "status": plan.status,
            "start_on": _day(self.today, plan.start_on),
            "end_on": None if plan.end_on is None else _day(self.today, plan.end_on),
        }
        return {prefix + name: value for name, value in fields.items()}

    def project(self, plan: ProjectPlan, resources: dict[str, CommonResource]) -> None:
        """A project running before the cooperative used the platform, entered by the board;
        the needs it answers were told since."""
        project = project_create(
            actor=self.admin,
            coop=self.coop,
            **self._project_fields(plan),
            needs=[self.needs[key] for key in plan.needs],
            resources=[resources[name] for name in plan.resources],
            synthetic=True,
        )
        told = max((self.told[key] for key in plan.needs), default=self.yesterday)
        entered = self._after(told, 1, 15)
        self.project_days[project.pk] = entered
        self._changed(entered)
        self.details(project, plan)

    def details(self, project: Project, plan: ProjectPlan) -> None:
        """Objectives and their measurements, milestones, budget, team and timeline."""
        self.written.projects += 1
        start = _day(self.today, plan.start_on)
        for objective_plan in plan.objectives:
            objective = objective_add(
                actor=self.admin,
                project=project,
                indicator=self.indicators[objective_plan.code],
                description=objective_plan.description,
                unit=objective_plan.unit,
                baseline=Decimal(objective_plan.baseline),
                target=Decimal(objective_plan.target),
                target_date=_day(self.today, objective_plan.target_on),
                method=METHODS[objective_plan.code],
            )
            self.written.objectives += 1
            for day, value, note in self.measures(objective_plan, start):
                measurement_add(
                    actor=self.admin, objective=objective, measured_on=day, value=value, note=note
                )
                self.written.measurements += 1
        for title, due, done in plan.milestones:
            due_on = _day(self.today, due)
            done_on = None
            if done:
                done_on = min(due_on + timedelta(days=self.rng.randint(-10, 10)), self.yesterday)
            milestone_add(
                actor=self.admin, project=project, title=title, due_on=due_on, done_on=done_on
            )
        for kind, label, amount in plan.budget:
            budget_line_add(
                actor=self.admin, project=project, kind=kind, label=label, amount=Decimal(amount)
            )
        for role, login, volunteer in plan.team:
            user = self.people.get(login) if login else None
            team_add(
                actor=self.admin,
                project=project,
                name="" if user else self._name(),
                role=role,
                user=user,
                is_volunteer=volunteer,
            )
        for when, text in plan.updates:
            day = min(_day(self.today, when), self.today)
            project_update_add(actor=self.admin, project=project, text=text, on_date=day)

    def measures(self, plan: ObjectivePlan, start: date) -> list[tuple[date, Decimal, str]]:
        """The public figures, then two or three synthetic values that cover ``reached`` of
        the way from the baseline to the target by now, a little noisy on the way."""
        found = [(day, Decimal(value), note) for day, value, note in plan.facts]
        if plan.reached <= 0:
            return found
        last = self.today - timedelta(days=self.rng.randint(3, 40))
        first = max(start, found[-1][0] if found else start, last - timedelta(days=720))
        first = min(first, last - timedelta(days=30))
        points = self.rng.choice([2, 3])
        baseline, target = Decimal(plan.baseline), Decimal(plan.target)
        step = MEASUREMENT_STEPS.get(plan.code, Decimal(1))
        for n in range(1, points + 1):
            share = Decimal(str(plan.reached)) * n / points
            if n < points:
                share *= Decimal(str(round(self.rng.uniform(0.85, 1.1), 3)))
            value = ((baseline + (target - baseline) * share) / step).quantize(Decimal(1)) * step
            day = first + (last - first) * n // points
            found.append((day, value.quantize(Decimal("0.01")), "Valore sintetico"))
        return found

    # -- proposals -------------------------------------------------------------------------------
    def propose(self, plan: ProposalPlan, resources: dict[str, CommonResource]) -> None:
        """A proposal, its comments and supports, and the board's decision if it has one."""
        threshold = proposals_services.support_threshold(self.coop)
        proposer = self.rng.choice(self.tellers)
        made = self._after(max(self.told[key] for key in plan.needs), 3, 30)
        proposal = proposals_services.proposal_submit(
            actor=proposer,
            coop=self.coop,
            title=plan.title,
            description=plan.description,
            resource=resources[plan.resource] if plan.resource else None,
            estimated_costs=Decimal(plan.costs),
            estimated_revenues=Decimal(plan.revenues),
            volunteers_needed=plan.volunteers,
            needs=[self.needs[key] for key in plan.needs],
            synthetic=True,
        )
        self.written.proposals += 1
        others = [u for u in self.pool if u != proposer]
        for text in self.rng.sample(COMMENTS, self.rng.randint(0, 3)):
            author = self.rng.choice(others)
            proposals_services.proposal_comment(actor=author, proposal=proposal, text=text)
        wanted = {
            "open": self.rng.randint(1, max(1, threshold - 3)),
            "board": threshold + self.rng.randint(0, 2),
            "changes": threshold + self.rng.randint(0, 2),
            "accepted": threshold + self.rng.randint(0, 3),
            "declined": self.rng.randint(2, threshold + 1),
        }[plan.outcome]
        for user in self.rng.sample(others, min(wanted, len(others))):
            proposals_services.proposal_support(actor=user, proposal=proposal)
            self.written.proposal_supports += 1
        days = ProposalDays(made, self._after(made, 1, 10), self._after(made, 5, 25))
        self.proposal_days[proposal.pk] = days
        if plan.outcome in ("open", "board"):
            return
        days.decided = self._after(days.supported, 3, 30)
        if plan.project is not None:  # decided a week or a month before the project started
            start = _day(self.today, plan.project.start_on)
            decided = start - timedelta(days=self.rng.randint(7, 30))
            days.decided = min(max(decided, days.supported + timedelta(days=1)), self.yesterday)
        project = proposals_services.proposal_decide(
            actor=self.admin,
            proposal=proposal,
            decision={
                "accepted": Decision.ACCEPT,
                "changes": Decision.CHANGES,
                "declined": Decision.DECLINE,
            }[plan.outcome],
            reason=plan.reason,
            **(self._project_fields(plan.project, prefix="project_") if plan.project else {}),
        )
        self._changed(days.decided)
        if project is not None and plan.project is not None:
            self.project_days[project.pk] = days.decided
            self.details(project, plan.project)

    # -- all -------------------------------------------------------------------------------------
    def run(self, plan: CoopPlan) -> None:
        self.logins()
        if not Indicator.objects.filter(coop__isnull=True).exists():
            catalogue_load()  # a test emptied the tables
        self.indicators = {i.code: i for i in Indicator.objects.filter(coop__isnull=True)}
        resources = {r.name: r for r in CommonResource.objects.filter(coop=self.coop)}
        chosen = self.choose_needs(plan)
        self.tell(plan, chosen)
        self.support(chosen)
        self.fates(chosen)
        for project_plan in plan.projects:
            self.project(project_plan, resources)
        for proposal_plan in plan.proposals:
            self.propose(proposal_plan, resources)
        self.met(chosen)
        self.date_everything()


@transaction.atomic
def projects_generate(
    coop: Cooperative, rng: random.Random, password: str, today: date | None = None
) -> dict:
    """The cooperative's synthetic residents (always, like the other demo logins) and its
    needs, proposals and projects (once); returns what was written."""
    generator = Generator(coop, rng, today or timezone.localdate())
    generator.residents(password)
    plan = PLANS.get(coop.slug)
    if plan is None or Need.objects.filter(coop=coop).exists():
        return {}
    with quiet():  # synthetic people have nobody to tell
        generator.run(plan)
    written = generator.written
    summary = {
        "needs": written.needs,
        "supports": written.supports,
        "proposals": written.proposals,
        "proposal_supports": written.proposal_supports,
        "projects": written.projects,
        "objectives": written.objectives,
        "measurements": written.measurements,
        "synthetic_residents": written.residents,
        "synthetic": True,
    }
    audit_record(actor=None, action="projects.synthetic", obj=coop, coop=coop, after=summary)
    return summary


def demo_projects(coop: Cooperative, rng: random.Random, password: str) -> None:
    """Needs, proposals and projects of the case study, and the residents who support them."""
    projects_generate(coop, rng, password)
