"""Moving from django_xworkflows' log to statecore's own: a data migration step.

A project taking statecore's own API (the "native" path of the migration guide) keeps
its history by copying the rows of django_xworkflows' ``xworkflow_log.TransitionLog``
into statecore's ``statecore_log.TransitionLog`` in a data migration::

    from django.db import migrations

    from statecore_django.compat.django_xworkflows.native import copy_transition_logs


    class Migration(migrations.Migration):
        dependencies = [
            ("statecore_log", "0001_initial"),
            ("xworkflow_log", "0001_initial"),
        ]
        operations = [migrations.RunPython(copy_transition_logs, migrations.RunPython.noop)]

.. versionadded:: 0.1
"""

from __future__ import annotations

from typing import Any

__all__ = ["copy_transition_logs"]

#: Rows written per INSERT.
BATCH_SIZE = 500


def copy_transition_logs(apps: Any, schema_editor: Any) -> int:
    """Copy every ``xworkflow_log`` row into ``statecore_log``, oldest first (a RunPython step).

    Each row keeps its transition, states, time, object (the integer ``content_id``
    becomes statecore's text ``object_id``) and user. A row that points at no object
    (no content type or id) cannot be a statecore log row and is left out; the old
    table is not changed.

    Args:
        apps: the migration's app registry (historical models).
        schema_editor: the migration's schema editor (its connection says the database).

    Returns:
        The number of rows copied.
    """
    old = apps.get_model("xworkflow_log", "TransitionLog")
    new = apps.get_model("statecore_log", "TransitionLog")
    using = schema_editor.connection.alias
    rows = [
        new(
            transition=row.transition,
            from_state=row.from_state,
            to_state=row.to_state,
            timestamp=row.timestamp,
            content_type_id=row.content_type_id,
            object_id=str(row.content_id),
            user_id=row.user_id,
            reason="",
        )
        for row in old._default_manager.using(using)
        .exclude(content_type=None)
        .exclude(content_id=None)
        .order_by("timestamp", "id")
        .iterator()
    ]
    new._default_manager.using(using).bulk_create(rows, batch_size=BATCH_SIZE)
    return len(rows)
