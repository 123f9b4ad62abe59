"""Pages of the decisions app; the routes live next to their views."""

from comunitas.decisions import assembly_views, budget_views, consultation_views

urlpatterns = [
    *assembly_views.urlpatterns,
    *consultation_views.urlpatterns,
    *budget_views.urlpatterns,
]
