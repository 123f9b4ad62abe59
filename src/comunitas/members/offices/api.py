"""API of the register of offices: who is a director or a member of the control body, since
when and until when; appointments and their end."""

from django.db.models import F
from django.utils.translation import gettext as _
from ninja import Router, Status
from ninja.pagination import paginate

from comunitas.core.endpoints import Pagination, answers, plain_values
from comunitas.core.errors import FieldError, ValidationError
from comunitas.core.lookups import or_404
from comunitas.core.permissions import Action, coop_for
from comunitas.members.models import Member
from comunitas.members.offices import selectors, services
from comunitas.members.offices.schemas import OfficeEndIn, OfficeIn, OfficeOut

router = Router()
OFFICES = "/coops/{slug}/offices"


@router.get(OFFICES, response=answers(200, list[OfficeOut]), tags=["offices"])
@paginate(Pagination)
def office_list(request, slug: str):
    """Every office, those held first, then the ended ones, the latest first."""
    coop = coop_for(request.auth, slug, Action.VIEW_MEMBERS)
    return selectors.office_queryset(coop=coop).order_by(
        F("ended_on").desc(nulls_first=True), "-started_on", "-id"
    )


@router.post(OFFICES, response=answers(201, OfficeOut), tags=["offices"])
def office_appoint(request, slug: str, payload: OfficeIn):
    """Record a member's appointment as director or member of the control body; they may no
    longer hold other members' proxies (art. 2372 c.c., via art. 2519)."""
    coop = coop_for(request.auth, slug, Action.MANAGE_MEMBERS)
    member = Member.objects.filter(coop=coop, number=payload.member_number).first()
    if member is None:
        raise ValidationError(
            _("No member of this cooperative has register number %(n)s.")
            % {"n": payload.member_number},
            field="member_number",
        )
    values = plain_values(payload.dict(exclude={"member_number"}))
    try:
        office = services.office_appoint(actor=request.auth, coop=coop, member=member, **values)
    except ValidationError as exc:
        raise _named_by_number(exc) from None
    return Status(201, office)


@router.post(f"{OFFICES}/{{int:office_id}}/end", response=answers(200, OfficeOut), tags=["offices"])
def office_end(request, slug: str, office_id: int, payload: OfficeEndIn):
    """End an office from a day (the first day out of office); the register keeps it."""
    coop = coop_for(request.auth, slug, Action.MANAGE_MEMBERS)
    office = or_404(selectors.office_get, coop=coop, pk=office_id)
    services.office_end(
        actor=request.auth, office=office, ended_on=payload.ended_on, reference=payload.reference
    )
    return selectors.office_get(coop=coop, pk=office_id)


def _named_by_number(exc: ValidationError) -> ValidationError:
    """The service's errors on the member as errors on the payload's field that names them."""
    return ValidationError(
        errors=[
            FieldError("member_number", error.message) if error.field == "member" else error
            for error in exc.errors
        ]
    )
