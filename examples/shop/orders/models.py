"""The shop's models: `Order` (two workflows) and `OrderLog` (who, from where, why)."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django.conf import settings
from django.db import models

import statecore
import statecore_django
from statecore_django.models import GenericTransitionLog

from .workflows import PaymentFlow, ShippingFlow


class Order(models.Model):
    """A customer's order. Its shipping state changes only through transitions."""

    number = models.CharField(max_length=20, unique=True)
    customer = models.EmailField()
    total = models.DecimalField(max_digits=10, decimal_places=2)
    payment = statecore_django.StateField(PaymentFlow, verbose_name="payment")
    shipping = statecore_django.StateField(ShippingFlow, protected=True, verbose_name="shipping")
    amount_paid = models.DecimalField(max_digits=10, decimal_places=2, default=Decimal("0.00"))
    payment_reference = models.CharField(max_length=40, blank=True, default="")
    tracking_number = models.CharField(max_length=40, blank=True, default="")

    class Meta:
        ordering = ("number",)
        permissions = (
            ("take_payment", "Can take payments"),
            ("refund_payment", "Can refund payments"),
            ("ship_order", "Can pack and ship orders"),
        )

    def __str__(self) -> str:
        return f"Order {self.number}"

    # -- guards ------------------------------------------------------------------------

    def is_paid(self) -> bool:
        """Only paid orders are packed."""
        return self.payment == "paid"

    def not_shipped(self) -> bool:
        """Money goes back only while the parcel is still here."""
        return self.shipping in ("waiting", "packed")

    # -- implementations ---------------------------------------------------------------

    @statecore.transition()
    def pay(self, amount: Decimal, reference: str = "", **kwargs: Any) -> None:
        if amount < self.total:
            msg = f"{amount} does not cover the total of {self.total}"
            raise statecore.AbortTransition(msg)
        self.amount_paid = amount
        self.payment_reference = reference

    @statecore.transition()
    def refund(self, reason: str = "", **kwargs: Any) -> None:
        self.amount_paid = Decimal("0.00")

    @statecore.transition()
    def ship(self, tracking_number: str, **kwargs: Any) -> None:
        self.tracking_number = tracking_number


class OrderLog(GenericTransitionLog):
    """Every transition of an order, with the staff user, their IP address and a reason."""

    EXTRA_LOG_ATTRIBUTES = (("user", "user", None), ("ip", "ip", None), ("reason", "reason", ""))

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    ip = models.GenericIPAddressField("IP address", null=True, blank=True)
    reason = models.CharField(max_length=200, blank=True, default="")

    class Meta(GenericTransitionLog.Meta):
        verbose_name = "order log entry"
        verbose_name_plural = "order log"
