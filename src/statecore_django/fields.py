"""Model fields that hold a workflow's state: `StateField` and its variants.

Reading the field gives the state's `statecore.StateWrapper`; the object's ``__dict__``
holds the state's name. Choices, ``max_length`` and the default come from the workflow.

Migrations hold plain data and no reference to the workflow: ``deconstruct()`` writes
``max_length`` (it sizes the column: the longest state name, but at least
`DEFAULT_MAX_LENGTH`, so most new states fit without a migration) and the default (the
initial state, so that adding the column to a table with rows gives them a state), never
the choices or the workflow's import path. Adding a state or a transition, or renaming or
moving the workflow class, needs no migration, and historical migrations keep working
after such a refactor. A field rebuilt by a migration (a *detached* field, no workflow)
behaves like the plain column: historical models in data migrations read and write state
names. Migrations written by earlier versions name the workflow (``workflow=...``): the
field imports it when it still exists and is detached when it does not.

Once Django has prepared a model class, `prepare_model` installs the transitions of
every state field on it (``statecore.binding.bind``), whether or not the model also
inherits `statecore.WorkflowEnabled`.
"""

from __future__ import annotations

import enum
import importlib
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

from django.db import models
from django.db.models.fields.related_descriptors import ForeignKeyDeferredAttribute
from django.db.models.signals import class_prepared

import statecore
from statecore.binding import StateDescriptor, bind, state_descriptors
from statecore.states import StateNameT

from . import persistence
from .persistence import reloading
from .wrappers import TransactionalImplementationWrapper, install_django_behaviour

if TYPE_CHECKING:
    from typing import TypeAlias

    from typing_extensions import TypeVar

    # For type checkers the state fields are Django fields, generic as django-stubs types
    # them, ``Field[<what may be assigned>, <what reading gives>]``; ``__init__`` binds
    # the second to the state wrapper of the workflow's state names. Django's field
    # classes cannot be subscripted at run time: there ``_CharFieldBase[...]`` is
    # ``models.CharField`` itself.
    _StateValue: TypeAlias = str | statecore.State | statecore.StateWrapper | enum.Enum
    _SetT = TypeVar("_SetT", contravariant=True, default=_StateValue)
    _IntSetT = TypeVar("_IntSetT", contravariant=True, default=_StateValue | int)
    _KeySetT = TypeVar("_KeySetT", contravariant=True, default=_StateValue | models.Model)
    _GetT = TypeVar("_GetT", covariant=True, default=statecore.StateWrapper)
    _FieldBase = models.Field
    _CharFieldBase = models.CharField
    _IntegerFieldBase = models.IntegerField
    _ForeignKeyBase = models.ForeignKey
else:
    from typing import TypeVar

    class _Unsubscripted:
        """``Base[...]`` is ``Base`` at run time: Django's field classes are not generic."""

        __slots__ = ("base",)

        def __init__(self, base: type) -> None:
            self.base = base

        def __getitem__(self, parameters: object) -> type:
            return self.base

    _SetT = TypeVar("_SetT")
    _IntSetT = TypeVar("_IntSetT")
    _KeySetT = TypeVar("_KeySetT")
    _GetT = TypeVar("_GetT")
    _FieldBase = _Unsubscripted(object)
    _CharFieldBase = _Unsubscripted(models.CharField)
    _IntegerFieldBase = _Unsubscripted(models.IntegerField)
    _ForeignKeyBase = _Unsubscripted(models.ForeignKey)

__all__ = [
    "DEFAULT_MAX_LENGTH",
    "ForeignKeyStateField",
    "IntegerStateField",
    "StateField",
    "StateFieldDescriptor",
]

#: The smallest ``max_length`` a `StateField` derives from its workflow.
DEFAULT_MAX_LENGTH = 32


