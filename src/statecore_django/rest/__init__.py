"""Django REST framework integration: transitions as API actions that cannot be bypassed.

Needs the ``rest`` extra (``pip install 'statecore[rest]'``) and ``"rest_framework"`` in
``INSTALLED_APPS``. `WorkflowModelSerializer` reads a state field as the state's name
and refuses to write it; `TransitionViewSetMixin` adds
``POST .../{pk}/transitions/{name}/`` and ``GET .../{pk}/transitions/`` to a ViewSet.
With drf-spectacular installed, `statecore_django.rest.schema` describes each transition
action in the OpenAPI schema. See docs/rest.md.
"""

from __future__ import annotations

try:
    import rest_framework  # noqa: F401
except ImportError:  # tests/django/rest/test_extra.py
    msg = "statecore_django.rest needs Django REST framework: pip install 'statecore[rest]'"
    raise ImportError(msg) from None

from .errors import TransitionRefused, refusal, status_for
from .fields import StateSerializerField
from .serializers import (
    AvailableTransitionSerializer,
    TransitionErrorSerializer,
    WorkflowModelSerializer,
    WorkflowSerializerMixin,
    describe_transitions,
)
from .views import TransitionViewSetMixin

__all__ = [
    "AvailableTransitionSerializer",
    "StateSerializerField",
    "TransitionErrorSerializer",
    "TransitionRefused",
    "TransitionViewSetMixin",
    "WorkflowModelSerializer",
    "WorkflowSerializerMixin",
    "describe_transitions",
    "refusal",
    "status_for",
]
