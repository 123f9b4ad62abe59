"""Anonymous answers reach the ballots' table from the ballot box (``decisions.ballot_box``) in
shuffled batches, under random keys, in no answerer's transaction."""

from __future__ import annotations

from typing import Any

from comunitas.decisions import ballot_box
from comunitas.decisions.models.consultations import (
    Consultation,
    ConsultationBallot,
    ConsultationMark,
    ConsultationParticipation,
)


def write_ballots(
    consultation: Consultation,
    answers: list[dict[str, Any]],
    participation: ConsultationParticipation | None = None,
) -> None:
    """Answers as ballots and marks: ``participation`` names a named one; mixed anonymous answers
    have none (their random keys are made here, in the shuffled order)."""
    ballots = [
        ConsultationBallot(
            consultation=consultation, participation=participation, reason=answer["reason"]
        )
        for answer in answers
    ]
    ConsultationBallot.objects.bulk_create(ballots)
    ConsultationMark.objects.bulk_create(
        ConsultationMark(ballot=ballot, option_id=pk, value=value)
        for ballot, answer in zip(ballots, answers, strict=True)
        for pk, value in answer["marks"]
    )


def mix_answers(consultation: Consultation, *, closing: bool) -> int:
    """Count a batch of an anonymous consultation's sealed answers (``ballot_box.mix``); the
    caller holds the consultation's lock."""
    return ballot_box.mix(
        consultation,
        lambda answers: write_ballots(consultation, answers),
        closing=closing,
        coop=consultation.coop,
    )
