"""Fuzz the API from its own OpenAPI description: whatever a client sends, no answer is a 5xx,
every error has the one documented shape and every documented answer matches the schema.

Schemathesis loads /api/v1/openapi.json from the WSGI application and calls the application in
process, inside the test's database transaction. Each operation is fuzzed as an anonymous visitor
and as the admin of "alpha" (with a personal token, so no CSRF). Dictionaries make the generated
requests reach existing objects (cooperatives, municipalities, roles, tokens, and the member book
of "alpha": members, an application, a transfer, a payment, a redemption, share classes and
categories, register numbers; its commons and their use; its needs, proposals, projects with
their parts and indicators, and those of "beta", which must answer 404) and carry text that
databases choke on (NUL characters, overlong strings), not only random values. Generation is
deterministic and bounded, so every run sends the same requests.
"""

from __future__ import annotations

import json

import pytest
import schemathesis
from django.core import signals
from django.db import close_old_connections
from hypothesis import HealthCheck, settings

from comunitas.api import api
from comunitas.commons.models import (
    BookableUnit,
    Booking,
    ClosedDay,
    CommonResource,
    Obligation,
    Order,
    ResourceFile,
)
from comunitas.core.accounts.api import router as accounts_router
from comunitas.core.accounts.services import api_token_create
from comunitas.core.coops.api import router as coops_router
from comunitas.core.models import ApiToken, Role, RoleKind
from comunitas.core.territory.api import router as territory_router
from comunitas.decisions.models import AgendaItem, Assembly, Attendance, Motion, Proxy
from comunitas.decisions.models.budgets import BudgetProject, ParticipatoryBudget
from comunitas.decisions.models.consultations import Consultation, ConsultationOption
from comunitas.members.models import Member, Redemption, ShareMovement, ShareTransfer
from comunitas.projects.models import Milestone, Need, Objective, Project, Proposal, TeamMember
from comunitas.wsgi import application
from tests.commons import matrix as commons_matrix
from tests.commons.bookings import matrix as matrix_bookings
from tests.commons.files import matrix as matrix_files
from tests.commons.ticketing import matrix as matrix_ticketing
from tests.decisions.assemblies import matrix_api as matrix_assemblies_api
from tests.decisions.budgets import matrix as matrix_budgets
from tests.decisions.consultations import matrix as matrix_consultations
from tests.helpers import (
    add_obligation,
    admit,
    first_call,
    make_need,
    make_project,
    make_proposal,
    make_resource,
    person,
)
from tests.members import matrix as members_matrix
from tests.projects import matrix_api as projects_matrix

