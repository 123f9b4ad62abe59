"""Pages of the commons app; the routes live next to their views."""

from comunitas.commons import booking_views, file_views, stats_views, ticketing_views, views

urlpatterns = [
    *views.urlpatterns,
    *booking_views.urlpatterns,
    *ticketing_views.urlpatterns,
    *file_views.urlpatterns,
    *stats_views.urlpatterns,
]
