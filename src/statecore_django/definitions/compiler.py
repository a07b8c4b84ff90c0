"""Compiling published definitions into statecore workflows, once per process.

A `DefinitionVersion` never changes once published, so its compiled form is kept per
process under the version's primary key and never goes stale: publishing a change makes
a new version, which every process compiles the first time it meets it (a running
instance keeps the version it started with). Running an instance whose version is
compiled costs no query.

The compiled workflow runs on the `WorkflowInstance` through a flow class
(`statecore_django.Flow`): the step is the instance's ``step`` column, each transition is
one transaction under optimistic locking, and the transition log records the instance.
"""

from __future__ import annotations

import threading
from collections.abc import Mapping
from typing import Any, ClassVar

import attrs
from django.utils import timezone

import statecore
from statecore_django.flows import Flow, FlowState
from statecore_django.workflow import Workflow

from .data import statuses_of
from .models import DefinitionVersion, WorkflowInstance

__all__ = [
    "CompiledDefinition",
    "DefinitionWorkflow",
    "InstanceFlow",
    "compile_data",
    "compiled",
    "forget",
    "workflow_class",
]


class DefinitionWorkflow(Workflow):
    """The base class of workflows compiled from stored definitions.

    .. versionadded:: 0.1
    """


@attrs.frozen
class CompiledDefinition:
    """A compiled definition version.

    Attributes:
        workflow: the statecore workflow class.
        flow: the `InstanceFlow` subclass that runs it on instances.
        statuses: per step, each status name and its kind.
        defaults: per step, its default status ("" when it has none).
        final: the final steps (completion and cancellation).

    .. versionadded:: 0.1
    """

    workflow: type[DefinitionWorkflow]
    flow: type[InstanceFlow]
    statuses: Mapping[str, Mapping[str, str]]
    defaults: Mapping[str, str]
    final: frozenset[str]


class InstanceFlow(Flow):
    """Runs a compiled definition on a `WorkflowInstance` (one subclass per version).

    Entering a step sets the instance's status to the step's default status, and a final
    step stamps ``completed_at``, in the transition's own UPDATE.

    .. versionadded:: 0.1
    """

    compiled: ClassVar[CompiledDefinition]

    def __init__(self, instance: WorkflowInstance) -> None:
        """Wrap ``instance``."""
        self.instance = instance

    @property
    def step_held_from(self) -> str:
        """The step a held instance returns to on resume (the instance's column)."""
        return self.instance.step_held_from

    @step_held_from.setter
    def step_held_from(self, value: str | None) -> None:
        self.instance.step_held_from = value or ""

    def arrive(self, step: str) -> None:
        """Set the status and completion time of an instance entering ``step``."""
        compiled = self.compiled
        instance = self.instance
        instance.status = compiled.defaults.get(step, "")
        if step in compiled.final:
            instance.completed_at = timezone.now()

    @statecore.before_transition("*")
    def _entering(self, *args: Any, event: Any, **kwargs: Any) -> None:
        if event.target is not None:
            self.arrive(event.target.name)

    @statecore.on_enter_state("*")
    def _entered(self, *args: Any, event: Any, **kwargs: Any) -> None:
        # A target chosen at run time (resume): known only now.
        step = event.target.name
        if self.instance.status != self.compiled.defaults.get(step, "") or (
            step in self.compiled.final and self.instance.completed_at is None
        ):
            self.arrive(step)


def workflow_class(data: Mapping[str, Any]) -> type[DefinitionWorkflow]:
    """Build the workflow class of definition data (statecore's data loader).

    Raises:
        WorkflowDefinitionError: every problem of the data, each with its place.
    """
    return DefinitionWorkflow.from_dict(dict(data))


def compile_data(data: Mapping[str, Any]) -> CompiledDefinition:
    """Compile definition data into its workflow and flow classes.

    Raises:
        WorkflowDefinitionError: every problem of the data.
    """
    workflow = workflow_class(data)
    statuses: dict[str, dict[str, str]] = {}
    defaults: dict[str, str] = {}
    by_step = statuses_of(data)
    for state in data["states"]:
        listed = by_step.get(state["name"], [])
        statuses[state["name"]] = {status["name"]: status["kind"] for status in listed}
        defaults[state["name"]] = next(
            (status["name"] for status in listed if status["kind"] == "default"), ""
        )
    final = frozenset(state.name for state in workflow.states if state.final)
    flow: type[InstanceFlow] = type(
        f"{workflow.__name__}Flow",
        (InstanceFlow,),
        {
            "__module__": __name__,
            "step": FlowState(workflow, model=WorkflowInstance, instance="instance", field="step"),
        },
    )
    result = CompiledDefinition(
        workflow=workflow, flow=flow, statuses=statuses, defaults=defaults, final=final
    )
    flow.compiled = result
    return result


#: Compiled versions of this process, by the version's primary key.
_compiled: dict[Any, CompiledDefinition] = {}
_lock = threading.Lock()


def compiled(version: DefinitionVersion | Any) -> CompiledDefinition:
    """Return the compiled form of a version (a `DefinitionVersion` or its primary key).

    Compiled once per process; given a key whose version is not compiled yet, the version
    is loaded (one query).
    """
    key = version.pk if isinstance(version, DefinitionVersion) else version
    found = _compiled.get(key)
    if found is not None:
        return found
    if not isinstance(version, DefinitionVersion):
        version = DefinitionVersion.objects.get(pk=key)
    result = compile_data(version.data)
    with _lock:
        return _compiled.setdefault(key, result)


def forget() -> None:
    """Drop every compiled version of this process (tests, or to free memory)."""
    _compiled.clear()
