"""The demo's data files (demo/data/*.toml) and its steps, without a database: every file loads
into its dataclasses, every public fact carries its source, the steps run in one order."""

import tomllib
from dataclasses import fields, is_dataclass
from decimal import Decimal

import pytest

from comunitas.demo import plans
from comunitas.demo.plans import (
    COMMON_FILE,
    DATA,
    Case,
    CasePlan,
    Common,
    EconomyPlan,
    Fact,
    NeedPlan,
    PlanError,
    build,
    case_read,
    common_read,
)
from comunitas.demo.steps import PHASES, STEPS

YEARS = range(2000, 2041)


def dataclasses_in(value) -> int:
    """How many dataclass instances ``value`` holds (itself included), checking each is whole."""
    if is_dataclass(value):
        return 1 + sum(dataclasses_in(getattr(value, f.name)) for f in fields(value))
    if isinstance(value, list | tuple):
        return sum(dataclasses_in(item) for item in value)
    if isinstance(value, dict):
        return sum(dataclasses_in(item) for item in value.values())
    return 0


def test_every_data_file_loads_into_its_dataclasses():
    files = sorted(path.name for path in DATA.glob("*.toml"))
    common = common_read()
    assert isinstance(common, Common) and dataclasses_in(common) > 10
    assert files == sorted([COMMON_FILE, *(f"{slug}.toml" for slug in common.cases)])
    for slug in common.cases:
        plan = case_read(f"{slug}.toml", common)
        assert isinstance(plan, CasePlan) and isinstance(plan.case, Case)
        assert plan.case.slug == slug
        # every section of the file became a dataclass (a case without a budget has none)
        sections = set(tomllib.loads((DATA / f"{slug}.toml").read_text()))
        assert sections <= {f.name for f in fields(CasePlan)}
        for name in sections:
            assert dataclasses_in(getattr(plan, name)) >= 1, (slug, name)
        assert isinstance(plan.economy, EconomyPlan)
        # the economy's figures of the year are numbers for every year
        economy = plan.economy
        figures = [
            *(f for t in economy.takings for f in (t.count, t.price)),
            *(p.amount for p in economy.parties if p.amount is not None),
            *(p.count for p in economy.positions),
            *economy.series.values(),
        ]
        for figure in figures:
            assert all(isinstance(figure(year), int | float) for year in YEARS)
    assert [plan.case.slug for plan in plans.CASE_PLANS.values()] == list(common.cases)


def test_a_data_file_that_does_not_fit_is_refused():
    need = {
        "key": "k",
        "title": "t",
        "description": "d",
        "category": "care",
        "ages": ["elderly"],
        "people": [1, 2],
    }
    assert build(NeedPlan, need, "x").people == (1, 2)
    with pytest.raises(PlanError, match="unknown keys"):
        build(NeedPlan, {**need, "urgncy": "high"}, "x")
    with pytest.raises(PlanError, match="missing"):
        build(NeedPlan, {k: v for k, v in need.items() if k != "title"}, "x")
    with pytest.raises(PlanError, match="2 items"):
        build(NeedPlan, {**need, "people": [1, 2, 3]}, "x")
    # money is a string (or a whole number), never a binary float
    assert build(Fact, {"key": "k", "label": "l", "value": "v", "number": "0.1"}, "x").number == (
        Decimal("0.1")
    )
    with pytest.raises(PlanError, match="string"):
        build(Fact, {"key": "k", "label": "l", "value": "v", "number": 0.1}, "x")


def test_the_public_facts_all_carry_a_source():
    sources = plans.COMMON.sources
    assert all(source.text for source in sources.values())
    for slug in plans.COMMON.cases:
        raw = tomllib.loads((DATA / f"{slug}.toml").read_text())
        # each fact names its source itself, one of the common ones, and says how sure it is
        for fact in raw["case"]["facts"]:
            assert fact["source"] in sources and fact["status"] in {"fact", "check"}, fact
        plan = plans.CASE_PLANS[slug]
        assert plan.case.facts
        for fact in plan.case.facts:
            assert fact.source == sources[raw_source(raw, fact.key)].text
            assert fact.status in {"fact", "check"}
        # the public figures among the projects' measurements name where they come from
        objectives = [
            objective
            for project in (
                *plan.projects.projects,
                *(p.project for p in plan.projects.proposals if p.project),
            )
            for objective in project.objectives
        ]
        for objective in objectives:
            assert all(note.strip() for _day, _value, note in objective.facts)
        # so do the public figures the economy is sized on
        for name, spec in raw["economy"].get("series", {}).items():
            if "anchors" in spec:
                assert spec["source"].strip(), (slug, name)
    paranza = plans.CASE_PLANS["la-paranza"]
    tours = paranza.projects.projects[0]
    assert [year.year for year, _value, _note in tours.objectives[0].facts] == [2016, 2019, 2022]
    assert paranza.economy.series["visitors"](2019) == 160_000  # the public figure of 2019


def raw_source(raw: dict, key: str) -> str:
    return next(fact["source"] for fact in raw["case"]["facts"] if fact["key"] == key)


def test_the_steps_run_in_one_order():
    names = [step.name for step in STEPS]
    assert len(set(names)) == len(names)  # each names its own random stream
    # a phase's steps are together, so running phase after phase runs STEPS in order
    phases = [step.phase for step in STEPS]
    assert phases == sorted(phases, key=PHASES.index)
    assert names.index("members") < names.index("assemblies") < names.index("economy")
    assert names.index("projects") < min(names.index("budgets"), names.index("consultations"))
    assert names[-1] == "economy"
