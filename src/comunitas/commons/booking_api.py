"""Placeholder: endpoints of this part of the commons app are being built."""

from ninja import Router

router = Router()
