"""Property tests of supports and progress: whatever sequence of supports, withdrawals and
merges several people attempt on several needs, accepted or refused, every need's count is
its rows, nobody supports a need twice or their own, a merged need keeps no support, and a
merge loses no follower. A project's progress stays within 0..100 % for any baseline, target
and measured value."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from django.contrib.auth import get_user_model
from django.db.models import Count
from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st
from hypothesis.extra.django import TestCase

from comunitas.core.coops.services import coop_create
from comunitas.core.errors import ValidationError
from comunitas.core.models import Municipality
from comunitas.projects.models import Indicator, Need, NeedStatus, NeedSupport
from comunitas.projects.needs import services as needs_services
from comunitas.projects.projects import selectors as projects_selectors
from comunitas.projects.projects import services as ps
from comunitas.projects.projects.catalogue import catalogue_load
from tests.helpers import NEED_FORM

USERS = 5
# Who told each need: n0 and n2 the same person, n3 taken down from the phone (nobody's).
AUTHORS = [0, 1, 0, None]

operation = st.tuples(
    st.sampled_from(["support", "support", "unsupport", "merge"]),
    st.integers(0, USERS - 1),
    st.integers(0, len(AUTHORS) - 1),
    st.integers(0, len(AUTHORS) - 1),
)


def followers(need: Need) -> set[int]:
    """Whom a need concerns: who told it and who supports it."""
    found = set(NeedSupport.objects.filter(need=need).values_list("user_id", flat=True))
    if need.submitted_by_id:
        found.add(need.submitted_by_id)
    return found


def _coop(slug: str):
    return coop_create(
        actor=None,
        name=slug.title(),
        slug=slug,
        legal_form="coop",
        founded_year=2015,
        seat=Municipality.objects.get(pk="008034"),
        sector="tourism",
    )


class SupportProperties(TestCase):
    def setUp(self) -> None:
        self.coop = _coop("prop")
        self.users = [
            get_user_model().objects.create_user(username=f"p{i}", email=f"p{i}@example.org")
            for i in range(USERS)
        ]
        self.needs = []
        for i, author in enumerate(AUTHORS):
            fields = {**NEED_FORM, "title": f"Bisogno {i}"}
            if author is None:
                need = needs_services.need_submit(
                    actor=self.users[1], coop=self.coop, **fields, channel="phone"
                )
            else:
                need = needs_services.need_submit(
                    actor=self.users[author], coop=self.coop, **fields
                )
            self.needs.append(need)

    def check(self) -> None:
        needs = list(Need.objects.filter(coop=self.coop))
        rows = dict(
            NeedSupport.objects.filter(need__coop=self.coop)
            .values_list("need")
            .annotate(n=Count("id"))
            .order_by()
        )
        twice = NeedSupport.objects.values("need", "user").annotate(n=Count("id")).filter(n__gt=1)
        assert not twice.exists(), list(twice)
        for need in needs:
            assert need.support_count == rows.get(need.pk, 0), (need, rows)
            assert not NeedSupport.objects.filter(need=need, user_id=need.submitted_by_id).exists()
            if need.status == NeedStatus.MERGED:
                assert need.support_count == 0 and need.merged_into_id is not None

    @settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
    @given(st.lists(operation, min_size=1, max_size=20))
    def test_supports_and_merges_keep_counts_and_followers(self, operations) -> None:
        for name, who, i, j in operations:
            user = self.users[who]
            need = Need.objects.get(pk=self.needs[i].pk)  # as a request reads it
            try:
                if name == "support":
                    needs_services.need_support(actor=user, need=need)
                elif name == "unsupport":
                    needs_services.need_unsupport(actor=user, need=need)
                else:
                    into = Need.objects.get(pk=self.needs[j].pk)
                    concerned = followers(need) | followers(into)
                    needs_services.need_merge(actor=user, duplicate=need, into=into)
                    into.refresh_from_db()
                    assert concerned - {into.submitted_by_id} <= followers(into) - {
                        into.submitted_by_id
                    }
                    assert into.support_count == len(followers(into) - {into.submitted_by_id})
                event(f"{name}: accepted")
            except ValidationError:
                event(f"{name}: refused")
            self.check()


@st.composite
def objective_figures(draw):
    baseline = draw(st.decimals(-1000, 1000, places=2))
    target = draw(st.decimals(-1000, 1000, places=2).filter(lambda t: t != baseline))
    values = draw(st.lists(st.decimals(-5000, 5000, places=2), max_size=3))
    return baseline, target, values


class ProgressProperties(TestCase):
    def setUp(self) -> None:
        if not Indicator.objects.filter(coop=None).exists():
            catalogue_load()
        self.coop = _coop("progress")
        self.project = ps.project_create(
            actor=None, coop=self.coop, title="Progetto", summary="Per la valle."
        )

    @settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
    @given(
        st.lists(objective_figures(), max_size=3),
        st.integers(0, 4),
        st.integers(0, 4),
    )
    def test_progress_stays_between_0_and_100(self, objectives, done, total) -> None:
        done = min(done, total)
        for i in range(total):
            ps.milestone_add(
                actor=None,
                project=self.project,
                title=f"Tappa {i}",
                due_on=date(2026, 1, 1),
                done_on=date(2026, 1, 1) if i < done else None,
            )
        indicator = Indicator.objects.get(coop=None, code="participants")
        for baseline, target, values in objectives:
            objective = ps.objective_add(
                actor=None,
                project=self.project,
                indicator=indicator,
                description="Persone",
                unit="persone",
                baseline=baseline,
                target=target,
                target_date=date(2027, 1, 1),
            )
            for k, value in enumerate(values):
                ps.measurement_add(
                    actor=None, objective=objective, measured_on=date(2026, 1, 1 + k), value=value
                )
        progress = projects_selectors.progress_of(
            projects_selectors.project_get(coop=self.coop, pk=self.project.pk)
        )

        if not objectives and not total:
            assert progress.percent is None
            return
        assert 0 <= progress.percent <= 100
        for shown, (baseline, target, values) in zip(progress.objectives, objectives, strict=True):
            assert 0 <= shown.percent <= 100
            if not values:
                assert shown.percent == 0
                continue
            last = values[-1]
            reached = last >= target if target > baseline else last <= target
            behind = last <= baseline if target > baseline else last >= baseline
            if reached:
                assert shown.percent == 100, (baseline, target, last)
            elif behind:
                assert shown.percent == 0, (baseline, target, last)
        if not objectives:
            assert progress.percent == round(Decimal(done * 100) / total)