def import_workflow(workflow: type[statecore.Workflow] | str) -> type[statecore.Workflow]:
    """Return the workflow class named by a dotted path, or the class itself.

    Args:
        workflow: a `statecore.Workflow` subclass, or its dotted path
            (``"shop.workflows.OrderFlow"``; nested classes allowed).

    Returns:
        The workflow class.

    Raises:
        TypeError: the value is not a workflow class with states.
        ImportError: the path cannot be imported.
    """
    if isinstance(workflow, str):
        parts = workflow.split(".")
        for cut in range(len(parts) - 1, 0, -1):
            try:
                target: Any = importlib.import_module(".".join(parts[:cut]))
            except ImportError:
                continue
            try:
                for attribute in parts[cut:]:
                    target = getattr(target, attribute)
            except AttributeError:
                break
            workflow = target
            break
        else:
            msg = f"cannot import workflow {workflow!r}; give its full dotted path"
            raise ImportError(msg)
        if isinstance(workflow, str):
            msg = f"cannot import workflow {workflow!r}; give its full dotted path"
            raise ImportError(msg)
    found: object = workflow  # untyped callers may pass anything
    if not (isinstance(found, type) and issubclass(found, statecore.Workflow)):
        msg = f"a state field needs a statecore.Workflow subclass, got {found!r}"
        raise TypeError(msg)
    if not isinstance(found.__dict__.get("_wrappers"), dict) or not found.states:
        msg = f"{found.__qualname__} defines no states; a state field needs a complete workflow"
        raise TypeError(msg)
    return found


def workflow_path(workflow: type[statecore.Workflow]) -> str:
    """Return the dotted path `import_workflow` resolves back to ``workflow``."""
    return f"{workflow.__module__}.{workflow.__qualname__}"


class StateFieldDescriptor(StateDescriptor):
    """The descriptor a state field puts on its model class.

    Reads give the `statecore.StateWrapper` of the state named in
    ``instance.__dict__[field.attname]``. A deferred field (``.only()``, ``.defer()``)
    is loaded from the database on first read; an object never given a state is in the
    workflow's initial state. On a protected field, assignment is refused once the state
    is set, except by Django's own loading: a new object (``Model.__init__``, ``from_db``,
    fixtures) has no state yet, and ``refresh_from_db()`` (also behind deferred loading)
    is wrapped by `prepare_model` to allow it.

    Attributes:
        field: the model field.

    .. versionadded:: 0.1
    """

    __slots__ = ("field",)

    def __init__(self, field: StateFieldMixin[Any, Any], name: str, key: str) -> None:
        """Bind ``field``'s workflow to attribute ``name``, stored at ``__dict__[key]``."""
        super().__init__(field.workflow, name, key)
        self.field = field

    def __set__(self, instance: object, value: object) -> None:
        """Validate and set the state (refused on a protected field once set).

        On a protected field, assigning the state the object already holds is allowed
        (a form or serializer writing back the unchanged value); any other value is
        refused with `statecore.ProtectedStateError`.
        """
        name = self.field.state_name(value)
        if self.workflow.protected:
            stored = self.stored(instance)
            if stored is not None and stored != name and reloading.get() is not instance:
                super().__set__(instance, value)  # raises the core's ProtectedStateError
        self.store(instance, name)

    def missing(self, instance: object) -> str:
        """Load a deferred state from the database; otherwise return the initial state."""
        state = getattr(instance, "_state", None)
        if state is not None and not state.adding and getattr(instance, "pk", None) is not None:
            instance.refresh_from_db(fields=[self.field.name])  # type: ignore[attr-defined]
            name = instance.__dict__.get(self.key)
            if name is not None:
                return name  # type: ignore[no-any-return]
        return type(self.workflow).initial_state.name  # type: ignore[no-any-return]


