"""consultation models: filled in by its own work."""
