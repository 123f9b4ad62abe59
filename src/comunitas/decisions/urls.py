"""Pages of the decisions app; the routes live next to their views."""

from comunitas.decisions.assemblies import urls as assemblies_urls
from comunitas.decisions.budgets import urls as budgets_urls
from comunitas.decisions.consultations import urls as consultations_urls

urlpatterns = [
    *assemblies_urls.urlpatterns,
    *consultations_urls.urlpatterns,
    *budgets_urls.urlpatterns,
]
