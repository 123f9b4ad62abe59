"""Pages of needs, proposals and projects, capability by capability.

Every page of a cooperative lives under ``c/<slug>/``; the capabilities' routes are relative to
it. Names are in the ``projects`` namespace: ``{% url 'projects:…' coop.slug %}``."""

from django.urls import include, path

from comunitas.projects.needs import urls as needs_urls
from comunitas.projects.projects import urls as projects_urls
from comunitas.projects.proposals import urls as proposals_urls

app_name = "projects"

coop_urlpatterns = [
    *needs_urls.urlpatterns,
    *proposals_urls.urlpatterns,
    *projects_urls.urlpatterns,
]

urlpatterns = [
    path("c/<slug:slug>/", include(coop_urlpatterns)),
]
