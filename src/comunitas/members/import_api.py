"""API for importing a member book (to be written)."""

from ninja import Router

router = Router()
