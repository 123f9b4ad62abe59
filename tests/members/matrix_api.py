"""Permission-matrix rows (method, path, body, action) of the member book API."""

API: list = []
