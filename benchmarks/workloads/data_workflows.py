"""W10 and W11: statecore's workflows from data and expression conditions (statecore only).

- ``W10``: define the W5 workflow (200 states, 1,000 transitions) from data with
  `statecore.workflow_from_dict`; the baseline is the hand-written plain-Python
  definition of W5. ``W10-cel`` is the same data with a CEL condition on every tenth
  transition, 100 distinct texts compiled cold (the per-process cache is cleared before
  each definition): what a process pays the first time it loads such a definition.
- ``W11``: evaluate one expression condition (``claim.amount > 10000`` over context
  data) through ``is_available()``; the baseline is the same check written in Python.
"""

from __future__ import annotations

from typing import Any

from flows import BIG_INITIAL, BIG_STATE_COUNT, BIG_STATES, BIG_TRANSITION_COUNT, BIG_TRANSITIONS
from harness import Op, Settings, check, time_once_pairs, time_pairs

#: Every tenth transition of W10-cel has a condition.
CONDITION_EVERY = 10


def _data(conditions: bool) -> dict[str, Any]:
    states = [
        {"name": name, "kind": "initial" if name == BIG_INITIAL else "normal"}
        for name in BIG_STATES
    ]
    transitions: list[dict[str, Any]] = []
    for index, (name, source, target) in enumerate(BIG_TRANSITIONS):
        transition: dict[str, Any] = {"name": name, "source": source, "target": target}
        if conditions and index % CONDITION_EVERY == 0:
            transition["conditions"] = [f"order.amount > {index}"]
            transition["priority"] = index % 3
        transitions.append(transition)
    return {"schema_version": 1, "name": "BigFlow", "states": states, "transitions": transitions}


def _definer(conditions: bool) -> Any:
    import statecore
    from statecore import expressions

    data = _data(conditions)

    def define(index: int) -> Any:
        if conditions:
            expressions._compile.cache_clear()  # cold: every text compiled again
        return statecore.workflow_from_dict(data)

    return define


def _w10(library: Any, baseline: Any, settings: Settings, conditions: bool) -> dict[str, Any]:
    define = _definer(conditions)
    flow = define(0)
    counted = (len(flow.states), len(flow.transitions))
    expected = (BIG_STATE_COUNT, BIG_TRANSITION_COUNT)
    check(counted == expected, f"statecore from data: {counted}, expected {expected}")
    with_conditions = [t for t in flow.transitions if t.conditions]
    wanted = BIG_TRANSITION_COUNT // CONDITION_EVERY if conditions else 0
    check(len(with_conditions) == wanted, f"{len(with_conditions)} conditions, expected {wanted}")
    check(
        tuple(baseline.count(baseline.define(0))) == expected,
        "baseline: the W5 definition has another shape",
    )
    return time_once_pairs(define, baseline.define, settings.definitions).as_dict()


def w10(library: Any, baseline: Any, settings: Settings) -> dict[str, Any]:
    """A 200-state, 1,000-transition workflow defined from data."""
    return _w10(library, baseline, settings, conditions=False)


def w10_cel(library: Any, baseline: Any, settings: Settings) -> dict[str, Any]:
    """The same, with 100 distinct CEL conditions compiled cold."""
    return _w10(library, baseline, settings, conditions=True)


def w11(library: Any, baseline: Any, settings: Settings) -> dict[str, Any]:
    """One expression condition evaluated over context data, against the same in Python."""
    import statecore

    class ClaimFlow(statecore.Workflow):
        states = ("submitted", "review")
        transitions = (
            statecore.Transition(
                "escalate", "submitted", "review", conditions=["claim.amount > 10000"]
            ),
            statecore.Transition(
                "escalate_py",
                "submitted",
                "review",
                conditions=[lambda obj: statecore.current_context()["claim"]["amount"] > 10000],
            ),
        )
        initial_state = "submitted"

    class Claim(statecore.WorkflowEnabled):
        state = ClaimFlow()

    claim = Claim()
    with statecore.expression_context({"claim": {"amount": 20000, "is_high_risk": False}}):
        expression = claim.escalate  # type: ignore[attr-defined]
        python = claim.escalate_py  # type: ignore[attr-defined]
        check(expression.is_available() is True, "the expression does not hold")
        check(python.is_available() is True, "the Python condition does not hold")
        return time_pairs(Op(expression.is_available), Op(python.is_available), settings).as_dict()
