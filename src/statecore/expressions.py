"""Expression conditions: a transition's guard written in CEL, over the object and context data.

A condition may be an expression in the `Common Expression Language
<https://cel.dev>`_ instead of a function::

    Transition("approve", "review", "approved", conditions=["claim.amount <= 10000"])

The expression is compiled when the workflow is created (a syntax error is a
`WorkflowDefinitionError`) and evaluated each time the condition is asked. It sees:

- the **context data** of the call, each key a variable (``claim`` above), given by
  `statecore.advance` or by the `expression_context` block around a direct call;
- ``obj``, the object the workflow is bound to (``obj.amount``), its attributes read
  when the expression asks for them.

CEL runs on `cel-python <https://pypi.org/project/cel-python/>`_, installed by the
``cel`` extra (``pip install 'statecore[cel]'``) and imported only when a workflow
uses an expression (docs/data-workflows.md says why this runtime).
"""

from __future__ import annotations

import contextlib
import enum
from collections.abc import Iterator, Mapping
from contextvars import ContextVar
from functools import lru_cache
from types import MappingProxyType
from typing import TYPE_CHECKING, Any

import attrs

from .errors import ExpressionError

if TYPE_CHECKING:
    from .states import State
    from .transitions import Transition

__all__ = ["Expression", "current_context", "expression_context"]

#: The name under which an expression sees the object its workflow is bound to.
OBJECT_VARIABLE = "obj"

_EMPTY: Mapping[str, Any] = MappingProxyType({})

#: The longest expression text accepted, in characters: the parser's time grows with it.
MAX_LENGTH = 2000

#: How deeply the macros that loop over a list or map (``all``, ``exists``, ``exists_one``,
#: ``map``, ``filter``) may nest: each level multiplies the work by the size of its list.
MAX_MACRO_NESTING = 2

_MACROS = frozenset({"all", "exists", "exists_one", "map", "filter"})


class _Context:
    """The context data in effect, and its CEL form (converted on first use, then kept)."""

    __slots__ = ("converted", "data")

    def __init__(self, data: Mapping[str, Any]) -> None:
        self.data = data
        self.converted: dict[str, Any] | None = None


_CONTEXT: ContextVar[_Context | None] = ContextVar("statecore_expression_context", default=None)


@contextlib.contextmanager
def expression_context(data: Mapping[str, Any] | None) -> Iterator[Mapping[str, Any]]:
    """Make ``data`` the context data expression conditions see, inside the block.

    `statecore.advance` does this for the transition it runs; use it around a direct
    call (``with expression_context({"claim": claim}): obj.approve()``) or around
    ``explain()``. Blocks nest (the innermost wins) and follow threads and asyncio
    tasks as `contextvars` do.

    Args:
        data: a mapping of variable names to values (None for no data).

    Yields:
        The mapping in effect.

    Raises:
        TypeError: ``data`` is not a mapping with string keys, or uses the name ``obj``.

    .. versionadded:: 0.1
    """
    checked = _checked(data)
    token = _CONTEXT.set(_Context(checked))
    try:
        yield checked
    finally:
        _CONTEXT.reset(token)


def current_context() -> Mapping[str, Any]:
    """Return the context data in effect (an empty mapping outside `expression_context`).

    Hooks and implementations of a transition run by `statecore.advance` read the
    context data they were given here.

    .. versionadded:: 0.1
    """
    holder = _CONTEXT.get()
    return _EMPTY if holder is None else holder.data


def _checked(data: object) -> Mapping[str, Any]:
    if data is None:
        return _EMPTY
    if not isinstance(data, Mapping):
        msg = f"context data must be a mapping of names to values; got {type(data).__name__}"
        raise TypeError(msg)
    for key in data:
        if not isinstance(key, str):
            msg = f"context data keys are variable names, so strings; got {key!r}"
            raise TypeError(msg)
        if key == OBJECT_VARIABLE:
            msg = (
                f"context data may not define {OBJECT_VARIABLE!r}: expressions read the "
                f"object itself under that name; rename the key"
            )
            raise TypeError(msg)
    return data


