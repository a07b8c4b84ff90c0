"""django-fsm-2 (4.x) on statecore: change ``django_fsm`` imports to this package.

``from statecore_django.compat import django_fsm`` gives django-fsm-2's public API with its
semantics: `FSMField`, `FSMIntegerField`, `FSMKeyField` (``protected``, ``state_choices``
proxies), the `transition` decorator (stacked, several fields, ``"*"``, ``"+"``,
`RETURN_VALUE`, `GET_STATE`, ``on_error``, ``conditions``, ``permission``, ``custom``),
`can_proceed`, `has_transition_perm`, the ``get_all_/get_available_/
get_available_user_<field>_transitions`` methods, `FSMModelMixin`,
`ConcurrentTransitionMixin`, `TransitionNotAllowed`, `ConcurrentTransition`, the
``signals`` submodule, the ``admin`` submodule and the ``graph_transitions`` command
(add ``"statecore_django.compat.django_fsm"`` to ``INSTALLED_APPS``: its label is
``django_fsm``). A transition does not save, as in django-fsm.

Opt-ins django-fsm does not have: ``FSMField(atomic=True)`` (one transaction per
transition that saves the changed columns and writes the log rows, with
``locking="optimistic"|"pessimistic"|"none"`` and statecore's own log through
``log_model=``), ``transition(..., on_commit=...)``, and `workflow_for`, which compiles
a model's transitions into a statecore workflow for statecore's graphs, lint, "why not"
(`explain`) and testing helpers.

Left out on purpose: ``django_fsm.contrib.unfold``'s own look (its app is provided so that
settings listing it keep working; its templates are this package's), and django-fsm
1.x/2.x names that django-fsm-2 removed.

.. versionadded:: 0.1
"""

from __future__ import annotations

from .errors import ConcurrentTransition, InvalidResultState, TransitionNotAllowed
from .fields import FSMField, FSMFieldDescriptor, FSMFieldMixin, FSMIntegerField, FSMKeyField
from .mixins import ConcurrentTransitionMixin, FSMModelMixin
from .transitions import (
    ANY_OTHER_STATE,
    ANY_STATE,
    GET_STATE,
    RETURN_VALUE,
    FSMMeta,
    State,
    Transition,
    can_proceed,
    has_transition_perm,
    transition,
)
from .workflows import explain, workflow_for

__all__ = [
    "ANY_OTHER_STATE",
    "ANY_STATE",
    "GET_STATE",
    "RETURN_VALUE",
    "ConcurrentTransition",
    "ConcurrentTransitionMixin",
    "FSMField",
    "FSMFieldDescriptor",
    "FSMFieldMixin",
    "FSMIntegerField",
    "FSMKeyField",
    "FSMMeta",
    "FSMModelMixin",
    "InvalidResultState",
    "State",
    "Transition",
    "TransitionNotAllowed",
    "can_proceed",
    "explain",
    "has_transition_perm",
    "transition",
    "workflow_for",
]
