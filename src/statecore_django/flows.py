"""Flow classes: a workflow on a plain class that wraps a model object.

The state lives in a field of the model; the flow class carries the transitions and
hooks (viewflow's ``fsm`` style)::

    class ReviewFlow(statecore_django.Flow):
        stage = statecore_django.FlowState(ReviewWorkflow, model=Report, field="stage")

        def __init__(self, report):
            self.report = report

        @statecore.transition()
        def approve(self): ...

``ReviewFlow(report).approve()`` then has every guarantee of a transition on the model
itself: one transaction, the locking mode, the columns the transition changed written
(the rule of `statecore_django.persistence`), the log row for the model object, the
signals (sent by the model, with the model object as ``instance``) and, on failure, the
model object restored in memory. What is restored is the model object: attributes of the
flow object itself are the flow's own business.

Everything that cannot work is refused when the flow class is defined, all at once, in
one `statecore.WorkflowDefinitionError`: a model that is not a Django model, a field it
does not have or that cannot hold a state name, a workflow that is not a
`statecore_django.Workflow`, ``log_creation`` (a flow creates no objects), and a
`statecore_django.Workflow` put directly on a flow class without `FlowState`.
"""

from __future__ import annotations

from typing import Any, ClassVar, cast

from django.db import models

import statecore
from statecore.binding import StateDescriptor, bind, state_descriptors
from statecore.workflow import did_you_mean

from . import persistence
from .fields import StateFieldMixin, import_workflow
from .workflow import Workflow
from .wrappers import TransactionalImplementationWrapper

__all__ = ["Flow", "FlowImplementationWrapper", "FlowState", "FlowStateDescriptor"]


class FlowState:
    """Declare, in a `Flow` class body, a workflow whose state is a field of a model.

    Args:
        workflow: the `statecore_django.Workflow` subclass (or its dotted path).
        model: the Django model class whose field holds the state.
        instance: the attribute of the flow object that holds the model object.
            Default: the model's name in lower case (``"report"`` for ``Report``).
        field: the model field holding the state name: a `StateField` of the same
            workflow, or a ``CharField``. Default: the attribute's name in the flow.
        protected: refuse assigning the state through the flow attribute once set.

    .. versionadded:: 0.1
    """

    __slots__ = ("field", "instance", "model", "protected", "workflow")

    def __init__(
        self,
        workflow: type[statecore.Workflow] | str,
        *,
        model: type[models.Model],
        instance: str | None = None,
        field: str | None = None,
        protected: bool = False,
    ) -> None:
        """Record the declaration; `Flow` checks it when the class is created."""
        self.workflow = import_workflow(workflow)
        self.model = model
        self.instance = instance
        self.field = field
        self.protected = protected

    def __set_name__(self, owner: type, name: str) -> None:
        """Put a `FlowStateDescriptor` on the flow class (checked by `Flow`)."""
        setattr(owner, name, FlowStateDescriptor(self, name))


