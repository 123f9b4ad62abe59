"""A consultation's audience: whether a role may answer it, the words that refuse someone outside
it, and how many people of the cooperative it includes. Read by the services (answering,
closing) and by the selectors (what the pages offer) alike."""

from __future__ import annotations

from django.utils.translation import gettext as _

from comunitas.core.models import Role
from comunitas.decisions.models.consultations import (
    AUDIENCE_ROLES,
    Consultation,
    ConsultationAudience,
)


def audience_size(consultation: Consultation) -> int:
    """How many people of the cooperative have a role the audience includes."""
    return Role.objects.filter(
        coop_id=consultation.coop_id, kind__in=AUDIENCE_ROLES[consultation.audience]
    ).count()


def may_answer(consultation: Consultation, role: str | None) -> bool:
    return role is not None and role in AUDIENCE_ROLES[consultation.audience]


def audience_refusal(consultation: Consultation) -> str:
    if consultation.audience == ConsultationAudience.MEMBERS:
        return _("This consultation is for the members of the cooperative only.")
    if consultation.audience == ConsultationAudience.RESIDENTS:
        return _("This consultation is for the residents only.")
    return _("Only the members and residents of the cooperative answer this consultation.")
