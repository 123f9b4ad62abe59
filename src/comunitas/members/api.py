"""API of the member book (to be written)."""

from ninja import Router

router = Router()
