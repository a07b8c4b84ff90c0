"""ViewSets of the REST security tests: a claim that may be held, and a misnamed input."""

from __future__ import annotations

from typing import Any, ClassVar

from django.urls import include, path
from rest_framework import permissions, routers, serializers, viewsets

from statecore_django.rest import TransitionViewSetMixin, WorkflowModelSerializer

from .api import TicketViewSet
from .models import Claim


class ClaimSerializer(WorkflowModelSerializer):
    class Meta:
        model = Claim
        fields = ("id", "state", "state_held_from", "note")


class PlainClaimSerializer(serializers.ModelSerializer[Claim]):
    """DRF's own ModelSerializer: ``state_held_from`` is a writable CharField."""

    class Meta:
        model = Claim
        fields = ("id", "state_held_from", "note")


class ClaimViewSet(TransitionViewSetMixin, viewsets.ModelViewSet[Claim]):
    queryset = Claim.objects.all()
    serializer_class = ClaimSerializer


class PlainClaimViewSet(ClaimViewSet):
    serializer_class = PlainClaimSerializer


class QuietPaySerializer(serializers.Serializer[Any]):
    """An input whose field is named like the call's reserved ``log=`` argument."""

    amount = serializers.IntegerField(min_value=1)
    log = serializers.BooleanField(required=False, default=True)


class QuietTicketViewSet(TicketViewSet):
    transition_serializers: ClassVar[dict[str, Any]] = {"pay": QuietPaySerializer}


router = routers.DefaultRouter()
router.register("claims", ClaimViewSet, basename="claim")
router.register("plain-claims", PlainClaimViewSet, basename="plain-claim")
router.register("quiet", QuietTicketViewSet, basename="quiet")


class GuardedTicketViewSet(TicketViewSet):
    """Tickets behind DRF's model permissions."""

    permission_classes = (permissions.DjangoModelPermissions,)


router.register("guarded", GuardedTicketViewSet, basename="guarded")

urlpatterns = [path("api/", include(router.urls))]
