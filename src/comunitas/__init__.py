"""Comunitas: the platform of Italian community cooperatives (cooperative di comunità)."""

__version__ = "0.1.0"
