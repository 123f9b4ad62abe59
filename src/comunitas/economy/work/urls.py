"""Pages of jobs, volunteering and budgets."""

from __future__ import annotations

from django.urls import path

from comunitas.economy.work.views import (
    budget_edit,
    budgets,
    job_create,
    job_edit,
    job_end,
    jobs_list,
    jobs_summary,
    volunteer_confirm,
    volunteer_create,
    volunteer_list,
    volunteer_mine,
    volunteer_pending,
    volunteer_rate_create,
    volunteer_rates,
    volunteer_reject,
)

J = "c/<slug:slug>/economy/jobs/"
V = "c/<slug:slug>/economy/volunteering/"
B = "c/<slug:slug>/economy/budgets/"
urlpatterns = [
    path(J, jobs_list, name="economy_jobs"),
    path(f"{J}summary/", jobs_summary, name="economy_jobs_summary"),
    path(f"{J}new/", job_create, name="economy_job_create"),
    path(f"{J}<int:work_job_id>/edit/", job_edit, name="economy_job_edit"),
    path(f"{J}<int:work_job_id>/end/", job_end, name="economy_job_end"),
    path(V, volunteer_list, name="economy_volunteering"),
    path(f"{V}new/", volunteer_create, name="economy_volunteer_create"),
    path(f"{V}pending/", volunteer_pending, name="economy_volunteer_pending"),
    path(f"{V}<int:work_entry_id>/confirm/", volunteer_confirm, name="economy_volunteer_confirm"),
    path(f"{V}<int:work_entry_id>/reject/", volunteer_reject, name="economy_volunteer_reject"),
    path(f"{V}mine/", volunteer_mine, name="economy_volunteer_mine"),
    path(f"{V}rates/", volunteer_rates, name="economy_volunteer_rates"),
    path(f"{V}rates/new/", volunteer_rate_create, name="economy_volunteer_rate_create"),
    path(B, budgets, name="economy_budgets"),
    path(f"{B}edit/", budget_edit, name="economy_budget_edit"),
]
