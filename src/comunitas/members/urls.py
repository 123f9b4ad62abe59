"""Pages of the member book. Each face keeps its own routes next to its views."""

from comunitas.members import book_views, output_views, portal_views, share_views

urlpatterns = [
    *book_views.urlpatterns,
    *share_views.urlpatterns,
    *portal_views.urlpatterns,
    *output_views.urlpatterns,
]
