"""Pages of the budget part."""

urlpatterns: list = []