class StateFieldMixin(_FieldBase[_SetT, _GetT]):
    """What the state fields share: the workflow, conversions, descriptor and deconstruct."""

    workflow: statecore.Workflow
    workflow_class: type[statecore.Workflow]
    name: str
    attname: str
    _derived: list[str]

    def _setup(self, workflow: type[statecore.Workflow] | str | None, protected: bool) -> bool:
        """Bind the workflow; return False for a detached field (a migration's, no workflow).

        A workflow path that no longer imports detaches the field too: migrations
        written by earlier versions name it. A detached field on a real model is refused
        in `contribute_to_class`.
        """
        self.protected = protected
        self.workflow_error: Exception | None = None
        workflow_class: type[statecore.Workflow] | None = None
        try:
            workflow_class = import_workflow(workflow) if workflow is not None else None
        except ImportError as exc:
            self.workflow_error = exc
        if workflow_class is None:
            # Typed as always set: only a migration's historical model has no workflow.
            self.workflow_class = None  # type: ignore[assignment]
            self.workflow = None
            return False
        self.workflow_class = workflow_class
        self.workflow = workflow_class(protected=protected)
        return True

    @property
    def detached(self) -> bool:
        """True for a field rebuilt by a migration: no workflow, a plain column."""
        return self.workflow_class is None

    def state_name(self, value: object) -> str:
        """Return the state name ``value`` stands for (also an unknown stored state)."""
        if (
            isinstance(value, statecore.StateWrapper)
            and not value.known
            and value.workflow is self.workflow_class
        ):
            return value.state.name
        return self.workflow_class.state_name(value, field=getattr(self, "name", None))

    def contribute_to_class(
        self, cls: type[models.Model], name: str, private_only: bool = False, **kwargs: Any
    ) -> None:
        """Add the field to ``cls`` and put the state descriptor on it."""
        self.refuse_detached(cls, name)
        super().contribute_to_class(cls, name, private_only=private_only, **kwargs)
        if not self.detached:
            self.install_descriptor(cls, self.attname)

    def refuse_detached(self, cls: type[models.Model], name: str) -> None:
        """Raise unless ``cls`` is a migration's historical model or the field has a workflow."""
        if not self.detached or cls.__module__ == "__fake__":
            return
        if self.workflow_error is not None:
            raise self.workflow_error
        msg = (
            f"{cls.__qualname__}.{name}: a state field needs its workflow, e.g. "
            f"{type(self).__name__}(OrderFlow)"
        )
        raise TypeError(msg)

    def deconstruct(self) -> tuple[str, str, Sequence[Any], dict[str, Any]]:
        """Return the field for migrations: plain data, no workflow, no derived choices."""
        name, path, args, kwargs = super().deconstruct()
        if not self.detached:
            for option in self._derived:
                kwargs.pop(option, None)
        return name, path, args, kwargs

    def formfield(self, **kwargs: Any) -> Any:
        """Return the form field; a protected state is shown read-only (disabled).

        A protected state changes only through transitions, so forms (a ``ModelForm``,
        the admin's default form) show it without letting anyone submit another value.
        """
        if self.protected and not self.detached:
            kwargs.setdefault("disabled", True)
        return super().formfield(**kwargs)

    def install_descriptor(self, cls: type[models.Model], name: str) -> None:
        """Put the state descriptor on ``cls`` (after Django's own ``contribute_to_class``)."""
        setattr(cls, name, StateFieldDescriptor(self, name, self.attname))


if TYPE_CHECKING:
    _Mixin = StateFieldMixin
else:
    _Mixin = _Unsubscripted(StateFieldMixin)


