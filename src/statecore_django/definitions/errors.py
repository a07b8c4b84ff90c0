"""What the service functions of database-defined workflows raise, besides statecore's own.

All are `statecore.WorkflowError` subclasses carrying their data as attributes::

    WorkflowError
    ├── NotPublished       a definition has no published version to start (LookupError too)
    ├── AlreadyStarted     the object already runs that definition (ValueError too)
    ├── UnknownStatus      a status that its step does not have (ValueError too)
    └── InstanceEnded      the instance reached a final step: nothing more to do
"""

from __future__ import annotations

from typing import Any

import statecore

__all__ = ["AlreadyStarted", "InstanceEnded", "NotPublished", "UnknownStatus"]


class NotPublished(statecore.WorkflowError, LookupError):
    """The definition does not exist or was never published.

    Attributes:
        definition: the name asked for.

    .. versionadded:: 0.1
    """

    def __init__(self, message: str, *, definition: str) -> None:
        super().__init__(message)
        self.definition = definition


class AlreadyStarted(statecore.WorkflowError, ValueError):
    """The object already has an instance of the definition.

    Attributes:
        instance: the existing `WorkflowInstance`.

    .. versionadded:: 0.1
    """

    def __init__(self, message: str, *, instance: Any) -> None:
        super().__init__(message)
        self.instance = instance


class UnknownStatus(statecore.WorkflowError, ValueError):
    """A status name that the instance's current step does not define.

    Attributes:
        status: the name given.
        step: the instance's step.
        instance: the `WorkflowInstance`.

    .. versionadded:: 0.1
    """

    def __init__(self, message: str, *, status: str, step: str, instance: Any) -> None:
        super().__init__(message)
        self.status = status
        self.step = step
        self.instance = instance


class InstanceEnded(statecore.WorkflowError):
    """The instance is at a final step (completed or cancelled): it changes no more.

    Attributes:
        instance: the `WorkflowInstance`.

    .. versionadded:: 0.1
    """

    def __init__(self, message: str, *, instance: Any) -> None:
        super().__init__(message)
        self.instance = instance
