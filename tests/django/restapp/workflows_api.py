"""ViewSets over a flow class, a data-defined workflow and database-defined workflows."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, ClassVar

from django.urls import include, path
from rest_framework import routers, serializers, viewsets
from rest_framework.request import Request
from tests.django.flowapp.flows import ReviewFlow, ReviewWorkflow
from tests.django.flowapp.models import Report

import statecore
from statecore_django.definitions import services
from statecore_django.definitions.models import WorkflowInstance
from statecore_django.rest import TransitionViewSetMixin, WorkflowModelSerializer

from .models import Expense

# -- a flow class: the state is a plain CharField of Report, moved by ReviewFlow ---------


class ReportSerializer(serializers.ModelSerializer[Report]):
    class Meta:
        model = Report
        fields = ("id", "title", "stage", "notes")
        read_only_fields = ("stage",)  # a flow's field: only the transitions move it


class ApproveSerializer(serializers.Serializer[Any]):
    note = serializers.CharField(required=False, default="")


class ReportViewSet(TransitionViewSetMixin, viewsets.ModelViewSet[Report]):
    queryset = Report.objects.all()
    serializer_class = ReportSerializer
    transition_serializers: ClassVar[dict[str, Any]] = {"approve": ApproveSerializer}

    def get_transition_target(self, obj: Report) -> ReviewFlow:
        return ReviewFlow(obj)

    @classmethod
    def schema_transitions(cls) -> list[statecore.Transition]:
        return list(ReviewWorkflow.transitions)


class PlainReportSerializer(serializers.ModelSerializer[Report]):
    """DRF's own ModelSerializer: the flow's field is a writable CharField."""

    class Meta:
        model = Report
        fields = ("id", "title", "stage")


class FlowReportViewSet(TransitionViewSetMixin, viewsets.ModelViewSet[Report]):
    """The same flow named by flow_class: target, schema and write refusals by default."""

    queryset = Report.objects.all()
    serializer_class = PlainReportSerializer
    flow_class = ReviewFlow


# -- a model whose StateField workflow was built from data, with CEL conditions ----------


class ExpenseSerializer(WorkflowModelSerializer):
    class Meta:
        model = Expense
        fields = ("id", "amount", "purpose", "state")


class ExpenseViewSet(TransitionViewSetMixin, viewsets.ModelViewSet[Expense]):
    queryset = Expense.objects.all()
    serializer_class = ExpenseSerializer

    def get_transition_context(self, request: Request, obj: Expense) -> Mapping[str, Any]:
        """The approver's limit, decided on the server from the requesting user."""
        return {"approver": {"limit": 5000 if request.user.is_staff else 100}}


# -- instances of the database-defined workflows (statecore_django.definitions) ---------


class InstanceSerializer(serializers.ModelSerializer[WorkflowInstance]):
    class Meta:
        model = WorkflowInstance
        fields = ("id", "step", "status", "completed_at")
        read_only_fields = fields


class InstanceViewSet(TransitionViewSetMixin, viewsets.ReadOnlyModelViewSet[WorkflowInstance]):
    queryset = WorkflowInstance.objects.all()
    serializer_class = InstanceSerializer

    def get_transition_target(self, obj: WorkflowInstance) -> Any:
        return services.flow(obj)

    def get_transition_context(self, request: Request, obj: WorkflowInstance) -> dict[str, Any]:
        claim: Any = obj.content_object
        return {"claim": {"amount": claim.amount, "is_high_risk": claim.is_high_risk}}


router = routers.DefaultRouter()
router.register("reports", ReportViewSet)
router.register("flow-reports", FlowReportViewSet, basename="flow-report")
router.register("expenses", ExpenseViewSet)
router.register("instances", InstanceViewSet)

urlpatterns = [path("api/", include(router.urls))]