class StateField(_Mixin[_SetT, _GetT], _CharFieldBase[_SetT, _GetT]):
    """A ``CharField`` holding the name of a workflow state.

    Args:
        workflow: the `statecore_django.Workflow` (or any `statecore.Workflow`)
            subclass, or its dotted path.
        protected: refuse direct assignment once the state is set; the state then
            changes only through transitions.
        **kwargs: ``CharField`` options. ``choices`` (the states and their titles),
            ``default`` (the initial state) and ``max_length`` (the longest state name,
            at least `DEFAULT_MAX_LENGTH`) are derived from the workflow when not given.

    Example::

        class Order(models.Model):
            state = StateField(OrderFlow)

    .. versionadded:: 0.1
    """

    description = "Workflow state"

    def __init__(
        self: StateField[_StateValue, statecore.StateWrapper[StateNameT]],
        workflow: type[statecore.Workflow[StateNameT]] | str | None = None,
        protected: bool = False,
        **kwargs: Any,
    ) -> None:
        """Create the field; see the class docstring for the arguments."""
        self._derived = [option for option in ("choices",) if option not in kwargs]
        if self._setup(workflow, protected):
            states = self.workflow_class.states
            longest = max(DEFAULT_MAX_LENGTH, *(len(s.name) for s in states))
            kwargs.setdefault("max_length", longest)
            kwargs.setdefault("choices", [(s.name, s.title) for s in states])
            kwargs.setdefault("default", self.workflow_class.initial_state.name)
        super().__init__(**kwargs)

    def from_db_value(self, value: Any, expression: Any, connection: Any) -> Any:
        """Keep known names; turn a stored name the workflow lacks into an unknown wrapper."""
        if value is None or self.detached or value in self.workflow_class.states:
            return value
        return self.workflow_class.wrap(str(value))

    def to_python(self, value: Any) -> Any:
        """Return the state name of ``value`` (a name, State, wrapper or enum member)."""
        if self.detached:
            return super().to_python(value)
        if value is None or (isinstance(value, str) and value in self.workflow_class.states):
            return value
        if isinstance(value, statecore.StateWrapper) and not value.known:
            return value.name
        try:
            return self.workflow_class.state_name(value, field=self.name)
        except statecore.InvalidStateError:
            return value if isinstance(value, str) else str(value)

    def get_prep_value(self, value: Any) -> Any:
        """Return the stored name of ``value``."""
        # Field's step (lazy strings), then one conversion: CharField's would convert twice.
        return self.to_python(models.Field.get_prep_value(self, value))

    def value_from_object(self, obj: models.Model) -> Any:
        """Return the state name (for forms and serializers)."""
        return self.to_python(getattr(obj, self.attname))

    def value_to_string(self, obj: models.Model) -> str:
        """Return the state name (for serializers)."""
        return str(self.value_from_object(obj))


class IntegerStateField(_Mixin[_IntSetT, _GetT], _IntegerFieldBase[_IntSetT, _GetT]):
    """An ``IntegerField`` holding the value of a workflow state with integer values.

    Every state must declare an integer ``value`` (e.g. a workflow whose ``states`` is
    a Django ``IntegerChoices``). Reads still give the state wrapper; the object's
    ``__dict__`` holds the state's name and the column its value.

    Args:
        workflow: the workflow class, or its dotted path.
        protected: refuse direct assignment once the state is set.
        **kwargs: ``IntegerField`` options; ``choices`` and ``default`` are derived.

    .. versionadded:: 0.1
    """

    description = "Workflow state (integer)"

    def __init__(
        self: IntegerStateField[_StateValue | int, statecore.StateWrapper[StateNameT]],
        workflow: type[statecore.Workflow[StateNameT]] | str | None = None,
        protected: bool = False,
        **kwargs: Any,
    ) -> None:
        """Create the field; see the class docstring for the arguments."""
        self._derived = [option for option in ("choices",) if option not in kwargs]
        if not self._setup(workflow, protected):
            self._by_value: dict[Any, str] = {}
            super().__init__(**kwargs)
            return
        states = self.workflow_class.states
        missing = [s.name for s in states if not isinstance(s.value, int)]
        if missing:
            msg = (
                f"IntegerStateField needs integer state values; states of "
                f"{self.workflow_class.__qualname__} without one: {', '.join(missing)}; "
                f"give them values (e.g. states from an IntegerChoices) or use StateField"
            )
            raise TypeError(msg)
        self._by_value = {s.value: s.name for s in states}
        kwargs.setdefault("choices", [(s.value, s.title) for s in states])
        kwargs.setdefault("default", self.workflow_class.initial_state.value)
        super().__init__(**kwargs)

    def from_db_value(self, value: Any, expression: Any, connection: Any) -> Any:
        """Return the state name of a stored value; an unknown value as an unknown wrapper."""
        if value is None or self.detached:
            return value
        name = self._by_value.get(value)
        return name if name is not None else self.workflow_class.wrap(str(value))

    def to_python(self, value: Any) -> Any:
        """Return the integer stored for ``value`` (a name, value, State, wrapper, member)."""
        if value is None or self.detached:
            return super().to_python(value)
        if isinstance(value, statecore.StateWrapper) and not value.known:
            return int(value.name)
        if isinstance(value, int) and not isinstance(value, (bool, enum.Enum)):
            return value
        try:
            name = self.workflow_class.state_name(value, field=self.name)
        except statecore.InvalidStateError:
            return super().to_python(value)
        return self.workflow_class.states[name].value

    def get_prep_value(self, value: Any) -> Any:
        """Return the stored integer of ``value``."""
        return self.to_python(value)

    def value_from_object(self, obj: models.Model) -> Any:
        """Return the state's integer value (for forms and serializers)."""
        return self.to_python(getattr(obj, self.attname))


