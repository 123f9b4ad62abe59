"""Pages of the commons registry; the routes live next to their views."""

from comunitas.commons import views

urlpatterns = [*views.urlpatterns]
