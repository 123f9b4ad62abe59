"""The member book's rows of the permission matrix (tests/core/coops/test_permissions.py).

Each face lists its own rows in its own module; ``ids`` creates the objects the paths name."""

from __future__ import annotations

from comunitas.members.book import services as book_services
from comunitas.members.models import ShareClass
from comunitas.members.offices import services as offices_services
from comunitas.members.shares import services as shares_services
from tests.helpers import CONSENT, admit, person
from tests.members.book import matrix as matrix_book
from tests.members.book import matrix_api
from tests.members.imports import matrix as matrix_imports
from tests.members.offices import matrix as matrix_offices
from tests.members.outputs import matrix as matrix_outputs
from tests.members.portal import matrix as matrix_portal
from tests.members.shares import matrix as matrix_shares

# Placeholders the paths may hold besides {slug} and {role}; web routes name them <int:…>.
PATH_IDS = [
    "member_id",
    "application_id",
    "transfer_id",
    "movement_id",
    "redemption_id",
    "office_id",
]

WEB = [
    *matrix_book.WEB,
    *matrix_shares.WEB,
    *matrix_portal.WEB,
    *matrix_outputs.WEB,
    *matrix_imports.WEB,
    *matrix_offices.WEB,
]
API = [
    *matrix_api.API,
    *matrix_portal.API,
    *matrix_imports.API,
    *matrix_outputs.API,
    *matrix_offices.API,
]
API_EXCEPTIONS = matrix_api.EXCEPTIONS  # (method, path) -> {caller: status}


def ids(people) -> dict[str, int]:
    """In "alpha": member1's own membership (paid in part), a second member (a director), a
    pending application, a pending transfer between the two and an exited member owed a
    redemption."""
    coop, admin = people["coop"], people["admin"]
    book_services.book_setup(coop=coop)
    ordinary = ShareClass.objects.get(coop=coop, code="ordinarie")
    own = admit(coop, person(1), actor=admin, user=people["member"], shares=3)
    shares_services.payment_record(
        actor=admin, member=own, share_class=ordinary, amount=ordinary.nominal_value * 2
    )
    buyer = admit(coop, person(2), actor=admin)
    left = admit(coop, person(3), actor=admin)
    shares_services.payment_record(
        actor=admin, member=left, share_class=ordinary, amount=ordinary.nominal_value
    )
    shares_services.member_exit(actor=admin, member=left, kind="withdrawal")
    applicant = book_services.application_submit(
        actor=None, coop=coop, **person(4), consents=CONSENT
    )
    transfer = shares_services.transfer_request(
        actor=admin, seller=own, buyer=buyer, share_class=ordinary, shares=1
    )
    office = offices_services.office_appoint(
        actor=admin,
        coop=coop,
        member=buyer,
        kind="director",
        started_on=buyer.admitted_on,
        reference="Assemblea 2025",
    )
    return {
        "office_id": office.pk,
        "member_id": own.pk,
        "application_id": applicant.pk,
        "transfer_id": transfer.pk,
        "movement_id": own.movements.get(kind="payment").pk,
        "redemption_id": left.redemption.pk,
        "buyer_id": buyer.pk,
        "share_class_id": ordinary.pk,
    }
