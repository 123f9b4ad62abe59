"""Who is booking or buying: the kind of customer that sets the price, and the member behind
the customer when there is one (their purchases are exchanges with the cooperative, which the
economy reads for ristorni, ``economy.closing``)."""

from __future__ import annotations

from dataclasses import dataclass

from comunitas.commons.models import CustomerKind
from comunitas.core.models import Cooperative, RoleKind
from comunitas.core.permissions import role_in
from comunitas.members.models import Member, MemberStatus


@dataclass(frozen=True)
class Customer:
    kind: str
    member: Member | None
    name: str
    email: str


def customer_for(user, coop: Cooperative) -> Customer:
    """The customer a signed-in user is in ``coop``: a current member pays the member price,
    anyone with a role the resident price, anyone else the public price. Claiming the
    association or free price is for staff to grant, never self-declared."""
    if not user.is_authenticated:
        return Customer(CustomerKind.PUBLIC, None, "", "")
    name = user.get_full_name() or user.get_username()
    member = (
        Member.objects.filter(coop=coop, user=user, status=MemberStatus.ACTIVE)
        .order_by("-id")
        .first()
    )
    if member is not None:
        return Customer(CustomerKind.MEMBER, member, name, user.email)
    if role_in(user, coop) in {RoleKind.RESIDENT, RoleKind.MEMBER, RoleKind.STAFF, RoleKind.ADMIN}:
        return Customer(CustomerKind.RESIDENT, None, name, user.email)
    return Customer(CustomerKind.PUBLIC, None, name, user.email)
