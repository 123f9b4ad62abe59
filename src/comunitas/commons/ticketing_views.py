"""Placeholder: pages of this part of the commons app are being built."""

urlpatterns: list = []
