"""Pages of the commons app; the routes live next to their views."""

from comunitas.commons.bookings import urls as bookings_urls
from comunitas.commons.files import urls as files_urls
from comunitas.commons.resources import urls as resources_urls
from comunitas.commons.stats import urls as stats_urls
from comunitas.commons.ticketing import urls as ticketing_urls

urlpatterns = [
    *resources_urls.urlpatterns,
    *bookings_urls.urlpatterns,
    *ticketing_urls.urlpatterns,
    *files_urls.urlpatterns,
    *stats_urls.urlpatterns,
]
