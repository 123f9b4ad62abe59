"""Pages of the projects app; the routes live next to their views."""

from comunitas.projects.needs import urls as needs_urls
from comunitas.projects.projects import urls as projects_urls
from comunitas.projects.proposals import urls as proposals_urls

urlpatterns = [
    *needs_urls.urlpatterns,
    *proposals_urls.urlpatterns,
    *projects_urls.urlpatterns,
]
