"""Pages of the assembly part."""

urlpatterns: list = []
