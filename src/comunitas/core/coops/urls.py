"""Pages of the cooperatives: the site's home, registering a cooperative, and a cooperative's
public page, dashboard, statute, roles, activity log and settings."""

from django.urls import path

from comunitas.core.coops import views

# Relative to c/<slug>/.
urlpatterns = [
    path("", views.coop_public, name="coop_public"),
    path("dashboard/", views.coop_dashboard, name="coop_dashboard"),
    path("settings/", views.coop_edit, name="coop_edit"),
    path("statute/", views.coop_statute, name="coop_statute"),
    path("roles/", views.coop_roles, name="coop_roles"),
    path("roles/<int:role_id>/", views.coop_role_update, name="coop_role_update"),
    path("audit/", views.coop_audit, name="coop_audit"),
]

site_urlpatterns = [
    path("", views.home, name="home"),
    path("health", views.health, name="health"),
    path("cooperatives/new/", views.coop_create, name="coop_create"),
]
