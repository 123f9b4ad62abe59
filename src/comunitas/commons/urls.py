"""Pages of the common resources, capability by capability.

Every page of a cooperative lives under ``c/<slug>/``; the capabilities' routes are relative to
it. Names are in the ``commons`` namespace: ``{% url 'commons:…' coop.slug %}``."""

from django.urls import include, path

from comunitas.commons.bookings import urls as bookings_urls
from comunitas.commons.files import urls as files_urls
from comunitas.commons.resources import urls as resources_urls
from comunitas.commons.stats import urls as stats_urls
from comunitas.commons.ticketing import urls as ticketing_urls

app_name = "commons"

coop_urlpatterns = [
    *resources_urls.urlpatterns,
    *bookings_urls.urlpatterns,
    *ticketing_urls.urlpatterns,
    *files_urls.urlpatterns,
    *stats_urls.urlpatterns,
]

urlpatterns = [
    path("c/<slug:slug>/", include(coop_urlpatterns)),
    *bookings_urls.site_urlpatterns,
]