class Expression:
    """A condition written in CEL, compiled once, evaluated against one object.

    Usable wherever a condition is (``Transition(..., conditions=[Expression(...)])``);
    a string condition that is not a Python identifier becomes one by itself. Calling
    it with the object answers True or False.

    Args:
        text: the CEL expression; it must give a bool.

    Attributes:
        text: the expression as written, also what "why not" shows.

    Raises:
        ExpressionError: the text is not a valid expression.
        ImportError: the ``cel`` extra is not installed.

    .. versionadded:: 0.1
    """

    __slots__ = ("_program", "text")

    def __init__(self, text: str) -> None:
        checked: object = text  # typed as str; untyped callers may give anything
        if not isinstance(checked, str) or not text.strip():
            msg = f"an expression is a non-empty string; got {text!r}"
            raise ExpressionError(msg, expression=str(text), reason="empty or not a string")
        self.text = text
        self._program = _compile(text)

    @property
    def condition_label(self) -> str:
        """How availability reasons and messages name this condition: its text."""
        return self.text

    def __repr__(self) -> str:
        return f"Expression({self.text!r})"

    def __eq__(self, other: object) -> bool:
        if isinstance(other, Expression):
            return other.text == self.text
        return NotImplemented

    def __hash__(self) -> int:
        return hash(self.text)

    def __call__(self, instance: Any) -> bool:
        """Evaluate the expression for ``instance`` with the context data in effect.

        Args:
            instance: the object, seen as ``obj``.

        Returns:
            The expression's verdict.

        Raises:
            ExpressionError: the evaluation failed (an unknown variable or key, a
                type mismatch) or gave something other than a bool.
        """
        return self.evaluate(instance, None)

    def evaluate(self, instance: Any, context: Mapping[str, Any] | None) -> bool:
        """Evaluate for ``instance`` with ``context`` (or the context in effect when None).

        Args:
            instance: the object, seen as ``obj``.
            context: the context data; None for the one in effect.

        Returns:
            The expression's verdict.

        Raises:
            ExpressionError: the evaluation failed or gave something other than a bool.
        """
        if context is None:
            holder = _CONTEXT.get()
            if holder is None:
                variables: dict[str, Any] = {}
            elif holder.converted is None:
                variables = holder.converted = self._converted(holder.data)
            else:
                variables = holder.converted
        else:
            variables = self._converted(_checked(context))
        activation = dict(variables)
        activation[OBJECT_VARIABLE] = _ObjectMap.of(instance)
        runtime = _runtime()
        try:
            result = self._program.evaluate(activation)
        except runtime.evaluation.CELEvalError as exc:
            raise self._failed(_reason(exc)) from None
        except RecursionError:
            raise self._failed("the data or the expression is nested too deeply") from None
        except ExpressionError:
            raise
        except Exception as exc:  # an attribute of the object raised while it was read
            raise self._failed(f"reading the object raised {type(exc).__name__}: {exc}") from exc
        if isinstance(result, runtime.evaluation.CELEvalError):
            raise self._failed(_reason(result))
        if not isinstance(result, runtime.celtypes.BoolType):
            raise self._failed(f"it gave {result!r}, not true or false")
        return bool(result)

    def _converted(self, data: Mapping[str, Any]) -> dict[str, Any]:
        """The context data in CEL's types; data nested too deeply is an `ExpressionError`."""
        try:
            return _variables(data)
        except RecursionError:
            raise self._failed("the context data is nested too deeply") from None

    def _failed(self, reason: str) -> ExpressionError:
        msg = (
            f"expression {self.text!r} could not be evaluated: {reason}; check the context "
            f"data given (variables: {', '.join(current_context()) or 'none'}) and the object"
        )
        return ExpressionError(msg, expression=self.text, reason=reason)


