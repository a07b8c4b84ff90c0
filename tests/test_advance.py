"""Priority and advance: the highest-priority transition whose conditions hold is the one run."""

from __future__ import annotations

import asyncio
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import statecore
from statecore import (
    AwaitRequired,
    NoTransitionAvailable,
    Transition,
    Workflow,
    WorkflowEnabled,
    aadvance,
    advance,
    candidates,
    current_context,
    workflow_from_dict,
)
from workflows import CLAIM_DATA, RecordingUser

ClaimFlow = workflow_from_dict(CLAIM_DATA)


class Claim(WorkflowEnabled):
    state = ClaimFlow()

    def __init__(self, pk: int | None = None) -> None:
        self.pk = pk


class RouteFlow(Workflow):
    """Three ways out of 'new': by priority, with a tie broken by definition order."""

    states = ("new", "fast", "slow", "manual", "done")
    transitions = (
        Transition("to_slow", "new", "slow", conditions=["n >= 0"]),
        Transition("to_fast", "new", "fast", conditions=["n > 10"], priority=5),
        Transition("to_manual", "new", "manual", conditions=["n > 10"], priority=5),
        Transition("finish", ("fast", "slow", "manual"), "done", permission="app.finish"),
    )
    initial_state = "new"


class Route(WorkflowEnabled):
    state = RouteFlow()
    seen: Any = None

    @statecore.before_transition("to_slow")
    def remember(self, *args: Any, **kwargs: Any) -> None:
        self.seen = (dict(current_context()), kwargs)


def test_highest_priority_transition_that_holds_runs() -> None:
    """The django-steps claim: high risk beats amount, and both beat the plain approval."""
    risky = Claim()
    ran = advance(risky, {"claim": {"is_high_risk": True, "amount": 50000}})
    assert ran.name == "escalate_risk"
    assert risky.state == "review"
    large = Claim()
    assert advance(large, {"claim": {"is_high_risk": False, "amount": 20000}}).name == (
        "escalate_amount"
    )
    small = Claim()
    assert advance(small, {"claim": {"is_high_risk": False, "amount": 200}}).name == "approve"
    assert small.state == "approved"


def test_equal_priorities_keep_definition_order() -> None:
    """Among equal priorities the transition defined first is tried first."""
    assert [w.name for w in candidates(Route())] == ["to_fast", "to_manual", "to_slow"]
    route = Route()
    assert advance(route, {"n": 20}).name == "to_fast"
    assert advance(Route(), {"n": 3}).name == "to_slow"


def test_context_and_arguments_reach_the_hooks() -> None:
    """The transition that runs sees the context data and the keyword arguments."""
    route = Route()
    advance(route, {"n": 1}, note="by hand")
    assert route.seen == ({"n": 1}, {"note": "by hand"})


def test_none_available_names_every_candidate_and_why() -> None:
    """No candidate holds: NoTransitionAvailable lists each with its reasons; nothing changed."""
    claim = Claim(pk=7)
    context = {"claim": {"is_high_risk": False, "amount": 1}}
    claim.state = "approved"
    with pytest.raises(NoTransitionAvailable) as none:
        advance(claim, context)
    assert none.value.candidates == ()
    assert "No transition leaves state 'approved' of Claim #7" in str(none.value)

    route = Route()
    with pytest.raises(NoTransitionAvailable) as caught:
        advance(route, {"n": -1})
    error = caught.value
    assert [a.transition for a in error.candidates] == ["to_fast", "to_manual", "to_slow"]
    assert [r.name for a in error.candidates for r in a.reasons] == ["n > 10", "n > 10", "n >= 0"]
    assert error.state == "new" and error.instance is route and error.context == {"n": -1}
    assert "to_slow: condition 'n >= 0' is not met" in str(error)
    assert route.state == "new"


def test_permission_takes_a_candidate_out_for_that_user() -> None:
    """With user=, a transition the user may not run is not taken, and the reason says so."""
    route = Route()
    advance(route, {"n": 1})
    with pytest.raises(NoTransitionAvailable, match="permission"):
        advance(route, user=RecordingUser("guest"))
    assert route.state == "slow"
    advance(route, user=RecordingUser("clerk", "app.finish"))
    assert route.state == "done"


def test_several_workflows_need_field() -> None:
    """An object with two workflows says which one to advance with field=."""

    class Both(WorkflowEnabled):
        state = RouteFlow()
        other = ClaimFlow()

    with pytest.raises(AttributeError, match="pass field="):
        advance(Both(), {"claim": {"amount": 1, "is_high_risk": False}})
    both = Both()
    context = {"claim": {"amount": 1, "is_high_risk": False}}
    assert advance(both, context, field="other").name == "approve"
    assert both.other == "approved" and both.state == "new"


def test_async_condition_needs_aadvance() -> None:
    """advance refuses a transition with async callables; aadvance awaits them."""

    class AsyncRoute(WorkflowEnabled):
        state = RouteFlow()

        @statecore.after_transition("to_slow")
        async def notify(self, *args: Any, **kwargs: Any) -> None:
            self.notified = current_context()["n"]

    with pytest.raises(AwaitRequired, match="aadvance"):
        advance(AsyncRoute(), {"n": 1})
    route = AsyncRoute()
    ran = asyncio.run(aadvance(route, {"n": 2}))
    assert ran.name == "to_slow"
    assert route.state == "slow" and route.notified == 2


def test_aadvance_reports_like_advance() -> None:
    """aadvance with nothing available raises the same error with the same candidates."""
    with pytest.raises(NoTransitionAvailable) as caught:
        asyncio.run(aadvance(Route(), {"n": -5}))
    assert [a.transition for a in caught.value.candidates] == ["to_fast", "to_manual", "to_slow"]


@settings(max_examples=60)
@given(st.lists(st.tuples(st.integers(-3, 3), st.booleans()), min_size=1, max_size=6))
def test_advance_runs_the_first_holding_transition_by_priority(
    spec: list[tuple[int, bool]],
) -> None:
    """Against a plain model: the highest priority that holds runs, ties in definition order."""
    data = {
        "schema_version": 1,
        "name": "Random",
        "states": [{"name": "start", "kind": "initial"}]
        + [{"name": f"s{i}"} for i in range(len(spec))],
        "transitions": [
            {
                "name": f"t{i}",
                "source": "start",
                "target": f"s{i}",
                "conditions": [f"flags.t{i} == true"],
                "priority": priority,
            }
            for i, (priority, _holds) in enumerate(spec)
        ],
    }

    class Host(WorkflowEnabled):
        state = workflow_from_dict(data)()

    context = {"flags": {f"t{i}": holds for i, (_priority, holds) in enumerate(spec)}}
    order = sorted(range(len(spec)), key=lambda i: -spec[i][0])
    expected = next((i for i in order if spec[i][1]), None)
    host = Host()
    if expected is None:
        with pytest.raises(NoTransitionAvailable) as caught:
            advance(host, context)
        assert [a.transition for a in caught.value.candidates] == [f"t{i}" for i in order]
        assert host.state == "start"
    else:
        assert advance(host, context).name == f"t{expected}"
        assert host.state == f"s{expected}"