class FlowStateDescriptor(StateDescriptor):
    """The state attribute of a flow class: it reads and writes the model object's field.

    The state name is kept in ``<model object>.__dict__[<field attname>]``, where the
    model's own field keeps it; a deferred field is loaded on first read.

    Attributes:
        model: the model class.
        instance: the flow attribute holding the model object.
        field: the model field (None until `Flow` resolved it).
        declaration: the `FlowState` it was made from.

    .. versionadded:: 0.1
    """

    __slots__ = ("declaration", "field", "instance", "model")

    def __init__(self, declaration: FlowState, name: str) -> None:
        """Bind ``declaration``'s workflow to the flow attribute ``name``."""
        super().__init__(declaration.workflow(protected=declaration.protected), name)
        self.declaration = declaration
        self.model = declaration.model
        instance = declaration.instance
        if instance is None and isinstance(declaration.model, type):
            instance = getattr(getattr(declaration.model, "_meta", None), "model_name", None)
        self.instance: str = instance or ""
        self.field: models.Field[Any, Any] | None = None

    def stored_object(self, flow: object) -> Any:
        """Return the model object that ``flow`` wraps.

        Raises:
            AttributeError: the flow object has no model object yet.
        """
        try:
            return getattr(flow, self.instance)
        except AttributeError:
            msg = (
                f"{type(flow).__qualname__} object has no {self.instance!r} attribute: set it "
                f"to the {self.model.__name__} object the flow wraps (in __init__) before "
                f"reading {self.name!r} or running a transition"
            )
            raise AttributeError(msg) from None

    def stored(self, instance: object) -> str | None:
        """Return the state name the model object holds, or None if it holds none."""
        stored = self.stored_object(instance)
        name = stored.__dict__.get(self.field.attname)  # type: ignore[union-attr]
        return None if name is None else str(name)

    def store(self, instance: object, name: str) -> None:
        """Put the state name ``name`` in the model object's field (no validation)."""
        self.stored_object(instance).__dict__[self.field.attname] = name  # type: ignore[union-attr]

    def missing(self, instance: object) -> str:
        """Load a deferred state field from the database; otherwise the initial state."""
        stored = self.stored_object(instance)
        state = stored._state
        if not state.adding and stored.pk is not None:
            stored.refresh_from_db(fields=[self.field.name])  # type: ignore[union-attr]
            name = stored.__dict__.get(self.field.attname)  # type: ignore[union-attr]
            if name is not None:
                return str(name)
        return type(self.workflow).initial_state.name  # type: ignore[no-any-return]

    def _accessor(self) -> property:
        """The property the core's transition path reads and writes the state through."""
        attname = self.field.attname  # type: ignore[union-attr]
        stored_object = self.stored_object

        def get(flow: object) -> Any:
            return stored_object(flow).__dict__.get(attname)

        def set_(flow: object, name: str) -> None:
            stored_object(flow).__dict__[attname] = name

        return property(get, set_)


class FlowImplementationWrapper(TransactionalImplementationWrapper[Any, Any]):
    """Runs a flow's transition on the model object it wraps (see `Flow`).

    The implementation and hooks get the flow object; the transaction, locking, writes,
    log row, signals and in-memory restore concern the model object.

    .. versionadded:: 0.1
    """

    __slots__ = ()

    def stored_object(self) -> models.Model:
        """Return the model object the flow object wraps."""
        descriptor = cast("FlowStateDescriptor", self.binding.descriptor)
        return cast("models.Model", descriptor.stored_object(self.instance))


class Flow(statecore.WorkflowEnabled):
    """Base class of flow classes: workflows on a plain class that wraps a model object.

    Declare each workflow with `FlowState`; transitions, hooks and conditions are
    written on the flow class as on any `statecore.WorkflowEnabled` class, and run on
    the flow object. See the module docs for the guarantees.

    .. versionadded:: 0.1
    """

    #: Marks flow classes (their log rows refer to the model object, not the flow).
    statecore_flow: ClassVar[bool] = True

    def __init_subclass__(cls, **kwargs: Any) -> None:
        """Check the flow's declarations, then install its transitions."""
        super(statecore.WorkflowEnabled, cls).__init_subclass__(**kwargs)
        descriptors = state_descriptors(cls)
        problems: list[str] = []
        for name, descriptor in descriptors.items():
            if isinstance(descriptor, FlowStateDescriptor):
                problems += _problems(cls, descriptor)
            elif isinstance(descriptor.workflow, Workflow):
                problems.append(
                    f"{cls.__qualname__}.{name} is a statecore_django.Workflow put directly on "
                    f"a flow class, so it has no model field to store its state in; declare "
                    f"{name} = statecore_django.FlowState({type(descriptor.workflow).__name__}, "
                    f"model=<the model class>, field=<its state field>)"
                )
        if problems:
            raise statecore.WorkflowDefinitionError(cls, problems)
        bind(cls, descriptors, wrapper_class=FlowImplementationWrapper)
        for descriptor in descriptors.values():
            if isinstance(descriptor, FlowStateDescriptor):
                if descriptor.key not in vars(cls):
                    setattr(cls, descriptor.key, descriptor._accessor())
                persistence.install(descriptor.model)


