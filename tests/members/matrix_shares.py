"""Permission-matrix rows (method, path, body, action) of these pages."""

WEB: list = []