# Objects the fixture creates with these primary keys, so the dictionaries below can name them
# (sequences are not rolled back on PostgreSQL, so the ids of fixture-made objects vary).
ROLE_IN_ALPHA, ROLE_IN_BETA, SPARE_TOKEN = 900_001, 900_002, 900_003
# The member book of "alpha" (tests/members/matrix.py ``ids``) and a member of "beta", made for
# the admin caller of every operation but the core app's, which cannot reach them: they cost a
# quarter of a second of set-up per test.
CORE_OPERATIONS = tuple(
    f" /api/v1{path}]"
    for router in (coops_router, territory_router, accounts_router)
    for path in router.path_operations
)
MEMBER_IN_ALPHA, APPLICANT_IN_ALPHA, MEMBER_IN_BETA = 900_011, 900_012, 900_013
TRANSFER_IN_ALPHA, MOVEMENT_IN_ALPHA, REDEMPTION_IN_ALPHA = 900_014, 900_015, 900_016
# The commons of "alpha" (tests/commons/matrix.py ``ids``) and a resource of "beta", made only
# for the commons operations.
RESOURCE_IN_ALPHA, OBLIGATION_IN_ALPHA, RESOURCE_IN_BETA = 900_021, 900_022, 900_023
# The use of the commons of "alpha" (the matrices' ``ids``): a unit with a closed day and a
# booking awaiting approval, a service with an event and an order, a resource's files.
UNIT_IN_ALPHA, CLOSED_DAY_IN_ALPHA, BOOKING_IN_ALPHA = 900_031, 900_032, 900_033
ORDER_IN_ALPHA, FILE_IN_ALPHA = 900_041, 900_051
USE_OPERATIONS = ("/units", "/bookings", "/services", "/events", "/orders", "/tickets", "/files")
# Needs, proposals and projects of "alpha" (tests/projects/matrix_api.py ``ids``: the second need
# and the indicator have their ids there) and of "beta", made only for the projects operations,
# which read nothing of the member book.
NEED_IN_ALPHA, NEED_IN_BETA = 900_061, 900_062
PROPOSAL_IN_ALPHA, PROPOSAL_IN_BETA = 900_063, 900_064
PROJECT_IN_ALPHA, PROJECT_IN_BETA = 900_065, 900_066
OBJECTIVE_IN_ALPHA, MILESTONE_IN_ALPHA, TEAM_IN_ALPHA = 900_067, 900_068, 900_069
PROJECT_OPERATIONS = ("/needs", "/proposals", "/projects", "/coverage", "/indicators")
# --- consultations: those of the matrix in "alpha" (closed, draft, open, members-only) and an
# open one of "beta", made only for the consultations operations, which read no member book.
CONSULTATION_IN_ALPHA, DRAFT_CONSULTATION_IN_ALPHA = 900_071, 900_072
OPEN_CONSULTATION_IN_ALPHA, MEMBERS_CONSULTATION_IN_ALPHA = 900_073, 900_074
CONSULTATION_IN_BETA, OPTION_IN_ALPHA, DRAFT_OPTION_IN_ALPHA = 900_075, 900_076, 900_077
CONSULTATION_OPERATIONS = ("/consultations",)
# --- assemblies: those of the assemblies API's matrix in "alpha" (a draft with its agenda item, a
# convened one, one in session with an attendance, a proxy and its motions: open, draft, closed
# and secret) and a draft of "beta", made only for the assemblies operations, with their own
# member book (register numbers 1 to 9).
SESSION_IN_ALPHA, DRAFT_ASSEMBLY_IN_ALPHA, CONVENED_IN_ALPHA = 900_081, 900_082, 900_083
ASSEMBLY_IN_BETA, ITEM_IN_ALPHA = 900_084, 900_085
ATTENDANCE_IN_ALPHA, PROXY_IN_ALPHA = 900_086, 900_087
OPEN_MOTION_IN_ALPHA, DRAFT_MOTION_IN_ALPHA = 900_088, 900_089
CLOSED_MOTION_IN_ALPHA, SECRET_MOTION_IN_ALPHA = 900_090, 900_091
ASSEMBLY_OPERATIONS = ("/assemblies", "/minutes")
# --- participatory budgets: those of the matrix in "alpha" (in its vote with a project on the
# ballot, collecting with a proposed project, counted with a funded project) and one of "beta",
# made only for the budgets operations, which read no member book.
BUDGET_IN_ALPHA, COLLECTING_BUDGET_IN_ALPHA, COUNTED_BUDGET_IN_ALPHA = 900_101, 900_102, 900_103
BUDGET_IN_BETA, COLLECTING_PROJECT_IN_ALPHA, COUNTED_PROJECT_IN_ALPHA = 900_104, 900_105, 900_106
BUDGET_OPERATIONS = ("/budgets",)

# Text a database or a lookup may not survive; schemathesis puts it in query parameters and body
# fields, in the valid or the invalid cases depending on whether the schema accepts it there.
AWKWARD_TEXT = ["\x00", "alpha\x00", "a\x00b", "x" * 300, " ", "%", "_", "'; --", "ǅ€\u200b"]


