"""Pages of the territory: Italy's municipalities and the search that suggests them in forms."""

from django.urls import path

from comunitas.core.territory import views

site_urlpatterns = [
    path("territory/", views.territory, name="territory"),
    path("territory/suggest/", views.municipality_suggest, name="municipality_suggest"),
]
