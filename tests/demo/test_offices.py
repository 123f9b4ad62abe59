"""The case studies' boards in the register of offices, and their assemblies keeping art. 2372
c.c.: no proxy went to a director, a member of the control body or an employee."""

import random

import pytest

from comunitas.core.models import Cooperative
from comunitas.decisions.assemblies import selectors
from comunitas.decisions.models import Assembly, Proxy
from comunitas.demo.generators.offices import demo_offices
from comunitas.demo.plans import CASES
from comunitas.members.models import Office, OfficeKind
from comunitas.members.offices.selectors import proxy_bar
from tests.demo.conftest import PASSWORD

pytestmark = pytest.mark.django_db


def test_each_case_study_has_a_president_and_directors_who_hold_no_proxy(demo_loaded):
    proxies = 0
    for case in CASES:
        coop = Cooperative.objects.get(slug=case.slug)
        board = Office.objects.filter(coop=coop, kind=OfficeKind.DIRECTOR, ended_on__isnull=True)
        assert board.count() == 3, case.slug
        president = board.get(title="Presidente")
        assert president.member.user.username == f"{coop.slug}.presidente"
        annual = Assembly.objects.get(coop=coop, kind="ordinary")
        day = selectors.held_on(annual)
        assert all(office.started_on <= day for office in board), case.slug
        found = Proxy.objects.filter(assembly__coop=coop).select_related("holder", "assembly")
        for proxy in found:  # the jobs were generated after the assembly: checked here
            assert proxy_bar(proxy.holder, selectors.held_on(proxy.assembly)) == "", case.slug
            proxies += 1
    assert proxies > 0
    before = Office.objects.count()
    demo_offices(Cooperative.objects.get(slug="brigi"), random.Random(1), PASSWORD)
    assert Office.objects.count() == before  # written once