def _body_fields(openapi: dict) -> list[str]:
    """The fields of every request body (a value a field's type refuses goes to invalid cases)."""
    components = openapi["components"]["schemas"]
    bodies = {
        operation["requestBody"]["content"]["application/json"]["schema"]["$ref"].split("/")[-1]
        for methods in openapi["paths"].values()
        for operation in methods.values()
        if "requestBody" in operation
    }
    return sorted({field for body in bodies for field in components[body]["properties"]})


BODY_FIELDS = _body_fields(api.get_openapi_schema(path_prefix="/api/v1/"))

CONFIG = schemathesis.Config.from_dict(
    {
        "generation": {
            "mode": "all",  # valid and invalid requests
            "max-examples": 20,  # per operation, caller and mode (valid/invalid)
            "deterministic": True,
            "database": "none",
            # The caller fixture sends the credentials; generated ones would only test the 401.
            "with-security-parameters": False,
            "dictionaries": {"string": {"dictionary": "awkward-text", "probability": 0.15}},
        },
        # Each operation's cases depend only on the schema and this file, not on the answers of
        # the operations fuzzed before it: the same cases whatever tests run and in what order.
        "phases": {
            "coverage": {"extra-data-sources": {"responses": False}},
            "fuzzing": {"extra-data-sources": {"responses": False}},
        },
        "dictionaries": {
            "awkward-text": {"values": AWKWARD_TEXT},
            "slugs": {"values": ["alpha", "beta", "alpha\x00"]},
            "istat-codes": {"values": ["008034", "066004", "008034\x00"]},
            "role-ids": {"values": [ROLE_IN_ALPHA, ROLE_IN_BETA]},
            "token-ids": {"values": [SPARE_TOKEN]},
            "member-ids": {"values": [MEMBER_IN_ALPHA, APPLICANT_IN_ALPHA, MEMBER_IN_BETA]},
            "application-ids": {"values": [APPLICANT_IN_ALPHA, MEMBER_IN_ALPHA, MEMBER_IN_BETA]},
            "transfer-ids": {"values": [TRANSFER_IN_ALPHA]},
            "movement-ids": {"values": [MOVEMENT_IN_ALPHA]},
            "redemption-ids": {"values": [REDEMPTION_IN_ALPHA]},
            "register-numbers": {"values": [1, 2, 3]},
            "resource-ids": {"values": [RESOURCE_IN_ALPHA, RESOURCE_IN_BETA]},
            "obligation-ids": {"values": [OBLIGATION_IN_ALPHA]},
            "unit-ids": {"values": [UNIT_IN_ALPHA]},
            "closed-day-ids": {"values": [CLOSED_DAY_IN_ALPHA]},
            "booking-ids": {"values": [BOOKING_IN_ALPHA]},
            "service-ids": {"values": [matrix_ticketing.SERVICE_ID]},
            "event-ids": {"values": [matrix_ticketing.EVENT_ID]},
            "order-ids": {"values": [ORDER_IN_ALPHA]},
            "file-ids": {"values": [FILE_IN_ALPHA]},
            "ticket-codes": {"values": [matrix_ticketing.CODE]},
            "need-ids": {"values": [NEED_IN_ALPHA, projects_matrix.INTO_ID, NEED_IN_BETA]},
            "proposal-ids": {"values": [PROPOSAL_IN_ALPHA, PROPOSAL_IN_BETA]},
            "project-ids": {"values": [PROJECT_IN_ALPHA, PROJECT_IN_BETA]},
            "objective-ids": {"values": [OBJECTIVE_IN_ALPHA]},
            "milestone-ids": {"values": [MILESTONE_IN_ALPHA]},
            "team-ids": {"values": [TEAM_IN_ALPHA]},
            "indicator-ids": {"values": [projects_matrix.INDICATOR_ID]},
            # --- consultations
            "consultation-ids": {
                "values": [
                    CONSULTATION_IN_ALPHA,
                    DRAFT_CONSULTATION_IN_ALPHA,
                    OPEN_CONSULTATION_IN_ALPHA,
                    MEMBERS_CONSULTATION_IN_ALPHA,
                    CONSULTATION_IN_BETA,
                ]
            },
            "option-ids": {
                "values": [
                    OPTION_IN_ALPHA,
                    DRAFT_OPTION_IN_ALPHA,
                    matrix_consultations.OPEN_CHOICE,
                    matrix_consultations.MEMBERS_CHOICE,
                ]
            },
            # --- assemblies
            "assembly-ids": {
                "values": [
                    SESSION_IN_ALPHA,
                    DRAFT_ASSEMBLY_IN_ALPHA,
                    CONVENED_IN_ALPHA,
                    ASSEMBLY_IN_BETA,
                ]
            },
            "motion-ids": {
                "values": [
                    OPEN_MOTION_IN_ALPHA,
                    DRAFT_MOTION_IN_ALPHA,
                    CLOSED_MOTION_IN_ALPHA,
                    SECRET_MOTION_IN_ALPHA,
                ]
            },
            "agenda-item-ids": {"values": [ITEM_IN_ALPHA]},
            "attendance-ids": {"values": [ATTENDANCE_IN_ALPHA]},
            "proxy-ids": {"values": [PROXY_IN_ALPHA]},
            "voter-numbers": {"values": [1, 3, 4, 5, 9]},
            # --- participatory budgets
            "budget-ids": {
                "values": [
                    BUDGET_IN_ALPHA,
                    COLLECTING_BUDGET_IN_ALPHA,
                    COUNTED_BUDGET_IN_ALPHA,
                    BUDGET_IN_BETA,
                ]
            },
            "budget-project-ids": {
                "values": [
                    matrix_budgets.ON_BALLOT_ID,
                    COLLECTING_PROJECT_IN_ALPHA,
                    COUNTED_PROJECT_IN_ALPHA,
                ]
            },
            "share-classes": {"values": ["ordinarie", "sovventori", "ordinarie\x00"]},
            "categories": {"values": ["fruitore", "sovventore", "persona-giuridica"]},
            "fiscal-codes": {"values": ["RSSMRA80A41H501Y", "RSSMRA80A41H501X", "00743110157"]},
        },
        "parameters": {
            "path.slug": {"dictionary": "slugs", "probability": 0.5},
            "path.istat_code": {"dictionary": "istat-codes", "probability": 0.5},
            "path.role_id": {"dictionary": "role-ids", "probability": 0.5},
            "path.token_id": {"dictionary": "token-ids", "probability": 0.5},
            "body.territory[*]": {"dictionary": "awkward-text", "probability": 0.15},
            **{
                f"body.{field}": {"dictionary": "awkward-text", "probability": 0.15}
                for field in BODY_FIELDS
            },
            "path.member_id": {"dictionary": "member-ids", "probability": 0.5},
            "path.application_id": {"dictionary": "application-ids", "probability": 0.5},
            "path.transfer_id": {"dictionary": "transfer-ids", "probability": 0.5},
            "path.movement_id": {"dictionary": "movement-ids", "probability": 0.5},
            "path.redemption_id": {"dictionary": "redemption-ids", "probability": 0.5},
            "body.buyer_number": {"dictionary": "register-numbers", "probability": 0.5},
            "body.share_class": {"dictionary": "share-classes", "probability": 0.5},
            "body.category": {"dictionary": "categories", "probability": 0.5},
            "query.category": {"dictionary": "categories", "probability": 0.5},
            "body.fiscal_code": {"dictionary": "fiscal-codes", "probability": 0.5},
            "body.residence": {"dictionary": "istat-codes", "probability": 0.5},
            "path.resource_id": {"dictionary": "resource-ids", "probability": 0.5},
            "path.obligation_id": {"dictionary": "obligation-ids", "probability": 0.5},
            "body.municipality": {"dictionary": "istat-codes", "probability": 0.5},
            "path.unit_id": {"dictionary": "unit-ids", "probability": 0.5},
            "path.closed_day_id": {"dictionary": "closed-day-ids", "probability": 0.5},
            "path.booking_id": {"dictionary": "booking-ids", "probability": 0.5},
            "path.service_id": {"dictionary": "service-ids", "probability": 0.5},
            "body.service_id": {"dictionary": "service-ids", "probability": 0.5},
            "query.service_id": {"dictionary": "service-ids", "probability": 0.5},
            "path.event_id": {"dictionary": "event-ids", "probability": 0.5},
            "body.event_id": {"dictionary": "event-ids", "probability": 0.5},
            "path.order_id": {"dictionary": "order-ids", "probability": 0.5},
            "path.file_id": {"dictionary": "file-ids", "probability": 0.5},
            "body.code": {"dictionary": "ticket-codes", "probability": 0.5},
            "path.need_id": {"dictionary": "need-ids", "probability": 0.5},
            "body.into": {"dictionary": "need-ids", "probability": 0.5},
            "body.needs[*]": {"dictionary": "need-ids", "probability": 0.5},
            "path.proposal_id": {"dictionary": "proposal-ids", "probability": 0.5},
            "path.project_id": {"dictionary": "project-ids", "probability": 0.5},
            "path.objective_id": {"dictionary": "objective-ids", "probability": 0.5},
            "path.milestone_id": {"dictionary": "milestone-ids", "probability": 0.5},
            "path.team_id": {"dictionary": "team-ids", "probability": 0.5},
            "body.indicator_id": {"dictionary": "indicator-ids", "probability": 0.5},
            # --- consultations
            "path.consultation_id": {"dictionary": "consultation-ids", "probability": 0.5},
            "path.option_id": {"dictionary": "option-ids", "probability": 0.5},
            "body.choices[*]": {"dictionary": "option-ids", "probability": 0.5},
            # --- assemblies
            "path.assembly_id": {"dictionary": "assembly-ids", "probability": 0.5},
            "path.motion_id": {"dictionary": "motion-ids", "probability": 0.5},
            "path.item_id": {"dictionary": "agenda-item-ids", "probability": 0.5},
            "path.attendance_id": {"dictionary": "attendance-ids", "probability": 0.5},
            "path.proxy_id": {"dictionary": "proxy-ids", "probability": 0.5},
            "body.agenda_item_id": {"dictionary": "agenda-item-ids", "probability": 0.5},
            **{
                f"body.{field}": {"dictionary": "voter-numbers", "probability": 0.5}
                for field in ("number", "voter", "grantor", "holder")
            },
            # --- participatory budgets
            "path.budget_id": {"dictionary": "budget-ids", "probability": 0.5},
            "path.budget_project_id": {"dictionary": "budget-project-ids", "probability": 0.5},
            "body.projects[*]": {"dictionary": "budget-project-ids", "probability": 0.5},
            "body.project_id": {"dictionary": "project-ids", "probability": 0.5},
            "body.need_id": {"dictionary": "need-ids", "probability": 0.5},
            "body.proposal_id": {"dictionary": "proposal-ids", "probability": 0.5},
        },
        "checks": {
            # Valid-by-schema data may still break a business rule (VAT number, quorum…): 422.
            "positive_data_acceptance": {"enabled": False},
        },
    }
)
schema = schemathesis.openapi.from_wsgi("/api/v1/openapi.json", application, config=CONFIG)