def is_expression_text(condition: object) -> bool:
    """Tell whether a string condition is an expression rather than a method name."""
    return isinstance(condition, str) and not condition.isidentifier()


def compile_conditions(transition: Transition, problems: list[str], where: str) -> Transition:
    """Return ``transition`` with its expression texts compiled to `Expression` objects.

    Each text that does not compile adds a problem (``where`` names the transition) and
    is left as it was.
    """
    conditions: list[Any] = []
    changed = False
    for position, condition in enumerate(transition.conditions):
        if is_expression_text(condition):
            try:
                conditions.append(Expression(condition))  # type: ignore[arg-type]
            except ExpressionError as exc:
                problems.append(f"{where.format(position=position)}: {exc}")
                conditions.append(condition)
                continue
            changed = True
        else:
            conditions.append(condition)
    if not changed:
        return transition
    return attrs.evolve(transition, conditions=tuple(conditions))


def _reason(error: Any) -> str:
    args = getattr(error, "args", ())
    text = str(args[0]) if args else str(error)
    return text.split(" (in activation", 1)[0]


# -- the runtime ---------------------------------------------------------------------------


class _Runtime:
    """The imported CEL runtime (cel-python) and its shared environment."""

    def __init__(self) -> None:
        try:
            import celpy
            import celpy.celtypes
            import celpy.evaluation
        except ImportError:
            msg = (
                "expression conditions need a CEL runtime, which is not installed; "
                "pip install 'statecore[cel]'"
            )
            raise ImportError(msg) from None
        import datetime  # both loaded by celpy already; not by `import statecore`
        import decimal

        self.datetime = datetime
        self.decimal = decimal
        self.celpy = celpy
        self.celtypes = celpy.celtypes
        self.evaluation = celpy.evaluation
        self.environment = celpy.Environment(runner_class=_runner_class(celpy.InterpretedRunner))


def _runner_class(base: type) -> type:
    """cel-python's interpreter, building its base activation once instead of per evaluation.

    Each evaluation clones the base activation and adds the variables to the clone
    (`celpy.evaluation.Evaluator.set_activation`), so one base serves every evaluation;
    building it (loading the environment's type annotations) was a third of the cost of
    evaluating a short expression. tests/test_expressions.py checks that contexts never
    leak from one evaluation, task or thread to another.
    """

    class Runner(base):  # type: ignore[misc]
        """An interpreted runner that keeps its base activation."""

        _base: Any = None

        def new_activation(self) -> Any:
            built = self._base
            if built is None:
                built = self._base = super().new_activation()
            return built

    return Runner


@lru_cache(maxsize=1)
def _runtime() -> _Runtime:
    return _Runtime()


@lru_cache(maxsize=4096)
def _compile(text: str) -> Any:
    """Compile ``text`` once per process (workflows often repeat a condition).

    Text longer than `MAX_LENGTH`, nested too deeply for the parser or with macros
    nested deeper than `MAX_MACRO_NESTING` is refused: evaluating it could take the
    process's time or stack.
    """
    if len(text) > MAX_LENGTH:
        reason = f"it is {len(text)} characters long, more than {MAX_LENGTH}"
        msg = f"expression {text[:60]!r}... is too long: {reason}; split the condition in several"
        raise ExpressionError(msg, expression=text, reason=reason)
    runtime = _runtime()
    try:
        tree = runtime.environment.compile(text)
    except RecursionError:
        reason = "it is nested too deeply to be read"
        msg = f"expression {text[:60]!r} is not valid: {reason}; use fewer parentheses or terms"
        raise ExpressionError(msg, expression=text, reason=reason) from None
    except runtime.celpy.CELParseError as exc:
        column = getattr(exc, "column", None)
        if isinstance(column, int) and column > 0:
            reason = f"it cannot be read from column {column} on (after {text[: column - 1]!r})"
        else:
            reason = "it cannot be read"
        msg = f"expression {text!r} is not valid CEL: {reason}; fix its syntax"
        raise ExpressionError(msg, expression=text, reason=reason) from None
    nesting = _macro_nesting(tree)
    if nesting > MAX_MACRO_NESTING:
        reason = f"its list macros nest {nesting} deep, more than {MAX_MACRO_NESTING}"
        msg = (
            f"expression {text!r} is refused: {reason} (each level multiplies the work); "
            f"compute the inner part in the context data instead"
        )
        raise ExpressionError(msg, expression=text, reason=reason)
    return runtime.environment.program(tree)


