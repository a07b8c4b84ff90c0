"""django_xworkflows' ready log model, on its existing table ``xworkflow_log_transitionlog``."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from statecore_django.compat.django_xworkflows.models import GenericTransitionLog

__all__ = ["TransitionLog"]


class TransitionLog(GenericTransitionLog):
    """One row per transition of any object, with the user who ran it (``user=`` or ``as_user``).

    The user model is the ``XWORKFLOWS_USER_MODEL`` setting, else ``AUTH_USER_MODEL``.

    .. versionadded:: 0.1
    """

    EXTRA_LOG_ATTRIBUTES = (("user", "user", None),)

    user: models.ForeignKey[Any, Any] = models.ForeignKey(
        getattr(settings, "XWORKFLOWS_USER_MODEL", settings.AUTH_USER_MODEL),
        blank=True,
        null=True,
        on_delete=models.CASCADE,
        verbose_name=_("author"),
    )

    class Meta(GenericTransitionLog.Meta):
        """In the ``xworkflow_log`` app, as django_xworkflows had it."""

        app_label = "xworkflow_log"