def _renumber(model, old: int, new: int) -> None:
    """Give a row made by services a known primary key, moving every row that points at it (the
    foreign keys are deferred, and consistent again before the test ends)."""
    model.objects.filter(pk=old).update(**{model._meta.pk.attname: new})
    for relation in model._meta.related_objects:
        if relation.many_to_many:  # a many-to-many from another model: its link rows
            through = relation.through._base_manager
            column = relation.field.m2m_reverse_name()
        else:
            through = relation.related_model._base_manager
            column = relation.field.attname
        through.filter(**{column: old}).update(**{column: new})
    for field in model._meta.many_to_many:  # the model's own many-to-many: its link rows
        column = field.m2m_column_name()
        field.remote_field.through._base_manager.filter(**{column: old}).update(**{column: new})


def member_book(people) -> None:
    """In "alpha" the objects of the permission matrix, in "beta" one member, at known ids."""
    made = members_matrix.ids(people)
    beta = admit(people["other"], person(5), actor=people["stranger"])
    for model, old, new in [
        (Member, made["member_id"], MEMBER_IN_ALPHA),
        (Member, made["application_id"], APPLICANT_IN_ALPHA),
        (Member, beta.pk, MEMBER_IN_BETA),
        (ShareTransfer, made["transfer_id"], TRANSFER_IN_ALPHA),
        (ShareMovement, made["movement_id"], MOVEMENT_IN_ALPHA),
        (Redemption, made["redemption_id"], REDEMPTION_IN_ALPHA),
    ]:
        _renumber(model, old, new)


