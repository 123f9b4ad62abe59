"""Pages of the member book, capability by capability.

Every page of a cooperative lives under ``c/<slug>/``; the capabilities' routes are relative to
it. Names are in the ``members`` namespace: ``{% url 'members:…' coop.slug %}``."""

from django.urls import include, path

from comunitas.members.book import urls as book_urls
from comunitas.members.imports import urls as imports_urls
from comunitas.members.offices import urls as offices_urls
from comunitas.members.outputs import urls as outputs_urls
from comunitas.members.portal import urls as portal_urls
from comunitas.members.shares import urls as shares_urls

app_name = "members"

coop_urlpatterns = [
    *book_urls.urlpatterns,
    *shares_urls.urlpatterns,
    *offices_urls.urlpatterns,
    *portal_urls.urlpatterns,
    *outputs_urls.urlpatterns,
    *imports_urls.urlpatterns,
]

urlpatterns = [
    path("c/<slug:slug>/", include(coop_urlpatterns)),
]
