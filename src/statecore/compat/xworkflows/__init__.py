"""xworkflows 1.1's public API on statecore's engine: change ``import xworkflows`` only.

Write ``from statecore.compat import xworkflows`` where the program imported
``xworkflows`` (``from statecore.compat.xworkflows import base`` for ``xworkflows.base``);
everything else stays as written. What differs from statecore's own API, and what is
left out, is listed in `statecore.compat.xworkflows.base`.

.. versionadded:: 0.1
"""

from __future__ import annotations

from . import base, utils
from .base import (
    AbortTransition,
    ForbiddenTransition,
    ImplementationWrapper,
    InvalidTransitionError,
    State,
    Workflow,
    WorkflowEnabled,
    WorkflowError,
    after_transition,
    before_transition,
    on_enter_state,
    on_leave_state,
    transition,
    transition_check,
)

#: The xworkflows release whose behaviour this namespace follows.
__version__ = "1.1.0"

__all__ = [
    "AbortTransition",
    "ForbiddenTransition",
    "ImplementationWrapper",
    "InvalidTransitionError",
    "State",
    "Workflow",
    "WorkflowEnabled",
    "WorkflowError",
    "after_transition",
    "base",
    "before_transition",
    "on_enter_state",
    "on_leave_state",
    "transition",
    "transition_check",
    "utils",
]
