"""Pages of assemblies, consultations and participatory budgets, capability by capability.

Every page of a cooperative lives under ``c/<slug>/``; the capabilities' routes are relative to
it. Names are in the ``decisions`` namespace: ``{% url 'decisions:…' coop.slug %}``."""

from django.urls import include, path

from comunitas.decisions.assemblies import urls as assemblies_urls
from comunitas.decisions.budgets import urls as budgets_urls
from comunitas.decisions.consultations import urls as consultations_urls

app_name = "decisions"

coop_urlpatterns = [
    *assemblies_urls.urlpatterns,
    *consultations_urls.urlpatterns,
    *budgets_urls.urlpatterns,
]

urlpatterns = [
    path("c/<slug:slug>/", include(coop_urlpatterns)),
]
