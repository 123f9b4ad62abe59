"""The case studies' assemblies: each held its synthetic annual assembly under the rules the
services keep (the roll of the member book on that day, proxies within the statute, a quorum at
second call, open votes), with signed minutes; one has an assembly convened; written once."""

import random

import pytest

from comunitas.core.models import Cooperative
from comunitas.decisions.assemblies import selectors
from comunitas.decisions.models import Assembly, AssemblyStatus, Minutes, Motion, Proxy, Vote
from comunitas.demo.generators.assemblies import demo_assemblies
from comunitas.demo.plans import CASES
from tests.demo.conftest import PASSWORD

pytestmark = pytest.mark.django_db


def test_every_case_study_held_its_annual_assembly_by_the_rules_once(demo_loaded):
    """Each annual assembly closed at second call with signed minutes and counted votes; one
    extraordinary assembly convened; the step run again writes nothing."""
    assert demo_loaded.outbox == []  # synthetic members are told nothing
    for case in CASES:
        coop = Cooperative.objects.get(slug=case.slug)
        annual = Assembly.objects.get(coop=coop, kind="ordinary")
        assert annual.synthetic and annual.status == AssemblyStatus.CLOSED
        assert annual.call == "second"
        minutes = Minutes.objects.get(assembly=annual)
        assert minutes.is_signed and minutes.number == 1 and minutes.chair_name
        accounts = Motion.objects.get(
            assembly=annual, title__startswith="Approvazione del bilancio"
        )
        assert accounts.passed and accounts.quorum_met
        # Each voter voted once, with the units of the roll; the counters are the recount.
        votes = Vote.objects.filter(motion=accounts)
        assert accounts.voters == votes.count() > 0
        assert accounts.cast_units == sum(v.units for v in votes)
        limit = selectors.quorum(assembly=annual)  # the statute read on the assembly's day
        assert limit.total_units == annual.total_units
        holders = Proxy.objects.filter(assembly=annual, revoked_at__isnull=True)
        for holder_id in holders.values_list("holder_id", flat=True).distinct():
            assert holders.filter(holder_id=holder_id).count() <= 10
    brigi = Assembly.objects.get(coop__slug="brigi", kind="ordinary")
    election = brigi.motions.get(kind="election")
    assert election.candidates.filter(elected=True).count() <= 3
    upcoming = Assembly.objects.get(coop__slug="post-modernissimo", kind="extraordinary")
    assert upcoming.status == AssemblyStatus.CONVENED and upcoming.notices.exists()
    # Written once: the step again changes nothing.
    coop = Cooperative.objects.get(slug="brigi")
    before = (Assembly.objects.count(), Vote.objects.count(), Minutes.objects.count())
    demo_assemblies(coop, random.Random(1), PASSWORD)
    assert (Assembly.objects.count(), Vote.objects.count(), Minutes.objects.count()) == before