def commons(people) -> None:
    """In "alpha" the objects of the permission matrix, in "beta" one resource, at known ids."""
    made = commons_matrix.ids(people)
    beta = make_resource(people["other"], is_public=True)
    add_obligation(beta, due=beta.created_at.date())
    for model, old, new in [
        (CommonResource, made["resource_id"], RESOURCE_IN_ALPHA),
        (Obligation, made["obligation_id"], OBLIGATION_IN_ALPHA),
        (CommonResource, beta.pk, RESOURCE_IN_BETA),
    ]:
        _renumber(model, old, new)


def commons_use(people) -> None:
    """In "alpha" the objects of the bookings, box office and files matrices, at known ids (the
    service and event have theirs already)."""
    made = {**matrix_bookings.ids(people), **matrix_ticketing.ids(people)}
    made.update(matrix_files.ids(people))
    for model, key, new in [
        (BookableUnit, "unit_id", UNIT_IN_ALPHA),
        (ClosedDay, "closed_day_id", CLOSED_DAY_IN_ALPHA),
        (Booking, "booking_id", BOOKING_IN_ALPHA),
        (Order, "order_id", ORDER_IN_ALPHA),
        (ResourceFile, "file_id", FILE_IN_ALPHA),
    ]:
        _renumber(model, made[key], new)


