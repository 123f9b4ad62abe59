"""Routes of the projects pages and of the indicator catalogue."""

from __future__ import annotations

from django.urls import path

from comunitas.projects.projects.views import (
    budget_line_add,
    indicator_list,
    measurement_add,
    milestone_add,
    milestone_done,
    objective_add,
    project_create,
    project_detail,
    project_edit,
    project_list,
    project_update_add,
    team_add,
    team_remove,
)

P = "projects/<int:project_id>"
urlpatterns = [
    path("projects/", project_list, name="project_list"),
    path("projects/new/", project_create, name="project_create"),
    path(f"{P}/", project_detail, name="project_detail"),
    path(f"{P}/edit/", project_edit, name="project_edit"),
    path(f"{P}/objectives/", objective_add, name="objective_add"),
    path(
        f"{P}/objectives/<int:objective_id>/measurements/",
        measurement_add,
        name="measurement_add",
    ),
    path(f"{P}/milestones/", milestone_add, name="milestone_add"),
    path(f"{P}/milestones/<int:milestone_id>/done/", milestone_done, name="milestone_done"),
    path(f"{P}/budget/", budget_line_add, name="budget_line_add"),
    path(f"{P}/team/", team_add, name="team_add"),
    path(f"{P}/team/<int:team_id>/remove/", team_remove, name="team_remove"),
    path(f"{P}/updates/", project_update_add, name="project_update_add"),
    path("indicators/", indicator_list, name="indicator_list"),
]
