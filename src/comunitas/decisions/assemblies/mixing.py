"""Secret votes reach the motion's totals from the ballot box (``decisions.ballot_box``): each
vote is sealed in the voter's transaction, and the totals move by shuffled batches, in no voter's
transaction. The totals are all a secret vote leaves: no row says what anyone chose."""

from __future__ import annotations

from collections import Counter
from typing import Any

from django.db import transaction
from django.db.models import F

from comunitas.decisions import ballot_box
from comunitas.decisions.models import Candidate, Motion, MotionKind, MotionStatus


def sealed_vote(motion: Motion, *, units: int, choice: str, chosen: list[int]) -> None:
    ballot_box.seal(motion, {"units": units, "choice": choice, "candidates": chosen})


def _add_to_totals(motion: Motion, votes: list[dict[str, Any]]) -> None:
    """Move the motion's and the candidates' totals by a batch of votes' units (a blank election
    ballot counts as an abstention)."""
    options: Counter[str] = Counter()
    candidates: Counter[int] = Counter()
    for vote in votes:
        if motion.kind == MotionKind.RESOLUTION:
            options[f"{vote['choice']}_units"] += vote["units"]
        elif not vote["candidates"]:
            options["abstain_units"] += vote["units"]
        for pk in vote["candidates"]:
            candidates[pk] += vote["units"]
    if options:
        Motion.objects.filter(pk=motion.pk).update(
            **{name: F(name) + units for name, units in options.items()}
        )
    for pk, units in candidates.items():
        Candidate.objects.filter(pk=pk, motion=motion).update(units=F("units") + units)


def mix_votes(motion: Motion, *, closing: bool) -> int:
    """Count a batch of a secret motion's sealed votes (``ballot_box.mix``); the caller holds the
    motion's lock."""
    return ballot_box.mix(
        motion,
        lambda votes: _add_to_totals(motion, votes),
        closing=closing,
        coop=motion.assembly.coop,
    )


@transaction.atomic
def motion_mix(motion_id: int) -> int:
    """After a secret vote commits: count a batch once enough votes are sealed."""
    motion = Motion.objects.select_for_update().select_related("assembly__coop").get(pk=motion_id)
    if motion.status != MotionStatus.OPEN:
        return 0  # the close counted them all
    return mix_votes(motion, closing=False)
