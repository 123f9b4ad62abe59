"""API of the assembly part."""

from ninja import Router

router = Router()