def projects(people) -> None:
    """In "alpha" the objects of the projects API's matrix, in "beta" a need, a proposal and a
    project, at known ids."""
    made = projects_matrix.ids(people)
    beta, stranger = people["other"], people["stranger"]
    need = make_need(beta, stranger)
    proposal = make_proposal(beta, stranger, [need])
    project = make_project(beta, stranger)
    for model, old, new in [
        (Need, made["need_id"], NEED_IN_ALPHA),
        (Proposal, made["proposal_id"], PROPOSAL_IN_ALPHA),
        (Project, made["project_id"], PROJECT_IN_ALPHA),
        (Objective, made["objective_id"], OBJECTIVE_IN_ALPHA),
        (Milestone, made["milestone_id"], MILESTONE_IN_ALPHA),
        (TeamMember, made["team_id"], TEAM_IN_ALPHA),
        (Need, need.pk, NEED_IN_BETA),
        (Proposal, proposal.pk, PROPOSAL_IN_BETA),
        (Project, project.pk, PROJECT_IN_BETA),
    ]:
        _renumber(model, old, new)


# --- consultations: the objects the dictionaries above name --------------------------------------
def consultations(people) -> None:
    """In "alpha" the consultations of the permission matrix, in "beta" an open one, at known
    ids (the open consultations' first options have theirs already)."""
    made = matrix_consultations.ids(people)
    beta = matrix_consultations.open_consultation(people["other"], people["stranger"])
    for model, old, new in [
        (Consultation, made["consultation_id"], CONSULTATION_IN_ALPHA),
        (Consultation, made["draft_consultation_id"], DRAFT_CONSULTATION_IN_ALPHA),
        (Consultation, made["open_consultation_id"], OPEN_CONSULTATION_IN_ALPHA),
        (Consultation, made["members_consultation_id"], MEMBERS_CONSULTATION_IN_ALPHA),
        (Consultation, beta.pk, CONSULTATION_IN_BETA),
        (ConsultationOption, made["option_id"], OPTION_IN_ALPHA),
        (ConsultationOption, made["draft_option_id"], DRAFT_OPTION_IN_ALPHA),
    ]:
        _renumber(model, old, new)


