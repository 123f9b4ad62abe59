"""API of the budget part."""

from ninja import Router

router = Router()
