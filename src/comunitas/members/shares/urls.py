"""Pages of share capital: subscriptions, payments, transfers, exits, reimbursements, capital, the
book's settings."""

from __future__ import annotations

from django.urls import path

from comunitas.members.shares.views import (
    book_settings,
    capital,
    exit_record,
    movement_reverse,
    payment,
    redemption_pay,
    redemptions,
    subscribe,
    transfer,
    transfer_decide,
    transfers,
)

urlpatterns = [
    path("members/<int:member_id>/subscribe/", subscribe, name="shares_subscribe"),
    path("members/<int:member_id>/payment/", payment, name="shares_payment"),
    path("members/<int:member_id>/transfer/", transfer, name="shares_transfer"),
    path("members/<int:member_id>/exit/", exit_record, name="shares_exit"),
    path(
        "members/movements/<int:movement_id>/reverse/",
        movement_reverse,
        name="shares_movement_reverse",
    ),
    path("members/transfers/", transfers, name="shares_transfers"),
    path(
        "members/transfers/<int:transfer_id>/decide/",
        transfer_decide,
        name="shares_transfer_decide",
    ),
    path("members/redemptions/", redemptions, name="shares_redemptions"),
    path(
        "members/redemptions/<int:redemption_id>/pay/",
        redemption_pay,
        name="shares_redemption_pay",
    ),
    path("members/capital/", capital, name="shares_capital"),
    path("members/settings/", book_settings, name="shares_settings"),
]