# --- assemblies: the objects the dictionaries above name ----------------------------------------
def assemblies(people) -> None:
    """In "alpha" the assemblies of the assemblies API's matrix (and their member book), in
    "beta" a draft, at known ids."""
    made = matrix_assemblies_api.make(people)
    session = made["session"]
    beta = Assembly.objects.create(
        coop=people["other"], title="Beta", first_call_at=first_call(), place="Sala"
    )
    for model, old, new in [
        (Attendance, session.attendance.order_by("id").first().pk, ATTENDANCE_IN_ALPHA),
        (Proxy, session.proxies.get().pk, PROXY_IN_ALPHA),
        (AgendaItem, made["item"].pk, ITEM_IN_ALPHA),
        (Motion, made["open_motion"].pk, OPEN_MOTION_IN_ALPHA),
        (Motion, made["draft_motion"].pk, DRAFT_MOTION_IN_ALPHA),
        (Motion, made["closed_motion"].pk, CLOSED_MOTION_IN_ALPHA),
        (Motion, made["secret_motion"].pk, SECRET_MOTION_IN_ALPHA),
        (Assembly, session.pk, SESSION_IN_ALPHA),
        (Assembly, made["draft"].pk, DRAFT_ASSEMBLY_IN_ALPHA),
        (Assembly, made["convened"].pk, CONVENED_IN_ALPHA),
        (Assembly, beta.pk, ASSEMBLY_IN_BETA),
    ]:
        _renumber(model, old, new)


# --- participatory budgets: the objects the dictionaries above name ------------------------------
def budgets(people) -> None:
    """In "alpha" the budgets of the permission matrix, in "beta" one collecting projects, at
    known ids (the project on the ballot has its own already)."""
    made = matrix_budgets.ids(people)
    beta = matrix_budgets.make_budget(people["other"], people["stranger"])
    for model, old, new in [
        (BudgetProject, made["collecting_project_id"], COLLECTING_PROJECT_IN_ALPHA),
        (BudgetProject, made["counted_project_id"], COUNTED_PROJECT_IN_ALPHA),
        (ParticipatoryBudget, made["budget_id"], BUDGET_IN_ALPHA),
        (ParticipatoryBudget, made["collecting_budget_id"], COLLECTING_BUDGET_IN_ALPHA),
        (ParticipatoryBudget, made["counted_budget_id"], COUNTED_BUDGET_IN_ALPHA),
        (ParticipatoryBudget, beta.pk, BUDGET_IN_BETA),
    ]:
        _renumber(model, old, new)


def assert_error_shape(status: int, content_type: str, text: str) -> None:
    """Every 4xx is JSON ``{"detail": str, "errors": [{"field": str | None, "message": str}]}``."""
    assert 400 <= status < 500, f"status {status}: {text[:300]}"
    assert content_type.startswith("application/json"), f"{status} {content_type}: {text[:300]}"
    body = json.loads(text)
    assert isinstance(body, dict) and set(body) == {"detail", "errors"}, body
    assert isinstance(body["detail"], str) and body["detail"], body
    assert isinstance(body["errors"], list), body
    for error in body["errors"]:
        assert isinstance(error, dict) and set(error) == {"field", "message"}, body
        assert error["field"] is None or isinstance(error["field"], str), body
        assert isinstance(error["message"], str) and error["message"], body


