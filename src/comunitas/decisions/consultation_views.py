"""Pages of the consultation part."""

urlpatterns: list = []
