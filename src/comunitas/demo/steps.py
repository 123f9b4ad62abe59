"""The demo's steps, in the order they run for each cooperative.

Each step gets its own random stream, seeded by (seed, cooperative, step name), so adding a step
never changes what the others produce and the same seed always gives the same data. Every step
is idempotent: it writes what is missing and leaves what is there, so loading twice changes
nothing. The order is the data's own: the logins before the member book they belong to, the
book before the commons' customers and the assembly's roll, the board's offices before the
assembly's proxies (no director holds one), the projects' synthetic residents before the budget
and the consultation that ask them, and the assembly before the economy whose last year it
approves (and whose jobs go to members who held no proxy). The economy is the last phase: the
command line shows its progress apart.
"""

from __future__ import annotations

import random
from collections.abc import Callable
from dataclasses import dataclass

from comunitas.core.models import Cooperative
from comunitas.demo.generators.assemblies import demo_assemblies
from comunitas.demo.generators.budgets import demo_budget
from comunitas.demo.generators.commons import demo_commons
from comunitas.demo.generators.commons_use import demo_commons_use
from comunitas.demo.generators.consultations import demo_consultations
from comunitas.demo.generators.economy import demo_economy
from comunitas.demo.generators.member_book import demo_members
from comunitas.demo.generators.offices import demo_offices
from comunitas.demo.generators.people import demo_people
from comunitas.demo.generators.projects import demo_projects

StepRun = Callable[[Cooperative, random.Random, str], None]  # (coop, its stream, password)


@dataclass(frozen=True)
class Step:
    name: str  # also names its random stream
    run: StepRun
    phase: str = "cooperatives"  # the progress the command line shows it under


STEPS: tuple[Step, ...] = (
    Step("people", demo_people),  # one login per role
    Step("members", demo_members),  # the member book, the logins among its members
    Step("offices", demo_offices),  # the president and directors, before the assembly's proxies
    Step("commons", demo_commons),  # the common resources and their legal bases
    Step("commons_use", demo_commons_use),  # units, bookings, services, tickets and sales
    Step("assemblies", demo_assemblies),  # the annual assembly; one convened
    Step("projects", demo_projects),  # synthetic residents; needs, proposals, projects
    Step("budgets", demo_budget),  # the participatory budget, voted by residents
    Step("consultations", demo_consultations),  # one closed consultation, answered
    Step("economy", demo_economy, phase="economy"),  # five years, closed; this year; the fund
)
PHASES: tuple[str, ...] = tuple(dict.fromkeys(step.phase for step in STEPS))


def stream(seed: int, slug: str, name: str) -> random.Random:
    """The random stream of one step (or of the statute) for one cooperative."""
    return random.Random(f"{seed}:{slug}:{name}")


def generate(coop: Cooperative, *, seed: int, password: str, phase: str = PHASES[0]) -> None:
    """Run the steps of ``phase`` for one cooperative, in the order of ``STEPS``."""
    for step in STEPS:
        if step.phase == phase:
            step.run(coop, stream(seed, coop.slug, step.name), password)
