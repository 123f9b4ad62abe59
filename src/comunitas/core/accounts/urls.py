"""Pages of one's account: the profile with roles and API tokens."""

from django.urls import path

from comunitas.core.accounts import views

site_urlpatterns = [
    path("account/profile/", views.profile, name="profile"),
    path("account/tokens/<int:token_id>/revoke/", views.token_revoke, name="token_revoke"),
]
