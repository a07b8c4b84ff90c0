"""The awaited path and the sync path agree: same states, steps, exceptions and log.

Hypothesis draws a workflow, what each of its callables does (pass, say no, raise, abort),
and a sequence of events. The same events run on a host whose callables are plain ``def``
(called the sync way) and on a twin whose callables are ``async def`` and await before
acting (called with ``acall``). Everything observable must be the same after every event.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from typing import Any

from hypothesis import given, settings
from hypothesis import strategies as st

import statecore
from statecore import AbortTransition, Transition, WorkflowEnabled

BEHAVIOURS = {
    "condition": ["yes", "no", "raise"],
    "check": ["yes", "no"],
    "before": ["ok", "raise", "abort"],
    "leave": ["ok", "raise"],
    "implementation": ["ok", "raise", "abort"],
    "enter": ["ok", "raise"],
    "after": ["ok", "raise"],
}
PER_STATE = ("leave", "enter")


@st.composite
def scenarios(draw: Callable[[st.SearchStrategy[Any]], Any]) -> dict[str, Any]:
    """A workflow (with on_error states), what each callable does, and events to run."""
    states = [f"s{i}" for i in range(draw(st.integers(2, 4)))]
    transitions = []
    for index in range(draw(st.integers(1, 4))):
        sources = draw(st.lists(st.sampled_from(states), min_size=1, unique=True))
        target = draw(st.sampled_from(states))
        on_error = draw(st.none() | st.sampled_from(states))
        transitions.append((f"t{index}", tuple(sources), target, on_error))
    behaviour = {}
    for kind, choices in BEHAVIOURS.items():
        for name in states if kind in PER_STATE else [t[0] for t in transitions]:
            behaviour[kind, name] = draw(st.sampled_from(choices))
    names = [t[0] for t in transitions]
    events = draw(st.lists(st.sampled_from(names), max_size=8))
    return {
        "states": states,
        "transitions": transitions,
        "behaviour": behaviour,
        "events": events,
    }


def act(trace: list[str], behaviour: str, kind: str, name: str) -> Any:
    """Record the step, then do what ``behaviour`` says."""
    trace.append(f"{kind} {name}")
    if behaviour == "raise":
        raise RuntimeError(f"{kind} {name} failed")
    if behaviour == "abort":
        raise AbortTransition(f"{kind} {name} aborted")
    return behaviour != "no"


def step(kind: str, name: str, behaviour: str, asynchronous: bool) -> Callable[..., Any]:
    """A callable of the host for one step: sync, or async awaiting before it acts."""
    if asynchronous:

        async def run_async(obj: Any, *args: Any, **kwargs: Any) -> Any:
            await asyncio.sleep(0)
            return act(obj.trace, behaviour, kind, name)

        run_async.__name__ = run_async.__qualname__ = f"{kind}_{name}"
        return run_async

    def run(obj: Any, *args: Any, **kwargs: Any) -> Any:
        return act(obj.trace, behaviour, kind, name)

    run.__name__ = run.__qualname__ = f"{kind}_{name}"
    return run


def host(scenario: dict[str, Any], asynchronous: bool) -> type[WorkflowEnabled]:
    """Build the workflow and its host class, with sync or async callables."""
    behaviour = scenario["behaviour"]

    def callable_(kind: str, name: str) -> Callable[..., Any]:
        return step(kind, name, behaviour[kind, name], asynchronous)

    class Flow(statecore.Workflow):
        states = scenario["states"]
        transitions = tuple(
            Transition(
                name,
                sources,
                target,
                on_error=on_error,
                conditions=[callable_("condition", name)],
            )
            for name, sources, target, on_error in scenario["transitions"]
        )
        initial_state = scenario["states"][0]

        def log_transition(self, transition: Any, from_state: Any, obj: Any, *a: Any) -> None:
            obj.trace.append(f"log {transition.name} {from_state.name}->{obj.state.name}")

    namespace: dict[str, Any] = {
        "state": Flow(),
        "__init__": lambda self: setattr(self, "trace", []),
    }
    for name, *_ in scenario["transitions"]:
        namespace[f"check_{name}"] = statecore.transition_check(name)(callable_("check", name))
        namespace[f"before_{name}"] = statecore.before_transition(name)(callable_("before", name))
        namespace[f"after_{name}"] = statecore.after_transition(name)(callable_("after", name))
        namespace[name] = statecore.transition()(callable_("implementation", name))
    for name in scenario["states"]:
        namespace[f"leave_{name}"] = statecore.on_leave_state(name)(callable_("leave", name))
        namespace[f"enter_{name}"] = statecore.on_enter_state(name)(callable_("enter", name))
    return type("Host", (WorkflowEnabled,), namespace)


def outcome(obj: Any, call: Callable[[], Any]) -> tuple[Any, ...]:
    """What one event did: its result or exception (type, message, notes), state and steps."""
    del obj.trace[:]
    try:
        result: Any = ("returned", call())
    except Exception as exc:
        result = ("raised", type(exc).__name__, str(exc), getattr(exc, "__notes__", None))
    return (result, obj.state.name, list(obj.trace))


@settings(max_examples=150, deadline=None)
@given(scenarios())
def test_awaited_and_sync_transitions_agree(scenario: dict[str, Any]) -> None:
    """Every event gives the same result or exception, state, steps and log on both paths."""
    sync_obj = host(scenario, asynchronous=False)()
    async_obj = host(scenario, asynchronous=True)()

    async def awaited(name: str) -> Any:
        return await getattr(async_obj, name).acall()

    async def explain(name: str) -> Any:
        return await getattr(async_obj, name).aexplain()

    for name in scenario["events"]:
        expected = outcome(sync_obj, getattr(sync_obj, name))
        actual = outcome(async_obj, lambda name=name: asyncio.run(awaited(name)))
        assert actual == expected, name
        explained = outcome(sync_obj, getattr(sync_obj, name).explain)
        aexplained = outcome(async_obj, lambda name=name: asyncio.run(explain(name)))
        assert aexplained == explained, name
