"""The review workflow of reports, and the flow class that runs it on a report."""

from __future__ import annotations

from typing import Any

import statecore
import statecore_django

from .models import Report, ReportChangeLog


class ReviewWorkflow(statecore_django.Workflow):
    """New reports are approved or rejected; approved ones get published."""

    states = (
        ("new", "New"),
        ("approved", "Approved"),
        ("rejected", "Rejected"),
        ("published", "Published"),
    )
    transitions = (
        ("approve", "new", "approved"),
        ("reject", ("new", "approved"), "rejected"),
        ("publish", "approved", "published"),
    )
    initial_state = "new"


class ReviewFlow(statecore_django.Flow):
    """Reviews a report: each committed change writes a `ReportChangeLog` row."""

    stage = statecore_django.FlowState(ReviewWorkflow, model=Report)

    def __init__(self, report: Report) -> None:
        self.report = report

    @statecore.transition()
    def approve(self, note: str = "") -> None:
        if note:
            self.report.notes = note

    @statecore.transition()
    def publish(self) -> None:
        if not self.report.title:
            raise ValueError("a report needs a title to be published")

    @statecore.after_transition("*")
    def record_change(self, result: Any, *args: Any, event: Any, **kwargs: Any) -> None:
        ReportChangeLog.objects.create(
            report=self.report, source=event.source.name, target=event.target.name
        )
