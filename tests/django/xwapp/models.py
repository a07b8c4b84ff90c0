"""Models as a django_xworkflows project writes them; only the imports name statecore.

The migration next to them is in the form django_xworkflows' ``makemigrations`` wrote,
with the one line the migration guide changes.
"""

from __future__ import annotations

from typing import Any

from django.db import models

from statecore.compat import xworkflows
from statecore_django.compat.django_xworkflows import models as xwf_models


class TaskFlow(xwf_models.Workflow):
    """Logged to the ready xworkflow_log.TransitionLog (the default when installed)."""

    states = (("new", "New"), ("started", "Started"), ("finished", "Finished"))
    transitions = (
        ("start", "new", "started"),
        ("finish", "started", "finished"),
        ("reopen", ("started", "finished"), "new"),
    )
    initial_state = "new"


class ReviewFlow(xwf_models.Workflow):
    """A state name longer than 16 characters, and no log."""

    states = (
        ("draft", "Draft"),
        ("waiting_for_approval", "Waiting for approval"),
        ("approved", "Approved"),
    )
    transitions = (
        ("submit", "draft", "waiting_for_approval"),
        ("approve", "waiting_for_approval", "approved"),
    )
    initial_state = "draft"
    log_model = ""


class Task(xwf_models.WorkflowEnabled, models.Model):
    """A workflow given as a class, an implementation and a hook of each old style."""

    title = models.CharField(max_length=50, blank=True)
    state = xwf_models.StateField(TaskFlow)

    @xwf_models.transition()
    def finish(self, note: str = "") -> str:
        self.title = note
        return note.upper()

    @xworkflows.on_enter_state("started")
    def stamp(self, *args: Any, **kwargs: Any) -> None:
        self.title = self.title or "started"


class Review(xwf_models.WorkflowEnabled, models.Model):
    """A workflow given as an instance, as django_xworkflows accepts."""

    state = xwf_models.StateField(ReviewFlow())


class TicketLastLog(xwf_models.BaseLastTransitionLog):
    """The last transition of each ticket, through a one-to-one key."""

    MODIFIED_OBJECT_FIELD = "ticket"
    ticket = models.OneToOneField("xwapp.Ticket", on_delete=models.CASCADE)


class TicketFlow(xwf_models.Workflow):
    """log_model_class names the log model; it wins over log_model."""

    states = (("open", "Open"), ("closed", "Closed"))
    transitions = (("close", "open", "closed"), ("reopen", "closed", "open"))
    initial_state = "open"
    log_model = "xworkflow_log.TransitionLog"
    log_model_class = TicketLastLog


class Ticket(xwf_models.WorkflowEnabled, models.Model):
    """Logs to TicketLastLog only."""

    state = xwf_models.StateField(TicketFlow)
