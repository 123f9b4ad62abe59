"""The participatory budgets' page routes, under ``c/<slug>/budgets/``."""

from __future__ import annotations

from django.urls import path

from comunitas.decisions.budgets.views import (
    budget_create,
    budget_detail,
    budget_edit,
    budget_list,
    budget_phase,
    budget_project_create,
    budget_project_detail,
    budget_project_follow_up,
    budget_project_review,
    budget_results,
    budget_vote,
)

B = "budgets/<int:budget_id>"
BP = f"{B}/projects/<int:budget_project_id>"
urlpatterns = [
    path("budgets/", budget_list, name="budget_list"),
    path("budgets/new/", budget_create, name="budget_create"),
    path(f"{B}/", budget_detail, name="budget_detail"),
    path(f"{B}/edit/", budget_edit, name="budget_edit"),
    path(f"{B}/phase/", budget_phase, name="budget_phase"),
    path(f"{B}/projects/new/", budget_project_create, name="budget_project_create"),
    path(f"{BP}/", budget_project_detail, name="budget_project_detail"),
    path(f"{BP}/review/", budget_project_review, name="budget_project_review"),
    path(f"{BP}/follow-up/", budget_project_follow_up, name="budget_project_follow_up"),
    path(f"{B}/vote/", budget_vote, name="budget_vote"),
    path(f"{B}/results/", budget_results, name="budget_results"),
]