def _problems(cls: type, descriptor: FlowStateDescriptor) -> list[str]:
    """Every reason ``descriptor`` cannot work on ``cls``; resolves its model field."""
    where = f"{cls.__qualname__}.{descriptor.name}"
    workflow_cls = type(descriptor.workflow)
    problems = []
    if not isinstance(descriptor.workflow, Workflow):
        problems.append(
            f"{where}: {workflow_cls.__qualname__} is a statecore.Workflow; a flow's transitions "
            f"run in a database transaction, so subclass statecore_django.Workflow instead"
        )
    elif getattr(workflow_cls, "log_creation", False):
        problems.append(
            f"{where}: {workflow_cls.__qualname__}.log_creation is True, but a flow creates no "
            f"objects; log creations on the model ({descriptor.model!r} with a StateField) "
            f"or set log_creation = False"
        )
    model: Any = descriptor.model
    if not (isinstance(model, type) and issubclass(model, models.Model)):
        problems.append(
            f"{where}: model={model!r} is not a Django model class; pass the model class "
            f"whose field holds the state, e.g. model=Report"
        )
        return problems
    if model._meta.abstract:
        problems.append(
            f"{where}: model={model.__name__} is abstract and has no rows; pass a concrete model"
        )
        return problems
    problems += _field_problems(where, descriptor, model)
    attribute = getattr(cls, descriptor.instance, None)
    if attribute is not None and not isinstance(attribute, _DATA_ATTRIBUTES):
        problems.append(
            f"{where}: instance={descriptor.instance!r} names a method or class attribute of "
            f"{cls.__qualname__}; name the attribute that holds the {model.__name__} object"
        )
    if not descriptor.instance.isidentifier():
        problems.append(
            f"{where}: instance={descriptor.instance!r} is not an attribute name; name the "
            f"attribute that holds the {model.__name__} object"
        )
    return problems


#: Class attributes that may hold the model object on a flow (annotations, properties).
_DATA_ATTRIBUTES = (property,)


def _field_problems(
    where: str, descriptor: FlowStateDescriptor, model: type[models.Model]
) -> list[str]:
    name = descriptor.declaration.field or descriptor.name
    try:
        field = model._meta.get_field(name)
    except Exception:
        names = [f.name for f in model._meta.concrete_fields]
        return [
            f"{where}: {model.__name__} has no field {name!r}"
            f"{did_you_mean(name, names)}; pass field=<the field holding the state>"
        ]
    workflow_cls = type(descriptor.workflow)
    if isinstance(field, StateFieldMixin):
        bound: Any = field.workflow_class  # None on a migration's detached field
        if (
            bound is not None
            and not issubclass(workflow_cls, field.workflow_class)
            and not issubclass(field.workflow_class, workflow_cls)
        ):
            return [
                f"{where}: {model.__name__}.{name} is a state field of "
                f"{field.workflow_class.__qualname__}, not of {workflow_cls.__qualname__}; "
                f"use the same workflow, or a plain CharField"
            ]
        if not isinstance(field, models.CharField):
            return [
                f"{where}: {model.__name__}.{name} is a {type(field).__name__}, which stores "
                f"no state name; use a StateField or a CharField"
            ]
    elif not isinstance(field, (models.CharField, models.TextField)) or not field.concrete:
        return [
            f"{where}: {model.__name__}.{name} is a {type(field).__name__}; a flow stores the "
            f"state name in a StateField or a CharField"
        ]
    longest = max(len(state) for state in workflow_cls.states.names())
    max_length = getattr(field, "max_length", None)
    if max_length is not None and longest > max_length:
        return [
            f"{where}: {model.__name__}.{name} has max_length={max_length}, shorter than "
            f"state names of {workflow_cls.__qualname__} ({longest} characters); raise it"
        ]
    descriptor.field = field
    return []
