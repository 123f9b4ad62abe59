"""The site's own pages (home, health, a new cooperative, territory, one's account) and a
cooperative's home, dashboard, statute, roles, activity log and settings.

Every page of a cooperative lives under ``c/<slug>/``; the capabilities' routes are relative to
it. Names are in the ``core`` namespace: ``{% url 'core:…' coop.slug %}``."""

from django.urls import include, path

from comunitas.core.accounts import urls as accounts_urls
from comunitas.core.coops import urls as coops_urls
from comunitas.core.territory import urls as territory_urls

app_name = "core"

coop_urlpatterns = [
    *coops_urls.urlpatterns,
]

urlpatterns = [
    *coops_urls.site_urlpatterns,
    *territory_urls.site_urlpatterns,
    *accounts_urls.site_urlpatterns,
    path("c/<slug:slug>/", include(coop_urlpatterns)),
]
