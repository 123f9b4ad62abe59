"""Every write of the budget part."""

AUDIT_LABELS: dict[str, str] = {}
