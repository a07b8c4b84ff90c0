"""The shop's REST API (Django REST framework): orders, and their transitions as actions.

``/api/orders/`` lists and edits orders; their ``payment`` and ``shipping`` states change
only through ``POST /api/orders/{id}/transitions/{name}/`` (``pay``, ``refund``, ``pack``,
``ship``, ...), run as the logged-in staff user and logged with their IP address, and
``GET /api/orders/{id}/transitions/`` says what that user may do now. See docs/rest.md.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from rest_framework import permissions, routers, serializers, viewsets
from rest_framework.request import Request

from statecore import Transition
from statecore_django.rest import TransitionViewSetMixin, WorkflowModelSerializer

from .models import Order


class OrderSerializer(WorkflowModelSerializer):
    """An order; ``payment`` and ``shipping`` read as state names and are not writable."""

    class Meta:
        model = Order
        fields = (
            "id",
            "number",
            "customer",
            "total",
            "payment",
            "shipping",
            "amount_paid",
            "payment_reference",
            "tracking_number",
        )
        read_only_fields = ("amount_paid", "payment_reference", "tracking_number")


class PaySerializer(serializers.Serializer[Any]):
    """What a cashier sends to take a payment."""

    amount = serializers.DecimalField(max_digits=10, decimal_places=2, min_value=Decimal("0.01"))
    reference = serializers.CharField(max_length=40, required=False, default="")


class RefundSerializer(serializers.Serializer[Any]):
    """Why the money goes back (recorded in the order log)."""

    reason = serializers.CharField(max_length=200)


class ShipSerializer(serializers.Serializer[Any]):
    """The carrier's tracking number."""

    tracking_number = serializers.CharField(max_length=40)


class OrderViewSet(TransitionViewSetMixin, viewsets.ModelViewSet[Order]):
    """Orders for logged-in staff; transitions check each one's permission."""

    queryset = Order.objects.all()
    serializer_class = OrderSerializer
    permission_classes = (permissions.IsAdminUser,)
    transition_serializers = {  # noqa: RUF012 - read-only mapping
        "pay": PaySerializer,
        "refund": RefundSerializer,
        "ship": ShipSerializer,
    }

    def get_transition_kwargs(
        self, request: Request, obj: Order, transition: Transition
    ) -> dict[str, Any]:
        """The client's IP address, for the order log."""
        return {"ip": request.META.get("REMOTE_ADDR")}


router = routers.DefaultRouter()
router.register("orders", OrderViewSet)
