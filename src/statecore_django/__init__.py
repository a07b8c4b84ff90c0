"""Django adapter for statecore: state fields, transactional transitions and transition logs.

Add ``"statecore_django"`` (and, for the ready log model, ``"statecore_django.log"``) to
``INSTALLED_APPS``, then::

    class Order(models.Model):
        state = statecore_django.StateField(OrderFlow)

The log model bases (`BaseTransitionLog`, `GenericTransitionLog`, ...) live in
``statecore_django.models``; they are importable from here too once Django's apps are
loaded.
"""

from __future__ import annotations

from typing import Any

from .fields import ForeignKeyStateField, IntegerStateField, StateField, StateFieldDescriptor
from .flows import Flow, FlowState
from .hooks import on_commit
from .signals import post_transition, pre_transition, transition_failed
from .workflow import Workflow
from .wrappers import TransactionalImplementationWrapper, is_conflict

_MODELS = (
    "BaseLastTransitionLog",
    "BaseTransitionLog",
    "GenericLastTransitionLog",
    "GenericTransitionLog",
)

__all__ = [
    "BaseLastTransitionLog",
    "BaseTransitionLog",
    "Flow",
    "FlowState",
    "ForeignKeyStateField",
    "GenericLastTransitionLog",
    "GenericTransitionLog",
    "IntegerStateField",
    "StateField",
    "StateFieldDescriptor",
    "TransactionalImplementationWrapper",
    "Workflow",
    "is_conflict",
    "on_commit",
    "post_transition",
    "pre_transition",
    "transition_failed",
]


def __getattr__(name: str) -> Any:
    """Import the log model bases on first use (they need Django's app registry)."""
    if name in _MODELS:
        from . import models

        return getattr(models, name)
    msg = f"module {__name__!r} has no attribute {name!r}"
    raise AttributeError(msg)
