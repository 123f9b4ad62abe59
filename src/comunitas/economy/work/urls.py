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

J = "economy/jobs/"
V = "economy/volunteering/"
B = "economy/budgets/"
urlpatterns = [
    path(J, jobs_list, name="jobs"),
    path(f"{J}summary/", jobs_summary, name="jobs_summary"),
    path(f"{J}new/", job_create, name="job_create"),
    path(f"{J}<int:work_job_id>/edit/", job_edit, name="job_edit"),
    path(f"{J}<int:work_job_id>/end/", job_end, name="job_end"),
    path(V, volunteer_list, name="volunteering"),
    path(f"{V}new/", volunteer_create, name="volunteer_create"),
    path(f"{V}pending/", volunteer_pending, name="volunteer_pending"),
    path(f"{V}<int:work_entry_id>/confirm/", volunteer_confirm, name="volunteer_confirm"),
    path(f"{V}<int:work_entry_id>/reject/", volunteer_reject, name="volunteer_reject"),
    path(f"{V}mine/", volunteer_mine, name="volunteer_mine"),
    path(f"{V}rates/", volunteer_rates, name="volunteer_rates"),
    path(f"{V}rates/new/", volunteer_rate_create, name="volunteer_rate_create"),
    path(B, budgets, name="budgets"),
    path(f"{B}edit/", budget_edit, name="budget_edit"),
]
