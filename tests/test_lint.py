"""Lint: unreachable states, dead ends and transitions never enabled."""

from __future__ import annotations

import attrs
import pytest

import statecore
from statecore.lint import Finding, lint, reachable_states
from workflows import BrokenFlow, OrderFlow, ReviewFlow, ShipmentFlow


def test_lint_finds_one_of_each_problem() -> None:
    """An unreachable state, a dead end and a dead transition give three findings."""
    findings = lint(BrokenFlow)

    assert [(f.kind, f.name) for f in findings] == [
        ("unreachable", "orphan"),
        ("dead_end", "stuck"),
        ("never_enabled", "adopt"),
    ]


def test_unreachable_message_says_what_to_do() -> None:
    """The unreachable finding names the state and the initial state, and suggests a fix."""
    finding = lint(BrokenFlow)[0]

    assert finding.message == (
        "state 'orphan' of BrokenFlow cannot be reached from the initial state 'new'; "
        "add a transition into it, or remove it"
    )


def test_dead_end_message_says_what_to_do() -> None:
    """The dead-end finding suggests adding a way out or declaring the state final."""
    finding = lint(BrokenFlow)[1]

    assert finding.message == (
        "state 'stuck' of BrokenFlow has no outgoing transition and is not final; "
        "add a transition out of it, or list it in final_states"
    )


def test_never_enabled_message_names_the_unreachable_sources() -> None:
    """The never-enabled finding lists the transition's sources and suggests a fix."""
    finding = lint(BrokenFlow)[2]

    assert finding.message == (
        "transition 'adopt' of BrokenFlow can never run: none of its source states ('orphan') "
        "can be reached from 'new'; make one reachable, or remove the transition"
    )


def test_final_states_are_not_dead_ends() -> None:
    """States listed in final_states may have no way out."""
    assert lint(ShipmentFlow) == []


def test_states_without_way_out_are_dead_ends_unless_final() -> None:
    """Without final_states, each state with no outgoing transition is a dead end."""
    findings = lint(OrderFlow)

    assert [(f.kind, f.name) for f in findings] == [
        ("dead_end", "shipped"),
        ("dead_end", "cancelled"),
    ]


def test_final_flag_on_a_state_object_counts_as_final() -> None:
    """A State(final=True) is as final as one listed in final_states."""

    class TicketFlow(statecore.Workflow):
        states = (statecore.State("open"), statecore.State("closed", final=True))
        transitions = (("close", "open", "closed"),)
        initial_state = "open"

    assert lint(TicketFlow) == []


def test_state_entered_only_through_on_error_is_reachable() -> None:
    """The on_error state of a reachable transition counts as reached."""
    assert "failed" in reachable_states(ReviewFlow)
    assert lint(ReviewFlow) == []


def test_wildcard_sources_count_as_ways_out() -> None:
    """A transition from '*' leaves every state, so none is a dead end."""

    class JobFlow(statecore.Workflow):
        states = ("queued", "running", "done")
        transitions = (
            ("run", "queued", "running"),
            ("finish", "running", "done"),
            ("requeue", "*", "queued"),
        )
        initial_state = "queued"

    assert lint(JobFlow) == []


def test_reachable_states_follow_definition_order() -> None:
    """reachable_states lists the reachable states in the order they were defined."""
    assert reachable_states(BrokenFlow) == ["new", "active", "stuck", "archived"]


def test_lint_accepts_a_workflow_instance() -> None:
    """A workflow object, as put on a host class, is linted like its class."""
    assert lint(BrokenFlow()) == lint(BrokenFlow)


def test_finding_is_a_frozen_value_that_prints_its_kind_and_message() -> None:
    """Findings compare by value, cannot be changed, and print as 'kind: message'."""
    finding = Finding("dead_end", "stuck", "state 'stuck' is stuck")

    assert finding == Finding("dead_end", "stuck", "state 'stuck' is stuck")
    assert str(finding) == "dead_end: state 'stuck' is stuck"
    with pytest.raises(attrs.exceptions.FrozenInstanceError):
        finding.name = "other"  # type: ignore[misc]


def test_generated_resume_does_not_make_an_orphan_state_reachable() -> None:
    """resume goes back where hold left: a state no transition enters stays unreachable."""

    class HeldFlow(statecore.Workflow):
        states = (
            "open",
            "done",
            "orphan",
            statecore.State("paused", kind="on_hold"),
            statecore.State("cancelled", kind="cancellation"),
        )
        transitions = (("finish", "open", "done"),)
        initial_state = "open"
        final_states = ("done",)

    assert reachable_states(HeldFlow) == ["open", "done", "paused", "cancelled"]
    assert [(finding.kind, finding.name) for finding in lint(HeldFlow)] == [
        ("unreachable", "orphan")
    ]


def test_resume_that_is_an_ordinary_transition_still_reaches_its_target() -> None:
    """Without an on_hold state, a transition named resume is the workflow's own."""

    class PlainFlow(statecore.Workflow):
        states = ("open", "stopped", "running")
        transitions = (("stop", "open", "stopped"), ("resume", "stopped", "running"))
        initial_state = "open"
        final_states = ("running",)

    assert reachable_states(PlainFlow) == ["open", "stopped", "running"]
