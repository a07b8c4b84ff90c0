"""System check of the django-fsm layer: every state field compiles into a valid workflow.

Fields without transitions are left alone.

``django_fsm.E001``: the transitions of a state field do not make a valid statecore
workflow (for example two state values that map to one state name); the message lists
every problem, as `statecore.WorkflowDefinitionError` does.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django.apps import apps
from django.core import checks

import statecore

from .fields import FSMFieldMixin
from .workflows import workflow_for

__all__ = ["check_workflows"]


def check_workflows(app_configs: Iterable[Any] | None = None, **kwargs: Any) -> list[Any]:
    """Compile every django-fsm state field; report those that are not valid workflows.

    .. versionadded:: 0.1
    """
    configs = app_configs if app_configs is not None else apps.get_app_configs()
    errors: list[Any] = []
    for config in configs:
        for model in config.get_models():
            for field in model._meta.fields:
                if not isinstance(field, FSMFieldMixin) or not field.transition_methods(model):
                    continue
                try:
                    workflow_for(model, field.name)
                except statecore.WorkflowDefinitionError as exc:
                    errors.append(
                        checks.Error(
                            str(exc),
                            hint="give the states distinct values, or rename the transitions",
                            obj=model,
                            id="django_fsm.E001",
                        )
                    )
    return errors
