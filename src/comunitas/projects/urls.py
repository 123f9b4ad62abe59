"""Pages of the projects app; the routes live next to their views."""

from comunitas.projects import need_views, project_views, proposal_views

urlpatterns = [
    *need_views.urlpatterns,
    *proposal_views.urlpatterns,
    *project_views.urlpatterns,
]
