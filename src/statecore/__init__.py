"""statecore: workflows (finite state machines) on ordinary Python objects.

Define a `Workflow`, put it on a `WorkflowEnabled` class, and every transition becomes
a method::

    >>> import statecore
    >>> class DoorFlow(statecore.Workflow):
    ...     states = ("closed", "open")
    ...     transitions = (("open_door", "closed", "open"), ("close", "open", "closed"))
    ...     initial_state = "closed"
    >>> class Door(statecore.WorkflowEnabled):
    ...     state = DoorFlow()
    >>> door = Door()
    >>> door.open_door()
    >>> door.state
    <StateWrapper: 'open'>
"""

from contextlib import suppress as _suppress

from .availability import Availability, Reason
from .binding import (
    StateDescriptor,
    TransitionMethod,
    WorkflowEnabled,
    aavailable_transitions,
    available_transitions,
    get_transition,
    transition,
)
from .errors import (
    AbortTransition,
    AwaitRequired,
    ConcurrentTransition,
    ForbiddenTransition,
    InvalidStateError,
    InvalidTargetError,
    InvalidTransitionError,
    ProtectedStateError,
    TransitionPermissionDenied,
    UnknownTransitionError,
    WorkflowDefinitionError,
    WorkflowError,
)
from .hooks import (
    Hook,
    HookKind,
    after_transition,
    before_transition,
    on_enter_state,
    on_leave_state,
    transition_check,
)
from .implementation import ImplementationWrapper, TransitionEvent
from .states import State, StateList, StateWrapper
from .transitions import ANY, ANY_BUT_TARGET, Transition, TransitionList
from .workflow import Workflow

__version__ = "0.1.0"

__all__ = [
    "ANY",
    "ANY_BUT_TARGET",
    "AbortTransition",
    "Availability",
    "AwaitRequired",
    "ConcurrentTransition",
    "ForbiddenTransition",
    "Hook",
    "HookKind",
    "ImplementationWrapper",
    "InvalidStateError",
    "InvalidTargetError",
    "InvalidTransitionError",
    "ProtectedStateError",
    "Reason",
    "State",
    "StateDescriptor",
    "StateList",
    "StateWrapper",
    "Transition",
    "TransitionEvent",
    "TransitionList",
    "TransitionMethod",
    "TransitionPermissionDenied",
    "UnknownTransitionError",
    "Workflow",
    "WorkflowDefinitionError",
    "WorkflowEnabled",
    "WorkflowError",
    "aavailable_transitions",
    "after_transition",
    "available_transitions",
    "before_transition",
    "get_transition",
    "on_enter_state",
    "on_leave_state",
    "transition",
    "transition_check",
]

for _name in __all__:
    _obj = globals()[_name]
    if isinstance(_obj, type) or callable(_obj):
        with _suppress(AttributeError, TypeError):
            _obj.__module__ = __name__
del _name, _obj, _suppress
