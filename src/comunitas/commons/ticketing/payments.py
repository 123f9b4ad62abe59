"""How an order gets paid: a small payment-provider interface and the one provider the
cooperatives use today, the manual one (money at the desk or by bank transfer, confirmed by
staff). A real gateway would be another class with the same two methods; none is wired in.

``start(order)`` says what the buyer must do; ``confirm(order, reference)`` says whether the
money arrived. The order services call them; they never write anything themselves."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Protocol

from django.utils.translation import gettext as _

from comunitas.commons.models import Order, PaymentMethod, PaymentState

# A cooperative states its bank account as a fact of its public page (key "iban"); until it
# does, buyers are told to ask for it.
IBAN_FACT = "iban"


@dataclass(frozen=True)
class Instructions:
    """What the buyer must do to pay: the text to show, and for a bank transfer the account
    and the reference to quote so staff can match the transfer to the order."""

    method: str
    text: str
    iban: str = ""
    reference: str = ""


class PaymentProvider(Protocol):
    name: str

    def start(self, order: Order) -> Instructions: ...

    def confirm(self, order: Order, reference: str) -> bool: ...


class ManualProvider:
    """Staff see the money (cash at the desk, a transfer on the bank statement) and confirm
    the payment by hand; nothing leaves the server."""

    name = "manual"
    methods = (PaymentMethod.ON_SITE, PaymentMethod.BANK_TRANSFER)

    def start(self, order: Order) -> Instructions:
        if order.payment_state == PaymentState.NOTHING_DUE:
            return Instructions(order.payment_method, _("Nothing to pay."))
        if order.payment_state != PaymentState.TO_PAY:
            return Instructions(order.payment_method, "")
        if order.payment_method == PaymentMethod.BANK_TRANSFER:
            iban = (
                order.coop.facts.filter(key=IBAN_FACT).values_list("value", flat=True).first() or ""
            )
            text = (
                _("Pay by bank transfer, quoting the reference below.")
                if iban
                else _(
                    "Pay by bank transfer, quoting the reference below; ask the cooperative "
                    "for its IBAN."
                )
            )
            return Instructions(order.payment_method, text, iban=iban, reference=order.code)
        return Instructions(
            order.payment_method, _("Pay at the desk before the event, showing the order code.")
        )

    def confirm(self, order: Order, reference: str) -> bool:
        # A person saw the money: their confirmation is the payment.
        return True


PROVIDERS: dict[str, PaymentProvider] = {ManualProvider.name: ManualProvider()}
DEFAULT_PROVIDER = ManualProvider.name


def provider_for(order: Order) -> PaymentProvider:
    return PROVIDERS[order.payment_provider or DEFAULT_PROVIDER]
