"""What the public accountability pages compute: a project's progress from its milestones and
the measurements of its objectives, the cooperative's coverage of its needs, and the constant
number of queries of the lists and of the coverage however many rows there are."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest
from django.core.paginator import Paginator

from comunitas.projects.models import Need, NeedStatus
from comunitas.projects.needs import selectors as needs_selectors
from comunitas.projects.needs import services as needs_services
from comunitas.projects.needs.selectors import NeedFilters
from comunitas.projects.projects import selectors as projects_selectors
from comunitas.projects.projects import services as ps
from tests.helpers import add_objective, make_need, make_project, make_user

pytestmark = pytest.mark.django_db


def progress(project):
    """The progress as the public page computes it (everything prefetched by project_get)."""
    return projects_selectors.progress_of(
        projects_selectors.project_get(coop=project.coop, pk=project.pk)
    )


def milestones(project, user, done: int, total: int) -> None:
    for i in range(total):
        ps.milestone_add(
            actor=user,
            project=project,
            title=f"Tappa {i}",
            due_on=date(2026, 1 + i, 1),
            done_on=date(2026, 1 + i, 1) if i < done else None,
        )


def measure(objective, user, value, on=date(2026, 6, 30)) -> None:
    ps.measurement_add(actor=user, objective=objective, measured_on=on, value=Decimal(value))


@pytest.fixture
def project(people):
    return make_project(people["coop"], people["staff"])


# --- progress -----------------------------------------------------------------------------------
def test_a_project_with_neither_milestones_nor_objectives_has_no_progress(project):
    shown = progress(project)
    assert shown.percent is None
    assert shown.milestone_share is None and shown.objective_share is None


@pytest.mark.parametrize(
    ("done", "total", "percent"), [(0, 2, 0), (1, 3, 33), (2, 4, 50), (3, 3, 100)]
)
def test_only_milestones_give_the_share_done(people, project, done, total, percent):
    milestones(project, people["staff"], done, total)
    shown = progress(project)
    assert (shown.milestones_done, shown.milestones_total) == (done, total)
    assert shown.percent == percent


def test_only_objectives_give_the_mean_of_their_shares(people, project):
    staff = people["staff"]
    jobs = add_objective(project, staff)  # 0 → 2 FTE
    add_objective(project, staff, code="participants", unit="people", target=Decimal("100"))
    measure(jobs, staff, "1.5")  # 75 %, the other one not measured yet: 0 %
    shown = progress(project)
    assert shown.milestone_share is None
    assert [o.percent for o in shown.objectives] == [75, 0]
    assert shown.percent == 38  # (75 + 0) / 2 = 37.5, rounded half to even


def test_milestones_and_objectives_count_half_each(people, project):
    staff = people["staff"]
    milestones(project, staff, done=1, total=4)  # 25 %
    jobs = add_objective(project, staff)
    measure(jobs, staff, "2")  # 100 %
    assert progress(project).percent == 62  # (25 + 100) / 2 = 62.5, rounded half to even


@pytest.mark.parametrize(
    ("value", "percent"),
    [("10", 0), ("7", 50), ("5.5", 75), ("4", 100), ("2", 100), ("12", 0)],
)
def test_a_target_below_the_baseline_counts_the_way_down(people, project, value, percent):
    """E.g. hours of waiting for the bus from 10 to 4: at 7 half the way is done; beyond the
    target it stays at 100 %, worse than the baseline at 0 %."""
    staff = people["staff"]
    objective = add_objective(
        project, staff, code="users", unit="h", baseline=Decimal("10"), target=Decimal("4")
    )
    measure(objective, staff, value)
    assert progress(project).objectives[0].percent == percent
    assert progress(project).percent == percent


@pytest.mark.parametrize(("value", "percent"), [("-3", 0), ("0", 0), ("1", 50), ("9", 100)])
def test_a_rising_target_clamps_at_both_ends(people, project, value, percent):
    staff = people["staff"]
    objective = add_objective(project, staff)  # 0 → 2
    measure(objective, staff, value)
    assert progress(project).percent == percent


def test_the_latest_measurement_is_the_one_measured_last_not_typed_last(people, project):
    staff = people["staff"]
    objective = add_objective(project, staff)
    measure(objective, staff, "1.5", on=date(2026, 6, 30))
    measure(objective, staff, "0.5", on=date(2026, 1, 31))  # an older figure typed late
    shown = progress(project)
    assert shown.objectives[0].latest.value == Decimal("1.50")
    assert shown.percent == 75


# --- coverage -----------------------------------------------------------------------------------
@pytest.fixture
def territory_needs(people):
    """Shops: A answered (3 supports), B open (1 support, then a merged duplicate's author),
    C declined (2 supports), D merged into B. Mobility: E met, F under review (1 support),
    G new."""
    coop, staff, resident, member = (
        people["coop"],
        people["staff"],
        people["resident"],
        people["member"],
    )
    u = [make_user(f"u{i}") for i in range(6)]

    def need(author, category, supporters=()):
        found = make_need(coop, author, category=category, title=f"{category} {author}")
        for user in supporters:
            needs_services.need_support(actor=user, need=found)
        return Need.objects.get(pk=found.pk)

    a = need(resident, "shops", u[:3])
    b = need(resident, "shops", u[:1])
    c = need(resident, "shops", u[:2])
    d = need(u[4], "shops")
    e = need(member, "mobility")
    f = need(member, "mobility", u[5:6])
    g = need(member, "mobility")
    make_project(coop, staff, needs=[a], title="Bottega")
    make_project(coop, staff, needs=[e], title="Navetta")
    needs_services.need_set_status(actor=staff, need=e, status=NeedStatus.MET)
    needs_services.need_set_status(
        actor=staff, need=c, status=NeedStatus.DECLINED, reason="Altrove."
    )
    needs_services.need_set_status(actor=staff, need=f, status=NeedStatus.UNDER_REVIEW)
    needs_services.need_merge(actor=staff, duplicate=d, into=b)
    return {
        k: Need.objects.get(pk=v.pk) for k, v in zip("abcdefg", [a, b, c, d, e, f, g], strict=True)
    }


def test_coverage_by_category_and_overall(people, territory_needs):
    found = needs_selectors.coverage(coop=people["coop"])
    rows = {row.category: row for row in found.by_category}
    assert list(rows) == ["mobility", "shops"]  # categories without needs are left out

    shops = rows["shops"]
    assert (shops.needs, shops.answered, shops.declined, shops.open) == (3, 1, 1, 1)
    assert shops.percent == 50  # 1 answered of the 2 still in play
    assert (shops.supports, shops.supports_answered) == (5, 3)  # the declined one's 2 left out
    assert shops.label == "Shops and basic services"

    mobility = rows["mobility"]
    assert (mobility.needs, mobility.answered, mobility.declined, mobility.open) == (3, 1, 0, 2)
    assert mobility.percent == 33
    assert (mobility.supports, mobility.supports_answered) == (1, 0)

    assert found.percent == 40  # 2 answered of 5
    assert found.supports_percent == 50  # 3 of 6 supports are on answered needs
    assert found.total.needs == 6


def test_coverage_lists_the_answered_and_the_open_needs_by_support(people, territory_needs):
    n = territory_needs
    found = needs_selectors.coverage(coop=people["coop"])
    assert found.answered == [n["a"], n["e"]]
    assert [p.title for p in found.answered[0].projects.all()] == ["Bottega"]
    assert found.still_open == [n["b"], n["f"], n["g"]]
    assert n["b"].support_count == 2  # its own supporter and the duplicate's author


def test_the_needs_list_hides_merged_needs_and_counts_every_status(people, territory_needs):
    n = territory_needs
    coop = people["coop"]
    # Most supported first; on a tie the newer first: a 3, c 2 and b 2, f 1, g 0 and e 0.
    by_support = [n["a"], n["c"], n["b"], n["f"], n["g"], n["e"]]
    assert list(needs_selectors.need_list(coop=coop)) == by_support
    assert list(needs_selectors.need_list(coop=coop, filters=NeedFilters(status="merged"))) == [
        n["d"]
    ]
    shops = needs_selectors.need_list(
        coop=coop, filters=NeedFilters(category="shops", sort="oldest")
    )
    assert list(shops) == [n["a"], n["b"], n["c"]]
    counts = needs_selectors.need_counts(coop=coop, filters=NeedFilters(category="shops"))
    assert counts["status"] == {"answered": 1, "new": 1, "declined": 1, "merged": 1}
    assert counts["category"] == {"shops": 3, "mobility": 3}


def test_a_cooperative_without_needs_has_no_coverage_figure(people):
    found = needs_selectors.coverage(coop=people["coop"])
    assert found.by_category == [] and found.percent is None and found.supports_percent is None


def test_coverage_never_counts_another_cooperative(people, territory_needs):
    make_need(people["other"], people["stranger"], category="shops")
    assert needs_selectors.coverage(coop=people["other"]).total.needs == 1
    assert needs_selectors.coverage(coop=people["coop"]).total.needs == 6


# --- constant queries ---------------------------------------------------------------------------
def grow(people, needs: int, projects: int) -> None:
    """Needs in several categories and statuses with supports, and projects answering some,
    each with milestones and measured objectives."""
    coop, staff = people["coop"], people["staff"]
    categories = ["shops", "mobility", "care", "digital"]
    made = []
    for i in range(needs):
        need = make_need(coop, people["resident"], category=categories[i % 4], title=f"Pane {i}")
        if i % 2:
            needs_services.need_support(actor=people["member"], need=need)
        made.append(need)
    for i in range(projects):
        project = make_project(coop, staff, needs=made[i : i + 1], title=f"Progetto {i}")
        milestones(project, staff, done=1, total=2)
        for code in ("jobs-fte", "participants"):
            objective = add_objective(project, staff, code=code)
            measure(objective, staff, "1")
            measure(objective, staff, "1.5", on=date(2026, 7, 31))


@pytest.mark.parametrize(("needs", "projects"), [(3, 1), (40, 8)])
def test_the_needs_list_and_its_counts_take_four_queries(
    people, django_assert_num_queries, needs, projects
):
    grow(people, needs, projects)
    filters = NeedFilters(category="shops", q="pane", sort="newest")
    # 1. COUNT of the filtered needs (the paginator), 2. the page with the municipality,
    # 3. the counts by status, 4. the counts by category.
    with django_assert_num_queries(4):
        page = Paginator(
            needs_selectors.need_list(coop=people["coop"], filters=filters), 20
        ).get_page(1)
        shown = [(n.title, n.support_count, n.municipality) for n in page.object_list]
        counts = needs_selectors.need_counts(coop=people["coop"], filters=filters)
    shops = len(range(0, needs, 4))
    answered_shops = len(range(0, projects, 4))
    assert len(shown) == min(20, shops)
    assert counts["category"]["shops"] == shops and sum(counts["category"].values()) == needs
    expected = {"new": shops - answered_shops, "answered": answered_shops}
    assert counts["status"] == {status: n for status, n in expected.items() if n}


@pytest.mark.parametrize(("needs", "projects"), [(2, 1), (12, 10)])
def test_the_project_list_with_progress_takes_four_queries(
    people, django_assert_num_queries, needs, projects
):
    grow(people, needs, projects)
    # 1. the projects, 2. their milestones, 3. their objectives with the indicator,
    # 4. the objectives' measurements.
    with django_assert_num_queries(4):
        shown = [
            (p.title, projects_selectors.progress_of(p).percent)
            for p in projects_selectors.project_list(coop=people["coop"])
        ]
    assert len(shown) == projects
    assert {percent for _title, percent in shown} == {62}  # milestones 50 %, objectives 75 %


@pytest.mark.parametrize(("needs", "projects"), [(3, 1), (40, 6)])
def test_the_coverage_takes_four_queries(people, django_assert_num_queries, needs, projects):
    grow(people, needs, projects)
    # 1. the counts by category and status, 2. the most supported answered needs with their
    # municipality, 3. their projects, 4. the most supported open needs.
    with django_assert_num_queries(4):
        found = needs_selectors.coverage(coop=people["coop"])
        answered = [(n.title, [p.title for p in n.projects.all()]) for n in found.answered]
        still_open = [(n.title, n.municipality) for n in found.still_open]
    assert len(answered) == projects
    assert len(still_open) == min(25, needs - projects)
