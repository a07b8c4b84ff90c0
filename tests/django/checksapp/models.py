"""Models of the ``checksapp`` test app: a parcel and one proxy per state group."""

from __future__ import annotations

from typing import ClassVar

from django.db import models

import statecore
import statecore_django
from statecore_django.proxies import StateProxyManager, StateProxyMixin

from .workflows import ParcelFlow


class Parcel(StateProxyMixin, models.Model):
    """A parcel whose instances come back as the proxy of their state."""

    state = statecore_django.StateField(ParcelFlow)
    label = models.CharField(max_length=50, default="")

    objects = StateProxyManager()

    @statecore.transition()
    def deliver(self, fail: bool = False) -> None:
        if fail:
            msg = "nobody at home"
            raise RuntimeError(msg)


class SentParcel(Parcel):
    """A parcel on its way."""

    proxy_state = "sent"

    class Meta:
        proxy = True

    def where(self) -> str:
        return "on its way"


class ClosedParcel(Parcel):
    """A parcel whose journey ended (delivered or lost)."""

    proxy_state: ClassVar[tuple[str, ...]] = ("delivered", "lost")

    class Meta:
        proxy = True

    def where(self) -> str:
        return "journey over"


class AdminParcel(Parcel):
    """A proxy without ``proxy_state`` (e.g. for a second admin): never switched."""

    class Meta:
        proxy = True
