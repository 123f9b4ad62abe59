"""Stub: being written."""

urlpatterns: list = []
