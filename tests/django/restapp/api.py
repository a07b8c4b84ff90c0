"""Serializers, ViewSets and the router of the REST tests."""

from __future__ import annotations

from typing import Any, ClassVar

from django.urls import include, path
from rest_framework import routers, serializers, viewsets

import statecore
from statecore_django.rest import TransitionViewSetMixin, WorkflowModelSerializer

from .models import LockedTicket, Ticket


class TicketSerializer(WorkflowModelSerializer):
    class Meta:
        model = Ticket
        fields = ("id", "state", "items", "customer", "amount", "note")


class LockedTicketSerializer(WorkflowModelSerializer):
    class Meta:
        model = LockedTicket
        fields = ("id", "state", "items", "customer", "amount", "note")


class PaySerializer(serializers.Serializer[Any]):
    amount = serializers.IntegerField(min_value=1)
    note = serializers.CharField(required=False, default="")
    user = serializers.CharField(required=False)  # must never replace the acting user


class TicketViewSet(TransitionViewSetMixin, viewsets.ModelViewSet[Ticket]):
    queryset = Ticket.objects.all()
    serializer_class = TicketSerializer
    transition_serializers: ClassVar[dict[str, Any]] = {"pay": PaySerializer}


class AssigningTicketViewSet(TicketViewSet):
    """The same, opting in to direct assignment of the (unprotected) state."""

    allow_state_assignment = True


class LockedTicketViewSet(TransitionViewSetMixin, viewsets.ModelViewSet[LockedTicket]):
    queryset = LockedTicket.objects.all()
    serializer_class = LockedTicketSerializer
    allow_state_assignment = True  # refused anyway: the model field is protected


class ReviewFlow(statecore.Workflow):
    """A review of a ticket, run on a wrapper object rather than on the model."""

    states = ("pending", "approved")
    transitions = (statecore.Transition("approve", "pending", "approved"),)
    initial_state = "pending"


class TicketReview(statecore.WorkflowEnabled):
    """A plain object wrapping a ticket: its state lives in the ticket's ``note``."""

    state = ReviewFlow()

    def __init__(self, ticket: Ticket) -> None:
        self.ticket = ticket
        self.state = ticket.note or "pending"

    @statecore.transition()
    def approve(self) -> None:
        self.ticket.note = "approved"
        self.ticket.save(update_fields=["note"])


class ReviewViewSet(TransitionViewSetMixin, viewsets.ReadOnlyModelViewSet[Ticket]):
    queryset = Ticket.objects.all()
    serializer_class = TicketSerializer

    def get_transition_target(self, obj: Ticket) -> TicketReview:
        return TicketReview(obj)

    @classmethod
    def schema_transitions(cls) -> list[statecore.Transition]:
        return list(ReviewFlow.transitions)


router = routers.DefaultRouter()
router.register("tickets", TicketViewSet)
router.register("assigning", AssigningTicketViewSet, basename="assigning")
router.register("locked", LockedTicketViewSet)
router.register("reviews", ReviewViewSet, basename="review")


class PlainTicketSerializer(serializers.ModelSerializer[Ticket]):
    """DRF's own ModelSerializer: the state is a ChoiceField that would accept any state."""

    class Meta:
        model = Ticket
        fields = ("id", "state", "note")


class PlainTicketViewSet(TransitionViewSetMixin, viewsets.ModelViewSet[Ticket]):
    queryset = Ticket.objects.all()
    serializer_class = PlainTicketSerializer


router.register("plain", PlainTicketViewSet, basename="plain")

urlpatterns = [path("api/", include(router.urls))]