def _macro_nesting(tree: Any) -> int:
    """How deeply the list macros (``all``, ``exists``, ...) of a parsed expression nest."""
    deepest = 0
    pending: list[tuple[Any, int]] = [(tree, 0)]
    while pending:
        node, depth = pending.pop()
        children = getattr(node, "children", None)
        if not children:
            continue
        if node.data == "member_dot_arg" and len(children) > 2 and str(children[1]) in _MACROS:
            deepest = max(deepest, depth + 1)
            pending.append((children[0], depth))
            pending.extend((child, depth + 1) for child in children[2:])
            continue
        pending.extend((child, depth) for child in children)
    return deepest


def _variables(data: Mapping[str, Any]) -> dict[str, Any]:
    return {name: _to_cel(value) for name, value in data.items()}


def _to_cel(value: Any) -> Any:
    """Convert a Python value to CEL's types; objects become maps of their attributes."""
    runtime = _runtime()
    types = runtime.celtypes
    datetime = runtime.datetime
    if value is None:
        return None
    if isinstance(value, bool):
        return types.BoolType(value)
    if isinstance(value, int):
        return types.IntType(value)
    if isinstance(value, (float, runtime.decimal.Decimal)):
        return types.DoubleType(float(value))
    if isinstance(value, str):
        return types.StringType(value)
    if isinstance(value, bytes):
        return types.BytesType(value)
    if isinstance(value, enum.Enum):
        return _to_cel(value.value)
    if isinstance(value, datetime.datetime):
        return types.TimestampType(value)
    if isinstance(value, datetime.date):
        return types.StringType(value.isoformat())
    if isinstance(value, datetime.timedelta):
        return types.DurationType(value)
    if isinstance(value, Mapping):
        return types.MapType({_to_cel(key): _to_cel(item) for key, item in value.items()})
    if isinstance(value, (list, tuple)):
        return types.ListType([_to_cel(item) for item in value])
    state: State | None = getattr(value, "state", None)
    if type(value).__name__ == "StateWrapper" and state is not None:
        return types.StringType(state.name)
    return _ObjectMap.of(value)


class _ObjectMap:
    """Builds maps whose keys are an object's attributes, read when an expression asks."""

    _class: Any = None

    @classmethod
    def of(cls, instance: Any) -> Any:
        """A CEL map reading ``instance``'s attributes lazily."""
        if cls._class is None:
            cls._class = _object_map_class(_runtime().celtypes.MapType)
        return cls._class(instance)


def _object_map_class(base: type) -> type:
    class ObjectMap(base):  # type: ignore[misc]
        """A CEL map over an object's public attributes (not its methods or classes)."""

        def __init__(self, instance: Any) -> None:
            super().__init__()
            self._instance = instance

        def __getitem__(self, key: Any) -> Any:
            name = str(key)
            if name.startswith("_"):
                raise KeyError(key)
            try:
                value = getattr(self._instance, name)
            except AttributeError:
                raise KeyError(key) from None
            if callable(value) and not isinstance(value, Mapping):
                raise KeyError(key)  # methods and classes are not data
            return _to_cel(value)

        def __contains__(self, key: object) -> bool:
            try:
                self[key]
            except KeyError:
                return False
            return True

        def get(self, key: Any, default: Any = None) -> Any:
            try:
                return self[key]
            except KeyError:
                return default

        def __repr__(self) -> str:
            return f"<object {type(self._instance).__name__}>"

    return ObjectMap
