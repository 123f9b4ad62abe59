"""Every write of the consultation part."""

AUDIT_LABELS: dict[str, str] = {}
