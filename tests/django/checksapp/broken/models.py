"""One misconfiguration per model, each caught by a system check (no tables are created)."""

from __future__ import annotations

from django.db import models

import statecore_django
from statecore_django.models import BaseTransitionLog, GenericTransitionLog


class LongFlow(statecore_django.Workflow):
    """A workflow with a long state name."""

    states = ("new", "waiting_for_customer_confirmation")
    transitions = (("wait", "new", "waiting_for_customer_confirmation"),)
    initial_state = "new"
    log_model = None


class BadDefault(models.Model):
    """E001: the default is not a state."""

    state = statecore_django.StateField(LongFlow, default="archived")


class ShortColumn(models.Model):
    """E002: max_length below the longest state name."""

    state = statecore_django.StateField(LongFlow, max_length=10)


class ShortKeyState(models.Model):
    """A state table whose key is too short for the state names."""

    name = models.CharField(max_length=8, primary_key=True)


class ShortKey(models.Model):
    """E002: a foreign-key state field to a key too short for the state names."""

    state = statecore_django.ForeignKeyStateField(LongFlow, to=ShortKeyState)


class NotALog(models.Model):
    """A model that is not a transition log."""

    text = models.TextField()


class LogWithoutClient(GenericTransitionLog):
    """A log whose EXTRA_LOG_ATTRIBUTES names a field it lacks."""

    EXTRA_LOG_ATTRIBUTES = (("client", "client", ""),)


class LogWithoutLink(BaseTransitionLog):
    """A log that does not say how its rows point at the object."""


class UninstalledLogFlow(LongFlow):
    """E003: the log model's app is not installed."""

    log_model = "nowhere.Log"


class NotALogFlow(LongFlow):
    """E003: the log model is not a BaseTransitionLog."""

    log_model = "checks_broken.NotALog"


class MissingFieldLogFlow(LongFlow):
    """E003: the log model lacks an EXTRA_LOG_ATTRIBUTES field."""

    log_model = "checks_broken.LogWithoutClient"


class UnlinkedLogFlow(LongFlow):
    """E003: the log model has no MODIFIED_OBJECT_FIELD."""

    log_model = "checks_broken.LogWithoutLink"


class SometimesFlow(LongFlow):
    """E004: a locking mode changed after the class was checked."""


SometimesFlow.locking = "sometimes"


class UninstalledLog(models.Model):
    state = statecore_django.StateField(UninstalledLogFlow)


class WrongLog(models.Model):
    state = statecore_django.StateField(NotALogFlow)


class IncompleteLog(models.Model):
    state = statecore_django.StateField(MissingFieldLogFlow)


class UnlinkedLog(models.Model):
    state = statecore_django.StateField(UnlinkedLogFlow)


class BadLocking(models.Model):
    state = statecore_django.StateField(SometimesFlow)


class NullableState(models.Model):
    state = statecore_django.StateField(LongFlow, null=True)
