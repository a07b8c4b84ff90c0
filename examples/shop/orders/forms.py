"""Forms of the transitions that need input; the admin shows them before running them."""

from __future__ import annotations

from decimal import Decimal

from django import forms


class PaymentForm(forms.Form):
    """What a cashier types when taking a payment."""

    amount = forms.DecimalField(
        min_value=Decimal("0.01"), max_digits=10, decimal_places=2, help_text="Amount received."
    )
    reference = forms.CharField(
        max_length=40, required=False, help_text="Card slip or bank transfer reference."
    )
