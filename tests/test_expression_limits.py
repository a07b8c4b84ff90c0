"""Expression conditions an attacker could write or feed: refused, never a yes, never a crash."""

from __future__ import annotations

from typing import Any

import pytest

from statecore import Expression, ExpressionError, Transition, Workflow, WorkflowEnabled
from statecore.expressions import MAX_LENGTH, MAX_MACRO_NESTING


class Account:
    """An object with data, a method, a class and a property that fails."""

    balance = 10
    Kind = type("Kind", (), {})

    def close(self) -> None:
        raise AssertionError("an expression must never call a method")

    @property
    def audit(self) -> int:
        raise ValueError("the audit service is down")


def test_expression_longer_than_the_limit_is_refused_when_compiled() -> None:
    """A text over MAX_LENGTH characters is an ExpressionError saying how long it is."""
    text = " || ".join(["1 == 2"] * (MAX_LENGTH // 10 + 1))
    with pytest.raises(ExpressionError, match="too long") as caught:
        Expression(text)
    assert caught.value.reason.startswith(f"it is {len(text)} characters")


def test_expression_nested_too_deeply_is_an_expression_error_not_a_recursion_error() -> None:
    """Parentheses nested a thousand deep give ExpressionError, at compile or evaluation."""
    text = "(" * 900 + "true" + ")" * 900
    with pytest.raises(ExpressionError, match="nested too deeply"):
        Expression(text)(Account())


def test_macros_nested_deeper_than_the_limit_are_refused() -> None:
    """Three nested list macros (work growing as a cube) are refused in the definition."""
    inner = "[1, 2].exists(c, a + b + c > 0)"
    text = f"[1, 2].all(a, [1, 2].all(b, {inner}))"
    assert MAX_MACRO_NESTING == 2
    with pytest.raises(ExpressionError, match="nest 3 deep"):
        Expression(text)
    assert Expression("[1, 2].all(a, [3].exists(b, a < b)) && [1].map(x, x).all(y, y > 0)")(None)


def test_deeply_nested_context_data_is_an_expression_error() -> None:
    """Context data nested past the stack's depth is refused with ExpressionError."""
    data: dict[str, Any] = {}
    cursor = data
    for _ in range(5000):
        cursor["a"] = {}
        cursor = cursor["a"]
    with pytest.raises(ExpressionError, match="nested too deeply"):
        Expression("has(claim.a)").evaluate(None, {"claim": data})


def test_methods_and_classes_of_the_object_are_not_visible() -> None:
    """obj.close and obj.Kind are no members: has() is false, reading them fails."""
    account = Account()
    assert Expression("has(obj.balance)")(account) is True
    assert Expression("has(obj.close) || has(obj.Kind) || has(obj.__class__)")(account) is False
    with pytest.raises(ExpressionError, match="no such member"):
        Expression("obj.close == null")(account)


def test_attribute_that_raises_is_an_expression_error_never_a_yes() -> None:
    """A property raising while an expression reads it refuses the transition."""

    class AuditFlow(Workflow):
        states = ("open", "closed")
        transitions = (Transition("close", "open", "closed", conditions=["obj.audit == 0"]),)
        initial_state = "open"

    class Audited(WorkflowEnabled):
        state = AuditFlow()
        audit = Account.audit

    item = Audited()
    with pytest.raises(ExpressionError, match="raised ValueError: the audit service is down"):
        item.close()
    assert item.state == "open"
