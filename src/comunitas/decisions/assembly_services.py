"""Every write of the assembly part."""

AUDIT_LABELS: dict[str, str] = {}
