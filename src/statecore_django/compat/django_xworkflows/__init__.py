"""django_xworkflows 1.0's public API on statecore's Django adapter.

A project moves over by changing imports only; its tables, rows and migrations stay:

- ``from django_xworkflows import models`` becomes
  ``from statecore_django.compat.django_xworkflows import models``;
- ``import xworkflows`` becomes ``from statecore.compat import xworkflows``;
- in ``INSTALLED_APPS``, ``"django_xworkflows"`` becomes
  ``"statecore_django.compat.django_xworkflows"`` and ``"django_xworkflows.xworkflow_log"``
  becomes ``"statecore_django.compat.django_xworkflows.xworkflow_log"`` (same app label,
  ``xworkflow_log``, same table, ``xworkflow_log_transitionlog``);
- in each existing migration, the line ``import django_xworkflows.models`` becomes
  ``from statecore_django.compat import django_xworkflows``: the rest of the file, which
  names ``django_xworkflows.models.StateField`` and
  ``django_xworkflows.models._SerializedWorkflow``, then works as written.

``django_xworkflows.models`` is loaded on first use (``models`` is an attribute of this
package), as Django requires of a module that defines models.

What differs from statecore's own adapter, and what is left out, is listed in
`statecore_django.compat.django_xworkflows.models`.

.. versionadded:: 0.1
"""

from __future__ import annotations

import importlib
from typing import Any

__all__ = ["models"]


def __getattr__(name: str) -> Any:
    if name in ("models", "fields", "workflow"):
        return importlib.import_module(f"{__name__}.{name}")
    msg = f"module {__name__!r} has no attribute {name!r}"
    raise AttributeError(msg)
