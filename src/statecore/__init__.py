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

from .advancing import aadvance, advance, candidates
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
from .data import (
    SCHEMA_VERSION,
    workflow_from_dict,
    workflow_from_json,
    workflow_to_dict,
    workflow_to_json,
)
from .errors import (
    AbortTransition,
    AwaitRequired,
    ConcurrentTransition,
    ExpressionError,
    ForbiddenTransition,
    InvalidStateError,
    InvalidTargetError,
    InvalidTransitionError,
    NoTransitionAvailable,
    OperationNotSupported,
    ProtectedStateError,
    TransitionPermissionDenied,
    UnknownTransitionError,
    WorkflowDefinitionError,
    WorkflowError,
)
from .expressions import Expression, current_context, expression_context
from .holding import acancel, ahold, aresume, cancel, held_from, hold, resume
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
from .states import State, StateKind, StateList, StateWrapper
from .transitions import ANY, ANY_BUT_TARGET, Transition, TransitionList
from .workflow import Workflow

__version__ = "0.1.0"

__all__ = [
    "ANY",
    "ANY_BUT_TARGET",
    "SCHEMA_VERSION",
    "AbortTransition",
    "Availability",
    "AwaitRequired",
    "ConcurrentTransition",
    "Expression",
    "ExpressionError",
    "ForbiddenTransition",
    "Hook",
    "HookKind",
    "ImplementationWrapper",
    "InvalidStateError",
    "InvalidTargetError",
    "InvalidTransitionError",
    "NoTransitionAvailable",
    "OperationNotSupported",
    "ProtectedStateError",
    "Reason",
    "State",
    "StateDescriptor",
    "StateKind",
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
    "aadvance",
    "aavailable_transitions",
    "acancel",
    "advance",
    "after_transition",
    "ahold",
    "aresume",
    "available_transitions",
    "before_transition",
    "cancel",
    "candidates",
    "current_context",
    "expression_context",
    "get_transition",
    "held_from",
    "hold",
    "on_enter_state",
    "on_leave_state",
    "resume",
    "transition",
    "transition_check",
    "workflow_from_dict",
    "workflow_from_json",
    "workflow_to_dict",
    "workflow_to_json",
]

for _name in __all__:
    _obj = globals()[_name]
    if isinstance(_obj, type) or callable(_obj):
        with _suppress(AttributeError, TypeError):
            _obj.__module__ = __name__
del _name, _obj, _suppress
