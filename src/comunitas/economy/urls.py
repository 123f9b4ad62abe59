"""Pages of the economy, capability by capability.

Every page of a cooperative lives under ``c/<slug>/``; the capabilities' routes are relative to
it. Names are in the ``economy`` namespace: ``{% url 'economy:…' coop.slug %}``."""

from django.urls import include, path

from comunitas.economy.cashbook import urls as cashbook_urls
from comunitas.economy.closing import urls as closing_urls
from comunitas.economy.fund import urls as fund_urls
from comunitas.economy.work import urls as work_urls

app_name = "economy"

coop_urlpatterns = [
    *cashbook_urls.urlpatterns,
    *work_urls.urlpatterns,
    *closing_urls.urlpatterns,
    *fund_urls.urlpatterns,
]

urlpatterns = [
    path("c/<slug:slug>/", include(coop_urlpatterns)),
]
