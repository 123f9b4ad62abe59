"""The reads of consultations cost a constant number of queries: the list whatever the number of
consultations, the results whatever the number of answers."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from comunitas.core.coops.services import role_grant
from comunitas.core.models import RoleKind
from comunitas.decisions.consultations import answer_services as consultations_answer_services
from comunitas.decisions.consultations import selectors
from comunitas.decisions.models.consultations import Availability
from tests.decisions.consultations.matrix import (
    closed_consultation,
    make_consultation,
    open_consultation,
    option_ids,
)
from tests.helpers import make_user

pytestmark = pytest.mark.django_db


def list_page(coop, user) -> list:
    found = selectors.consultation_list(coop=coop, user=user)
    page = list(found[:50])
    return [page, found.count(), [(c.participants, c.get_current_status_display()) for c in page]]


@pytest.mark.parametrize("n", [3, 30])
def test_the_list_is_two_queries_whatever_its_length(people, n, django_assert_num_queries):
    coop, staff = people["coop"], people["staff"]
    for i in range(n):
        if i % 3 == 0:
            consultation = open_consultation(coop, staff, title=f"Open {i}")
            consultations_answer_services.consultation_answer(
                actor=people["member"],
                consultation=consultation,
                choices=[option_ids(consultation)[0]],
            )
        elif i % 3 == 1:
            closed_consultation(coop, staff, title=f"Closed {i}")
        else:
            make_consultation(coop, staff, title=f"Draft {i}")
    member = people["member"]
    member._comunitas_roles = {coop.pk: RoleKind.MEMBER}  # read once per request, elsewhere
    # The page (with participants and what each is about), the count.
    with django_assert_num_queries(2):
        page, count, shown = list_page(coop, member)
    assert count == n - n // 3  # drafts are staff's
    assert sum(p for p, _s in shown) == (n + 2) // 3
    staff._comunitas_roles = {coop.pk: RoleKind.STAFF}
    with django_assert_num_queries(2):
        page, count, _shown = list_page(coop, staff)
    assert count == n
    # Open ones first.
    assert [c.current_status for c in page[: (n + 2) // 3]] == ["open"] * ((n + 2) // 3)


def answer(consultation, user, index: int) -> None:
    ids = option_ids(consultation)
    kind = consultation.kind
    pick = ids[index % len(ids)]
    if kind == "proposal":
        consultations_answer_services.consultation_answer(
            actor=user, consultation=consultation, position="agree", reason=f"Perché {index}"
        )
    elif kind in ("single_choice", "multiple_choice"):
        consultations_answer_services.consultation_answer(
            actor=user, consultation=consultation, choices=[pick]
        )
    elif kind == "score":
        consultations_answer_services.consultation_answer(
            actor=user, consultation=consultation, scores=[(pk, index % 6) for pk in ids]
        )
    elif kind == "ranked_choice":
        order = ids[index % len(ids) :] + ids[: index % len(ids)]
        consultations_answer_services.consultation_answer(
            actor=user,
            consultation=consultation,
            ranks=[(pk, rank) for rank, pk in enumerate(order[:2], start=1)],
        )
    elif kind == "dot_vote":
        consultations_answer_services.consultation_answer(
            actor=user, consultation=consultation, dots=[(pick, 3)]
        )
    else:
        consultations_answer_services.consultation_answer(
            actor=user,
            consultation=consultation,
            availability=[(pk, Availability.YES if pk == pick else Availability.NO) for pk in ids],
        )


KINDS = [
    "proposal",
    "single_choice",
    "multiple_choice",
    "score",
    "ranked_choice",
    "dot_vote",
    "meeting_time",
]


def queries_for_results(people, kind: str, n: int, anonymous: bool, capture) -> int:
    coop = people["coop"]
    consultation = open_consultation(coop, people["staff"], kind=kind, anonymous=anonymous)
    for i in range(n):
        user = make_user(f"{kind}{anonymous}{n}-{i}", first_name="Ada", last_name=f"Rossi{i}")
        role_grant(actor=people["admin"], coop=coop, user=user, kind=RoleKind.RESIDENT)
        answer(consultation, user, i)
    consultation = selectors.consultation_get(coop=coop, pk=consultation.pk)
    viewer = people["admin"]
    viewer._comunitas_roles = {coop.pk: RoleKind.ADMIN}
    with capture() as context:
        found = selectors.results(consultation=consultation, viewer=viewer)
    assert found.participants == n
    assert len(found.named) == (0 if anonymous else n)
    return len(context.captured_queries)


@pytest.mark.parametrize("kind", KINDS)
@pytest.mark.parametrize("anonymous", [False, True])
def test_results_are_constant_queries_whatever_the_number_of_answers(people, kind, anonymous):
    def capture():
        return CaptureQueriesContext(connection)

    few = queries_for_results(people, kind, 2, anonymous, capture)
    many = queries_for_results(people, kind, 20, anonymous, capture)
    assert few == many
    # The participations, the audience, the marks (grouped, or the rankings),
    # the reasons with their marks (a proposal), who answered what with their marks (named), the
    # answers still sealed (anonymous).
    assert many <= 3 + (2 if kind == "proposal" else 0) + (1 if anonymous else 2)
