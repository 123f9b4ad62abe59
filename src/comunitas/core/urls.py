from django.urls import path

from comunitas.core import account_views, views

urlpatterns = [
    path("", views.home, name="home"),
    path("health", views.health, name="health"),
    path("cooperatives/new/", views.coop_create, name="coop_create"),
    path("c/<slug:slug>/", views.coop_public, name="coop_public"),
    path("c/<slug:slug>/dashboard/", views.coop_dashboard, name="coop_dashboard"),
    path("c/<slug:slug>/settings/", views.coop_edit, name="coop_edit"),
    path("c/<slug:slug>/statute/", views.coop_statute, name="coop_statute"),
    path("c/<slug:slug>/roles/", views.coop_roles, name="coop_roles"),
    path("c/<slug:slug>/roles/<int:role_id>/", views.coop_role_update, name="coop_role_update"),
    path("c/<slug:slug>/audit/", views.coop_audit, name="coop_audit"),
    path("territory/", views.territory, name="territory"),
    path("territory/suggest/", views.municipality_suggest, name="municipality_suggest"),
    path("account/profile/", account_views.profile, name="profile"),
    path("account/tokens/<int:token_id>/revoke/", account_views.token_revoke, name="token_revoke"),
]
