"""django_xworkflows' ``StateField`` on statecore's `statecore_django.StateField`.

What it keeps from django_xworkflows, where statecore's own field differs:

- the workflow may be given as a class or an instance (``StateField(MyWorkflow())``);
- ``max_length`` is the longest state name, at least 16 (statecore's own: 32), so an
  existing column is not altered;
- ``deconstruct()`` writes ``workflow=_SerializedWorkflow(...)`` and no default, exactly
  as django_xworkflows' migrations hold it, so ``makemigrations`` finds nothing to do;
- ``Model(state=None)`` gives the initial state; an invalid state raises Django's
  ``ValidationError``; reading ``Model.state`` on the class gives the workflow.
"""

from __future__ import annotations

from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.utils.deconstruct import deconstructible

import statecore
from statecore_django.fields import StateField as _StateField
from statecore_django.fields import StateFieldDescriptor

__all__ = ["StateField", "StateFieldProperty", "StateSelect"]

#: Where migrations find this package's fields and serialized workflows.
MODELS_PATH = "statecore_django.compat.django_xworkflows.models"

#: The synthetic workflow class of each serialized workflow, built once each.
_SERIALIZED: dict[tuple[str, str, tuple[str, ...]], type[statecore.Workflow]] = {}


@deconstructible(path=f"{MODELS_PATH}._SerializedWorkflow")
class _SerializedWorkflow:
    """A workflow as django_xworkflows' migrations write it: a name, states, an initial state.

    It stands for the workflow in a migration: a workflow class with those states (and no
    transitions) is built from it, so historical models have a complete state field.

    Args:
        name: the workflow class's name.
        initial_state: the initial state's name.
        states: the state names, in order.
    """

    def __init__(self, name: str, initial_state: str, states: list[str]) -> None:
        self._name = str(name)
        self._initial_state = str(initial_state)
        self._states = [str(state) for state in states]

    @property
    def workflow_class(self) -> type[statecore.Workflow]:
        """The workflow class these values describe (built on first use, then shared)."""
        key = (self._name, self._initial_state, tuple(self._states))
        found = _SERIALIZED.get(key)
        if found is None:
            from .workflow import Workflow

            found = _SERIALIZED[key] = type(
                self._name,
                (Workflow,),
                {
                    "__module__": __name__,
                    "states": [(state, state) for state in self._states],
                    "transitions": (),
                    "initial_state": self._initial_state,
                },
            )
        return found

    def __getattr__(self, name: str) -> Any:
        if name.startswith("_"):
            raise AttributeError(name)
        return getattr(self.workflow_class, name)

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, _SerializedWorkflow):
            return NotImplemented
        return (self._name, self._initial_state, self._states) == (
            other._name,
            other._initial_state,
            other._states,
        )

    def __hash__(self) -> int:
        return hash((self._name, self._initial_state, tuple(self._states)))

    def __repr__(self) -> str:
        return f"_SerializedWorkflow({self._name!r}, {self._initial_state!r}, {self._states!r})"


class StateSelect(forms.Select):
    """django_xworkflows' select widget: renders a state, a wrapper or a name as the name.

    .. versionadded:: 0.1
    """

    def format_value(self, value: Any) -> list[str]:
        """Give the state's name for a `statecore.State` or a state wrapper."""
        if isinstance(value, (statecore.State, statecore.StateWrapper)):
            value = value.name
        return super().format_value(value)


class StateFieldProperty(StateFieldDescriptor):
    """The descriptor of a compat `StateField`, with django_xworkflows' reading and setting.

    On the class it gives the workflow (``Model.state.states``); ``None`` sets the initial
    state; an invalid state raises ``django.core.exceptions.ValidationError``.

    .. versionadded:: 0.1
    """

    __slots__ = ()

    def __get__(self, instance: object | None, owner: type) -> Any:
        if instance is None:
            return self.workflow
        return super().__get__(instance, owner)

    def __set__(self, instance: object, value: object) -> None:
        if value is None:
            value = type(self.workflow).initial_state.name
        try:
            super().__set__(instance, value)
        except statecore.InvalidStateError as exc:
            raise ValidationError(str(exc), code="invalid_choice") from exc


class StateField(_StateField):
    """django_xworkflows' ``StateField``: a ``CharField`` holding a workflow's state name.

    Args:
        workflow: the workflow class or instance (or, in a migration, a serialized one).
        **kwargs: ``CharField`` options; ``choices``, ``default``, ``blank`` and ``null``
            are the workflow's, and ``max_length`` is at least the longest state name.

    .. versionadded:: 0.1
    """

    #: The smallest ``max_length``, as django_xworkflows sizes its columns.
    DEFAULT_MAX_LENGTH = 16

    def __init__(self, workflow: Any = None, **kwargs: Any) -> None:
        """Create the field; see the class docstring."""
        given = workflow if isinstance(workflow, statecore.Workflow) else None
        if isinstance(workflow, _SerializedWorkflow):
            workflow = workflow.workflow_class
        elif given is not None:
            workflow = type(given)
        if isinstance(workflow, type) and issubclass(workflow, statecore.Workflow):
            longest = max((len(state.name) for state in workflow.states), default=0)
            kwargs["max_length"] = max(kwargs.get("max_length", self.DEFAULT_MAX_LENGTH), longest)
            kwargs["blank"] = False
            kwargs["null"] = False
        super().__init__(workflow, **kwargs)
        if given is not None:
            self.workflow = given

    def install_descriptor(self, cls: Any, name: str) -> None:
        """Put django_xworkflows' descriptor on the model class."""
        setattr(cls, name, StateFieldProperty(self, name, self.attname))

    def to_python(self, value: Any) -> Any:
        """Return the state name of ``value``; ``None`` is the initial state.

        Raises:
            ValidationError: ``value`` is not a state of the workflow.
        """
        if self.detached:
            return super().to_python(value)
        if value is None:
            return self.workflow_class.initial_state.name
        if isinstance(value, statecore.StateWrapper) and not value.known:
            return value.name
        try:
            return self.workflow_class.state_name(value, field=self.name)
        except statecore.InvalidStateError as exc:
            raise ValidationError(str(exc), code="invalid_choice") from exc

    def deconstruct(self) -> Any:
        """Return the field as django_xworkflows' migrations hold it."""
        name, _path, args, kwargs = super().deconstruct()
        if not self.detached:
            kwargs.pop("default", None)
            kwargs.pop("choices", None)
            workflow = self.workflow_class
            kwargs["workflow"] = _SerializedWorkflow(
                name=workflow.__name__,
                initial_state=str(workflow.initial_state.name),
                states=[str(state.name) for state in workflow.states],
            )
        return name, f"{MODELS_PATH}.StateField", args, kwargs
