"""System checks of state fields, their workflows and the ``statecore_django`` settings.

Registered when the ``statecore_django`` app is ready; ``manage.py check`` runs them.
Every message has a stable id and a hint that says what to do:

``statecore.E001``
    A state field's default is not a state of its workflow.
``statecore.E002``
    A state field's ``max_length`` is shorter than the longest state name (or, for a
    foreign-key state field, the state table's key is too short).
``statecore.E003``
    A workflow's log model (``log_model`` or ``STATECORE_LOG_MODEL``) cannot be used: it
    is not installed, not a `statecore_django.models.BaseTransitionLog` subclass, abstract,
    or lacks a field it needs (``EXTRA_LOG_ATTRIBUTES``, ``MODIFIED_OBJECT_FIELD``).
``statecore.E004``
    An invalid locking mode (``STATECORE_LOCKING`` or a workflow's ``locking``).
``statecore.E005``
    A state field allows NULL (``null=True``): a row without a state has no place in the
    workflow, and loading one would fail.
``statecore.W001``
    Rows of the database hold a state their workflow no longer has. This is a database
    check: it runs only when databases are given (``manage.py check --database default``),
    as Django's own database checks do. ``manage.py statecore_stale_states`` lists them.

`state_fields` and `stale_states` are shared with the management commands.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, cast

import attrs
from django.apps import apps
from django.conf import settings
from django.core import checks
from django.db import DatabaseError, connections, router, transaction
from django.db.models import Count

import statecore

from . import conf
from .fields import IntegerStateField, StateFieldMixin

if TYPE_CHECKING:
    from collections.abc import Iterable, Sequence

    from django.apps import AppConfig
    from django.db import models

__all__ = ["StaleState", "check_fields", "check_settings", "check_stale_rows", "stale_states"]

#: How many primary keys `stale_states` gives as examples per stale state.
EXAMPLE_PKS = 3


def state_fields(
    app_configs: Sequence[AppConfig] | None = None,
) -> list[tuple[type[models.Model], Any]]:
    """Return ``(model, field)`` for every state field, once per concrete table.

    Proxy models and fields inherited from a multi-table parent are left out, so each
    column appears once.

    Args:
        app_configs: only the models of these apps; every installed app when None.
    """
    if app_configs is None:
        models_ = apps.get_models()
    else:
        models_ = [model for config in app_configs for model in config.get_models()]
    found = []
    for model in models_:
        if model._meta.proxy:
            continue
        for field in model._meta.local_fields:
            if isinstance(field, StateFieldMixin):
                found.append((model, field))
    return found


def _label(model: type[models.Model], field: Any) -> str:
    return f"{model._meta.label}.{field.name}"


# -- configuration checks ---------------------------------------------------------------------


@checks.register(checks.Tags.models)
def check_fields(
    app_configs: Sequence[AppConfig] | None = None, **kwargs: Any
) -> list[checks.CheckMessage]:
    """Check every state field: default, size, the workflow's log model and locking.

    Returns:
        The errors found (``statecore.E001`` to ``statecore.E005``).
    """
    errors: list[checks.CheckMessage] = []
    for model, field in state_fields(app_configs):
        errors.extend(_check_null(model, field))
        errors.extend(_check_default(model, field))
        errors.extend(_check_size(model, field))
        errors.extend(_check_log_model(model, field))
        errors.extend(_check_locking(model, field))
    return errors


def _check_null(model: type[models.Model], field: Any) -> list[checks.CheckMessage]:
    if not field.null:
        return []
    workflow = field.workflow_class
    return [
        checks.Error(
            f"{_label(model, field)} allows NULL (null=True), but every object of "
            f"{workflow.__qualname__} is in one of its states; a row holding NULL would not "
            f"load.",
            hint=f"Remove null=True: new rows start in {workflow.initial_state.name!r} (the "
            f"workflow's initial state). For 'no state yet', add a state such as 'new' to "
            f"the workflow and make it the initial state.",
            obj=field,
            id="statecore.E005",
        )
    ]


def _check_default(model: type[models.Model], field: Any) -> list[checks.CheckMessage]:
    if not field.has_default():
        return []
    default = field.get_default()
    if default is None and field.null:
        return []
    workflow = field.workflow_class
    try:
        workflow.state_name(default)
    except statecore.InvalidStateError:
        states = ", ".join(workflow.states.names())
        return [
            checks.Error(
                f"The default {default!r} of {_label(model, field)} is not a state of "
                f"{workflow.__qualname__} (states: {states}).",
                hint=f"Remove default= to start in {workflow.initial_state.name!r} (the "
                f"workflow's initial state), or give one of its states.",
                obj=field,
                id="statecore.E001",
            )
        ]
    return []


def _check_size(model: type[models.Model], field: Any) -> list[checks.CheckMessage]:
    if isinstance(field, IntegerStateField):
        return []
    if field.is_relation:
        column = field.target_field
        where = f"the key {column.model._meta.label}.{column.name} of its state table"
    else:
        column = field
        where = "it"
    max_length = getattr(column, "max_length", None)
    if not isinstance(max_length, int):
        return []
    workflow = field.workflow_class
    longest = max(workflow.states.names(), key=len)
    if len(longest) <= max_length:
        return []
    return [
        checks.Error(
            f"{_label(model, field)} stores state names of {workflow.__qualname__}, but "
            f"{where} has max_length={max_length} and state {longest!r} is "
            f"{len(longest)} characters long.",
            hint=f"Set max_length to at least {len(longest)} (or remove max_length= to "
            f"derive it), then run makemigrations.",
            obj=field,
            id="statecore.E002",
        )
    ]


#: The fields every log model needs.
LOG_FIELDS = ("transition", "from_state", "to_state", "timestamp")


def _check_log_model(model: type[models.Model], field: Any) -> list[checks.CheckMessage]:
    workflow = field.workflow
    if not hasattr(workflow, "get_log_model"):
        return []  # a plain statecore.Workflow does not log
    name = type(workflow).__qualname__
    label, from_setting = workflow.log_model_label()
    source = "the STATECORE_LOG_MODEL setting" if from_setting else f"{name}.log_model"
    if not label:
        return []

    def error(message: str, hint: str) -> list[checks.CheckMessage]:
        return [
            checks.Error(
                f"{_label(model, field)}: {message}", hint=hint, obj=field, id="statecore.E003"
            )
        ]

    try:
        log = workflow.get_log_model()
    except (LookupError, ValueError) as exc:
        return error(
            f"the log model {label!r} of {name} (from {source}) cannot be loaded ({exc}).",
            'Name an installed model as "app_label.ModelName", add its app to '
            "INSTALLED_APPS, or set log_model = None to log nothing.",
        )
    if log is None:
        return []
    from .models import BaseTransitionLog, GenericTransitionLog

    if not (isinstance(log, type) and issubclass(log, BaseTransitionLog)):
        return error(
            f"the log model {label!r} of {name} (from {source}) is not a subclass of "
            f"statecore_django.models.BaseTransitionLog.",
            "Inherit GenericTransitionLog (or BaseTransitionLog with MODIFIED_OBJECT_FIELD), "
            "or use the ready statecore_log.TransitionLog.",
        )
    if log._meta.abstract:
        return error(
            f"the log model {label!r} of {name} is abstract; rows cannot be written to it.",
            "Point log_model at a concrete subclass.",
        )
    present = {f.name for f in log._meta.get_fields()}
    wanted = list(LOG_FIELDS) + [extra[0] for extra in log.EXTRA_LOG_ATTRIBUTES]
    if not issubclass(log, GenericTransitionLog) and not _is_generic(log):
        if log.MODIFIED_OBJECT_FIELD:
            wanted.append(log.MODIFIED_OBJECT_FIELD)
        else:
            return error(
                f"the log model {log._meta.label} of {name} does not say how a row points "
                f"at the logged object.",
                "Set MODIFIED_OBJECT_FIELD to the name of a foreign key to the model, or "
                "inherit GenericTransitionLog.",
            )
    missing = [wanted_name for wanted_name in wanted if wanted_name not in present]
    if missing:
        return error(
            f"the log model {log._meta.label} of {name} has no field "
            f"{', '.join(map(repr, missing))}.",
            "Add the fields (EXTRA_LOG_ATTRIBUTES and MODIFIED_OBJECT_FIELD name model "
            "fields), or correct the names.",
        )
    return []


def _is_generic(log: type[models.Model]) -> bool:
    """Tell whether ``log`` links rows by a generic key (``GenericLastTransitionLog`` too)."""
    from .models import GenericLastTransitionLog

    return issubclass(log, GenericLastTransitionLog)


def _check_locking(model: type[models.Model], field: Any) -> list[checks.CheckMessage]:
    mode = getattr(field.workflow, "locking", None)
    if mode is None or mode in conf.LOCKING_MODES:
        return []
    name = type(field.workflow).__qualname__
    return [
        checks.Error(
            f"{_label(model, field)}: {name}.locking is {mode!r}, not a locking mode.",
            hint=f"Use one of {', '.join(map(repr, conf.LOCKING_MODES))}, or None to follow "
            f"STATECORE_LOCKING.",
            obj=field,
            id="statecore.E004",
        )
    ]


@checks.register()
def check_settings(
    app_configs: Sequence[AppConfig] | None = None, **kwargs: Any
) -> list[checks.CheckMessage]:
    """Check the ``STATECORE_LOCKING`` and ``STATECORE_LOG_MODEL`` settings.

    Returns:
        ``statecore.E004`` for an unknown locking mode, ``statecore.E003`` for a log model
        label that is not ``"app_label.ModelName"``.
    """
    errors: list[checks.CheckMessage] = []
    mode = conf.locking()
    if mode not in conf.LOCKING_MODES:
        errors.append(
            checks.Error(
                f"STATECORE_LOCKING is {mode!r}, not a locking mode.",
                hint=f"Use one of {', '.join(map(repr, conf.LOCKING_MODES))}.",
                id="statecore.E004",
            )
        )
    label = getattr(settings, "STATECORE_LOG_MODEL", None)
    if label is not None and (not isinstance(label, str) or label.count(".") != 1):
        errors.append(
            checks.Error(
                f'STATECORE_LOG_MODEL is {label!r}, not an "app_label.ModelName" label.',
                hint='Set it to e.g. "statecore_log.TransitionLog", or None to log nothing.',
                id="statecore.E003",
            )
        )
    return errors


# -- database check ---------------------------------------------------------------------------


@attrs.frozen
class StaleState:
    """Rows of one state field holding one value that is not a state of the workflow.

    Attributes:
        model: the model.
        field: the name of the state field.
        value: the stored value (as text).
        count: how many rows hold it.
        examples: primary keys of a few of those rows (at most `EXAMPLE_PKS`).

    .. versionadded:: 0.1
    """

    model: type[models.Model]
    field: str
    value: str
    count: int
    examples: tuple[Any, ...]

    @property
    def label(self) -> str:
        """``app_label.Model.field``."""
        return f"{self.model._meta.label}.{self.field}"


def _known_values(field: Any) -> list[Any]:
    states = field.workflow_class.states
    if isinstance(field, IntegerStateField):
        return [state.value for state in states]
    return list(states.names())


def _stored(value: Any) -> str:
    return value.name if isinstance(value, statecore.StateWrapper) else str(value)


def stale_states(model: type[models.Model], field: Any, using: str = "default") -> list[StaleState]:
    """Return the values of ``field`` stored in ``model``'s table that its workflow lacks.

    Args:
        model: a model with a state field.
        field: the state field.
        using: the database alias.

    Returns:
        One `StaleState` per unknown value, most frequent first; empty when every row
        holds a state of the workflow.

    Raises:
        DatabaseError: the table cannot be read (e.g. not migrated yet).
    """
    manager = model._base_manager.using(using)
    attname = field.attname
    rows = (
        manager.filter(**{f"{attname}__isnull": False})
        .exclude(**{f"{attname}__in": _known_values(field)})
        .order_by()
        .values(attname)
        .annotate(rows=Count("pk"))
    )
    found = []
    for row in rows:
        raw = row[attname]
        stored = _stored(raw)
        lookup = int(stored) if isinstance(field, IntegerStateField) else stored
        examples = tuple(
            manager.filter(**{attname: lookup})
            .order_by("pk")
            .values_list("pk", flat=True)[:EXAMPLE_PKS]
        )
        found.append(StaleState(model, field.name, stored, row["rows"], examples))
    found.sort(key=lambda stale: (-stale.count, stale.value))
    return found


def find_stale_states(
    fields: Iterable[tuple[type[models.Model], Any]], using: str
) -> list[StaleState]:
    """Return the stale states of ``fields`` on database ``using``.

    Models that are not stored there, and tables that do not exist yet (migrations not
    applied), are skipped.
    """
    connection = connections[using]
    with connection.cursor() as cursor:
        tables = set(connection.introspection.table_names(cursor))
    found: list[StaleState] = []
    for model, field in fields:
        if model._meta.db_table not in tables or not router.allow_migrate_model(using, model):
            continue
        try:
            with transaction.atomic(using=using):
                found.extend(stale_states(model, field, using))
        except DatabaseError:
            continue  # a column not migrated yet: migrate first, then check
    return found


def describe_stale(stale: StaleState) -> str:
    """Say how many rows hold a stale value, with example primary keys."""
    examples = ", ".join(str(pk) for pk in stale.examples)
    more = ", ..." if stale.count > len(stale.examples) else ""
    rows = "row holds" if stale.count == 1 else "rows hold"
    return f"{stale.count} {rows} {stale.value!r} (pk {examples}{more})"


@checks.register(checks.Tags.database)
def check_stale_rows(
    app_configs: Sequence[AppConfig] | None = None,
    databases: Sequence[str] | None = None,
    **kwargs: Any,
) -> list[checks.CheckMessage]:
    """Warn about rows whose state is not a state of their workflow (``statecore.W001``).

    Runs only when databases are given (``manage.py check --database default``).
    """
    if not databases:
        return []
    fields = state_fields(app_configs)
    warnings: list[checks.CheckMessage] = []
    for alias in databases:
        grouped: dict[str, list[StaleState]] = {}
        for stale in find_stale_states(fields, alias):
            grouped.setdefault(stale.label, []).append(stale)
        for label, stales in grouped.items():
            stale_field = stales[0].model._meta.get_field(stales[0].field)
            workflow = cast("StateFieldMixin", stale_field).workflow_class
            warnings.append(
                checks.Warning(
                    f"{label} on database {alias!r} holds states {workflow.__qualname__} "
                    f"does not have: {'; '.join(describe_stale(s) for s in stales)}.",
                    hint="No transition runs from these rows. Add the states back to the "
                    "workflow, or move the rows to a current state with a data migration "
                    "(manage.py statecore_stale_states lists them).",
                    obj=stales[0].model,
                    id="statecore.W001",
                )
            )
    return warnings
