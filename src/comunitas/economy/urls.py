"""Pages of the economy app; the routes live next to their views."""

from comunitas.economy import cashbook_views, closing_views, fund_views, work_views

urlpatterns = [
    *cashbook_views.urlpatterns,
    *work_views.urlpatterns,
    *closing_views.urlpatterns,
    *fund_views.urlpatterns,
]
