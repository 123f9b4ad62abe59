"""The errors a user can cause, raised by services and shown by every face.

Views turn ``ValidationError`` into form field errors, the API into a 422 JSON body
``{"detail": ..., "errors": [{"field": ..., "message": ...}]}``, the CLI into a message.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.core.exceptions import NON_FIELD_ERRORS
from django.core.exceptions import ValidationError as DjangoValidationError


@dataclass(frozen=True)
class FieldError:
    field: str | None  # None: the error concerns the whole request
    message: str


class ValidationError(Exception):
    """Bad input: one or more field errors; nothing was saved."""

    def __init__(self, message: str = "", field: str | None = None, *, errors=None) -> None:
        self.errors: list[FieldError] = list(errors or [FieldError(field, str(message))])
        super().__init__("; ".join(e.message for e in self.errors))

    @classmethod
    def from_django(cls, exc: DjangoValidationError) -> ValidationError:
        if hasattr(exc, "error_dict"):
            errors = [
                FieldError(None if name == NON_FIELD_ERRORS else name, message)
                for name, items in exc.message_dict.items()
                for message in items
            ]
        else:
            errors = [FieldError(None, message) for message in exc.messages]
        return cls(errors=errors)

    @property
    def messages(self) -> list[str]:
        return [error.message for error in self.errors]

    def as_dict(self) -> dict[str | None, list[str]]:
        grouped: dict[str | None, list[str]] = {}
        for error in self.errors:
            grouped.setdefault(error.field, []).append(error.message)
        return grouped


class LoginRequired(Exception):
    """The action needs a logged-in user (web: redirect to login; API: 401)."""
