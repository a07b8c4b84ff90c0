"""The ``xworkflow_log`` application of the compatibility namespace."""

from __future__ import annotations

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class XWorkflowLogConfig(AppConfig):
    """Application config under django_xworkflows' log app label, ``xworkflow_log``.

    Its model, `TransitionLog`, is django_xworkflows' ``xworkflow_log_transitionlog``
    table, column for column, so a project's existing rows stay and new ones join them.

    .. versionadded:: 0.1
    """

    name = "statecore_django.compat.django_xworkflows.xworkflow_log"
    label = "xworkflow_log"
    verbose_name = _("transition log")
    default_auto_field = "django.db.models.AutoField"
