"""`TransitionLog`: the ready, concrete transition log."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from statecore_django.models import GenericTransitionLog

if TYPE_CHECKING:
    from django.contrib.auth.base_user import AbstractBaseUser

__all__ = ["TransitionLog"]


class TransitionLog(GenericTransitionLog):
    """One row per transition of any object, with the user and an optional reason.

    ``user`` and ``reason`` come from the transition call's keyword arguments
    (``order.cancel(user=request.user, reason="out of stock")``) or, for ``user``, from
    ``as_user()``.

    .. versionadded:: 0.1
    """

    EXTRA_LOG_ATTRIBUTES = (("user", "user", None), ("reason", "reason", ""))

    user: models.ForeignKey[AbstractBaseUser | None, AbstractBaseUser | None] = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("user"),
    )
    reason: models.TextField[str, str] = models.TextField(_("reason"), blank=True, default="")

    @classmethod
    def extra_values(cls, kwargs: dict[str, Any]) -> dict[str, Any]:
        """Take ``user`` and ``reason``; a user that is not saved (anonymous) is not stored."""
        values = super().extra_values(kwargs)
        if getattr(values["user"], "pk", None) is None:
            values["user"] = None
        values["reason"] = values["reason"] or ""
        return values

    class Meta(GenericTransitionLog.Meta):
        """Stored in the ``statecore_log`` app."""

        app_label = "statecore_log"
