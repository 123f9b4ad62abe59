from django.urls import path

from comunitas.core.accounts import views as account_views
from comunitas.core.coops import views as coops_views
from comunitas.core.territory import views as territory_views

urlpatterns = [
    path("", coops_views.home, name="home"),
    path("health", coops_views.health, name="health"),
    path("cooperatives/new/", coops_views.coop_create, name="coop_create"),
    path("c/<slug:slug>/", coops_views.coop_public, name="coop_public"),
    path("c/<slug:slug>/dashboard/", coops_views.coop_dashboard, name="coop_dashboard"),
    path("c/<slug:slug>/settings/", coops_views.coop_edit, name="coop_edit"),
    path("c/<slug:slug>/statute/", coops_views.coop_statute, name="coop_statute"),
    path("c/<slug:slug>/roles/", coops_views.coop_roles, name="coop_roles"),
    path(
        "c/<slug:slug>/roles/<int:role_id>/", coops_views.coop_role_update, name="coop_role_update"
    ),
    path("c/<slug:slug>/audit/", coops_views.coop_audit, name="coop_audit"),
    path("territory/", territory_views.territory, name="territory"),
    path("territory/suggest/", territory_views.municipality_suggest, name="municipality_suggest"),
    path("account/profile/", account_views.profile, name="profile"),
    path("account/tokens/<int:token_id>/revoke/", account_views.token_revoke, name="token_revoke"),
]