class ForeignKeyStateField(_Mixin[_KeySetT, _GetT], _ForeignKeyBase[_KeySetT, _GetT]):
    """A foreign key to a table whose rows are the states, keyed by state name.

    The related model holds one row per state, with the state name as its primary key
    (or as the unique field named by ``to_field``). Reading the attribute gives the
    state wrapper, not the row; the column (``<name>_id``) holds the state name, so
    the database enforces that only states present in the table are stored.

    Args:
        workflow: the workflow class, or its dotted path.
        to: the model holding the states.
        protected: refuse direct assignment once the state is set.
        on_delete: what deleting a state row does; default ``models.PROTECT``.
        **kwargs: ``ForeignKey`` options; ``default`` is the initial state.

    .. versionadded:: 0.1
    """

    description = "Workflow state (foreign key)"

    def __init__(
        self: ForeignKeyStateField[_StateValue | models.Model, statecore.StateWrapper[StateNameT]],
        workflow: type[statecore.Workflow[StateNameT]] | str | None = None,
        to: Any = None,
        protected: bool = False,
        on_delete: Any = models.PROTECT,
        **kwargs: Any,
    ) -> None:
        """Create the field; see the class docstring for the arguments."""
        self._derived = []
        if self._setup(workflow, protected):
            kwargs.setdefault("default", self.workflow_class.initial_state.name)
        kwargs.setdefault("related_name", "+")
        super().__init__(to, on_delete=on_delete, **kwargs)

    def contribute_to_class(
        self, cls: type[models.Model], name: str, private_only: bool = False, **kwargs: Any
    ) -> None:
        """Add the field to ``cls`` and put the state descriptor at its name.

        Unlike the other state fields, the descriptor goes at the field's name (the
        foreign key's own descriptor is replaced), not at ``<name>_id``.
        """
        self.refuse_detached(cls, name)
        models.ForeignKey.contribute_to_class(self, cls, name, private_only=private_only, **kwargs)
        if self.detached:
            return
        state = StateFieldDescriptor(self, name, self.attname)
        setattr(cls, name, state)
        setattr(cls, self.attname, _StateColumnDescriptor(self, state))

    def from_db_value(self, value: Any, expression: Any, connection: Any) -> Any:
        """Keep known names; turn a stored name the workflow lacks into an unknown wrapper."""
        if value is None or self.detached or value in self.workflow_class.states:
            return value
        return self.workflow_class.wrap(str(value))

    def state_name(self, value: object) -> str:
        """Return the state name of ``value``, which may also be a row of the state table."""
        if isinstance(value, models.Model):
            value = getattr(value, self.target_field.attname)
        return super().state_name(value)


class _StateColumnDescriptor(ForeignKeyDeferredAttribute):
    """The ``<name>_id`` attribute of a `ForeignKeyStateField`: set through the state's rules.

    Assigning the column validates the state and respects protection, exactly like
    assigning the field's own attribute.
    """

    def __init__(self, field: ForeignKeyStateField[Any, Any], state: StateFieldDescriptor) -> None:
        super().__init__(field)
        self.state = state

    def __set__(self, instance: Any, value: Any) -> None:
        self.state.__set__(instance, value)


def prepare_model(sender: type[models.Model], **kwargs: Any) -> None:
    """Install the transitions of a model's state fields once Django prepared the class.

    Connected to ``class_prepared``; models without a state field are left alone.
    """
    if sender.__module__ == "__fake__":
        return  # a migration's historical model: it has no methods to bind conditions to
    descriptors = state_descriptors(sender)
    if not any(isinstance(d, StateFieldDescriptor) for d in descriptors.values()):
        return
    bind(sender, descriptors, wrapper_class=TransactionalImplementationWrapper)
    install_django_behaviour(sender, descriptors)
    persistence.install(sender)


class_prepared.connect(prepare_model, dispatch_uid="statecore_django.prepare_model")
