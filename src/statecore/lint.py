"""Lint a workflow: find the parts of its definition that can never be used.

A definition can be valid (every name resolves, so the class is created) and still be
wrong: a state nothing leads to, a state an object gets stuck in, a transition that can
never run. `lint` finds them; ``python -m statecore check`` prints them.
"""

from __future__ import annotations

from typing import Literal

import attrs

from .graph import workflow_class
from .holding import RESUME
from .workflow import Workflow

__all__ = ["Finding", "lint"]

FindingKind = Literal["unreachable", "dead_end", "never_enabled"]


@attrs.frozen
class Finding:
    """One problem `lint` found in a workflow.

    Attributes:
        kind: ``"unreachable"`` (a state no path from the initial state leads to),
            ``"dead_end"`` (a state without outgoing transitions that is not final) or
            ``"never_enabled"`` (a transition none of whose source states can be reached).
        name: the state's or transition's name.
        message: one sentence saying what is wrong and what to do.

    .. versionadded:: 0.1
    """

    kind: FindingKind
    name: str
    message: str

    def __str__(self) -> str:
        """Return ``kind: message``, as ``statecore check`` prints it."""
        return f"{self.kind}: {self.message}"


def reachable_states(workflow: type[Workflow] | Workflow) -> list[str]:
    """Return the states a path of transitions leads to from the initial state.

    Targets entered through ``on_error`` count as reached. The generated ``resume``
    (of a workflow with an ``on_hold`` state) reaches nothing new: it goes back to the
    state ``hold`` left, which was reached first.

    Args:
        workflow: a `Workflow` subclass or instance.

    Returns:
        The reachable state names, in definition order, the initial state included.

    .. versionadded:: 0.1
    """
    cls = workflow_class(workflow)
    seen = {cls.initial_state.name}
    pending = [cls.initial_state.name]
    while pending:
        state = pending.pop()
        for transition in cls.transitions.available_from(state):
            if transition.name == RESUME and RESUME in cls._generated:
                continue
            following = [*transition.targets]
            if transition.on_error is not None:
                following.append(transition.on_error)
            for target in following:
                if target not in seen:
                    seen.add(target)
                    pending.append(target)
    return [name for name in cls.states.names() if name in seen]


def lint(workflow: type[Workflow] | Workflow) -> list[Finding]:
    """Find unreachable states, dead ends and transitions that can never run.

    A state is a dead end when no transition leaves it and it is not final (see
    ``Workflow.final_states``); list it in ``final_states`` when the workflow is meant to
    end there.

    Args:
        workflow: a `Workflow` subclass or instance.

    Returns:
        The findings: unreachable states, then dead ends (in state order), then
        transitions never enabled (in transition order). Empty when all is well.

    Raises:
        TypeError: ``workflow`` is not a workflow.

    .. versionadded:: 0.1
    """
    cls = workflow_class(workflow)
    name = cls.__qualname__
    initial = cls.initial_state.name
    reachable = set(reachable_states(cls))
    findings: list[Finding] = []
    for state in cls.states:
        if state.name not in reachable:
            message = (
                f"state {state.name!r} of {name} cannot be reached from the initial state "
                f"{initial!r}; add a transition into it, or remove it"
            )
            findings.append(Finding("unreachable", state.name, message))
    for state in cls.states:
        if not state.final and not cls.transitions.available_from(state.name):
            message = (
                f"state {state.name!r} of {name} has no outgoing transition and is not "
                f"final; add a transition out of it, or list it in final_states"
            )
            findings.append(Finding("dead_end", state.name, message))
    for transition in cls.transitions:
        if not any(source in reachable for source in transition.source):
            sources = ", ".join(repr(source) for source in transition.source)
            message = (
                f"transition {transition.name!r} of {name} can never run: none of its source "
                f"states ({sources}) can be reached from {initial!r}; make one reachable, "
                f"or remove the transition"
            )
            findings.append(Finding("never_enabled", transition.name, message))
    return findings
