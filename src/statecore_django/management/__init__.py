"""Management commands of statecore_django, and how they find state fields."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django.apps import apps
from django.core.management.base import CommandError

from ..checks import state_fields

if TYPE_CHECKING:
    from collections.abc import Sequence

    from django.db import models

#: Raised when a label does not name an installed model.
UNKNOWN_MODEL = "Unknown model {label!r}: use app_label.ModelName[.field]; state fields: {known}"
#: Raised when the model named has no state field.
NO_STATE_FIELD = "{model} has no state field; state fields: {known}"
#: Raised when the field named is not a state field of the model.
UNKNOWN_FIELD = "{model} has no state field {field!r}; its state fields: {fields}"


def find_state_fields(labels: Sequence[str]) -> list[tuple[type[models.Model], Any]]:
    """Return ``(model, field)`` for ``app_label.Model[.field]`` labels (all when empty).

    Raises:
        CommandError: a label names no model, or no state field of it.
    """
    every = state_fields()
    if not labels:
        return every
    known = ", ".join(f"{m._meta.label}.{f.name}" for m, f in every) or "none"
    found = []
    for label in labels:
        parts = label.split(".")
        if len(parts) not in (2, 3):
            raise CommandError(UNKNOWN_MODEL.format(label=label, known=known))
        try:
            model = apps.get_model(parts[0], parts[1])
        except LookupError:
            raise CommandError(UNKNOWN_MODEL.format(label=label, known=known)) from None
        concrete = model._meta.concrete_model
        fields = [(m, f) for m, f in every if m is concrete or issubclass(model, m)]
        if not fields:
            raise CommandError(NO_STATE_FIELD.format(model=model._meta.label, known=known))
        if len(parts) == 3:
            chosen = [(m, f) for m, f in fields if f.name == parts[2]]
            if not chosen:
                names = ", ".join(f.name for _m, f in fields)
                raise CommandError(
                    UNKNOWN_FIELD.format(model=model._meta.label, field=parts[2], fields=names)
                )
            fields = chosen
        found.extend(fields)
    return found