def error_shape(ctx, response, case):
    """Schemathesis check: 4xx answers keep the API's error shape (5xx: `not_a_server_error`)."""
    if not 400 <= response.status_code < 500:
        return None
    headers = {name.lower(): values for name, values in response.headers.items()}
    content_type = headers.get("content-type", [""])[0]
    assert_error_shape(response.status_code, content_type, response.text)
    return True


@pytest.fixture
def wsgi_in_test_transaction():
    """Django's WSGI handler closes the database connection around each request, which would end
    the test's transaction; Django's test client disconnects the same signal handler."""
    signals.request_started.disconnect(close_old_connections)
    signals.request_finished.disconnect(close_old_connections)
    yield
    signals.request_started.connect(close_old_connections)
    signals.request_finished.connect(close_old_connections)


@pytest.fixture(params=["anonymous", "admin"])
def caller(request, people, wsgi_in_test_transaction) -> dict[str, str]:
    """The headers of one caller; also the objects the dictionaries name."""
    Role.objects.create(
        pk=ROLE_IN_ALPHA, coop=people["coop"], user=people["stranger"], kind=RoleKind.RESIDENT
    )
    Role.objects.create(
        pk=ROLE_IN_BETA, coop=people["other"], user=people["member"], kind=RoleKind.MEMBER
    )
    spare, _clear = api_token_create(user=people["admin"], name="spare")
    ApiToken.objects.filter(pk=spare.pk).update(id=SPARE_TOKEN)
    if "/commons" in request.node.name:
        commons(people)  # public resources: anonymous visitors read them too
    if any(path in request.node.name for path in USE_OPERATIONS):
        commons_use(people)  # public units and events: anonymous visitors use them too
    projects_operation = any(path in request.node.name for path in PROJECT_OPERATIONS)
    if projects_operation:
        projects(people)  # public needs, proposals and projects: visitors read them too
    # --- consultations
    consultation_operation = any(path in request.node.name for path in CONSULTATION_OPERATIONS)
    if consultation_operation:
        consultations(people)  # public consultations: visitors read them too
    # --- participatory budgets
    budget_operation = any(path in request.node.name for path in BUDGET_OPERATIONS)
    if budget_operation:
        budgets(people)  # public budgets: visitors read them too
    if request.param == "anonymous":
        return {}  # refused before any member is read, or on public operations that read none
    # --- assemblies: their own member book, for the admin caller only (visitors are refused)
    assembly_operation = any(path in request.node.name for path in ASSEMBLY_OPERATIONS)
    reads_no_book = projects_operation or consultation_operation or assembly_operation
    reads_no_book = reads_no_book or budget_operation
    if not reads_no_book and not any(path in request.node.name for path in CORE_OPERATIONS):
        member_book(people)
    if assembly_operation:
        assemblies(people)
    _token, clear = api_token_create(user=people["admin"], name="fuzz")
    return {"Authorization": f"Bearer {clear}"}


@pytest.mark.django_db
@schema.parametrize()
@settings(suppress_health_check=[HealthCheck.function_scoped_fixture])
def test_api_answers_every_request_without_crashing_and_in_shape(case, caller):
    """Function-scoped fixtures are shared by the examples of one operation on purpose: the
    objects may change between requests, the checks hold whatever the state."""
    case.call_and_validate(headers=caller, additional_checks=[error_shape])


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("method", "url"),
    [
        ("get", "/api/v1/nowhere"),
        ("get", "/api/v1/coops/alpha/nowhere"),
        ("get", "/api/v1/coops/alpha/"),
        ("put", "/api/v1/coops"),
        ("delete", "/api/v1/coops/alpha"),
        ("post", "/api/v1/me"),
        ("options", "/api/v1/municipalities"),
        ("trace", "/api/v1/me/tokens"),
    ],
)
def test_urls_and_methods_outside_the_schema_answer_in_shape(client, people, method, url):
    response = getattr(client, method)(url)
    assert response.status_code in (404, 405)
    content_type = response.headers.get("Content-Type", "")
    assert_error_shape(response.status_code, content_type, response.content.decode())
