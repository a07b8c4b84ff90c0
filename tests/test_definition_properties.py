"""Property tests of definition-time validation.

Random definitions with injected problems (duplicate names, unknown sources, targets
and initial states, names that are not identifiers, no states at all, names used for
both a state and a transition) must give either a valid workflow or one
`WorkflowDefinitionError` listing every problem, and nothing else.
"""

from __future__ import annotations

import keyword
from typing import Any

from hypothesis import given, settings
from hypothesis import strategies as st

from statecore import Transition, Workflow, WorkflowDefinitionError

SETTINGS = settings(max_examples=200, deadline=None)

STATE_NAMES = ["draft", "placed", "paid", "shipped"]
TRANSITION_NAMES = ["place", "pay", "ship", "cancel"]
BAD_NAMES = ["1st", "two words", "class", "", "dash-ed", 7, None]
UNKNOWN_STATES = ["limbo", "nowhere", ["paid"], 3]

state_refs = st.sampled_from(STATE_NAMES + UNKNOWN_STATES)
transition_names = st.one_of(
    st.sampled_from(TRANSITION_NAMES),  # repeats make duplicates
    st.sampled_from(BAD_NAMES),
    st.sampled_from(STATE_NAMES),  # a name shared with a state
)


@st.composite
def definitions(draw: st.DrawFn, *, broken: bool | None = None) -> dict[str, Any]:
    """A definition as plain data: valid, or possibly broken in several ways at once.

    Args:
        draw: hypothesis's draw function.
        broken: True to allow problems, False for a valid definition, None to pick.
    """
    if broken is None:
        broken = draw(st.booleans())
    if broken:
        states = draw(st.lists(st.sampled_from(STATE_NAMES + BAD_NAMES[:5]), max_size=5))
        refs, names, initials = (
            state_refs,
            transition_names,
            [*STATE_NAMES, "limbo", ["draft"], None],
        )
    else:
        states = draw(st.lists(st.sampled_from(STATE_NAMES), min_size=1, unique=True))
        refs, names, initials = st.sampled_from(states), st.sampled_from(TRANSITION_NAMES), states
    some_sources = st.one_of(
        refs, st.lists(refs, min_size=1, max_size=3), st.sampled_from(["*", "+"])
    )
    transitions = draw(
        st.lists(
            st.tuples(names, some_sources, refs),
            max_size=5,
            unique_by=None if broken else (lambda t: t[0]),
        )
    )
    titled = draw(st.booleans())
    as_objects = draw(st.booleans())
    return {
        "states": [(name, f"Title of {name}") for name in states] if titled else states,
        "transitions": [Transition(*t) for t in transitions] if as_objects else transitions,
        "initial_state": draw(st.sampled_from(initials)),
    }


def _is_identifier(name: object) -> bool:
    return isinstance(name, str) and name.isidentifier() and not keyword.iskeyword(name)


def _parts(item: Any) -> tuple[Any, list[Any], list[Any]]:
    """A transition's name, source references and target references, as written."""
    if isinstance(item, Transition):
        return item.name, list(item.source), list(item.targets)
    name, source, target = item
    return (
        name,
        source if isinstance(source, list) else [source],
        target if isinstance(target, list) else [target],
    )


def expected_problems(definition: dict[str, Any]) -> list[str]:
    """The start of every problem message the definition must produce, by hand."""
    problems = []
    states: list[str] = []
    for item in definition["states"]:
        name = item[0] if isinstance(item, tuple) else item
        if not _is_identifier(name):
            problems.append(f"state name {name!r} is not a Python identifier")
        elif name in states:
            problems.append(f"state {name!r} is defined twice")
        else:
            states.append(name)
    if not states:
        problems.append("the workflow has no states")
    first: dict[str, tuple[list[Any], list[Any]]] = {}
    for item in definition["transitions"]:
        name, source, target = _parts(item)
        if not _is_identifier(name):
            problems.append(f"transition name {name!r} is not a Python identifier")
        elif name in first:
            problems.append(f"transition {name!r} is defined twice")
        else:
            first[name] = (source, target)
    for name, (source, targets) in first.items():
        for target in targets:
            if target not in states:
                problems.append(f"transition {name!r} targets unknown state {target!r}")
        for ref in source:
            if ref not in ("*", "+", *states):
                problems.append(f"transition {name!r} starts from unknown state {ref!r}")
    initial = definition["initial_state"]
    if initial is None:
        problems.append("initial_state is not set")
    elif initial not in states:
        problems.append(f"initial_state {initial!r} is not a state")
    for name in sorted(set(states) & set(first)):
        problems.append(f"{name!r} is both a state and a transition")
    return problems


def _build(definition: dict[str, Any]) -> type[Workflow]:
    namespace = {
        "states": tuple(definition["states"]),
        "transitions": tuple(definition["transitions"]),
        "initial_state": definition["initial_state"],
    }
    return type("Flow", (Workflow,), namespace)


@SETTINGS
@given(definition=definitions())
def test_every_injected_problem_is_reported_at_once(definition: dict[str, Any]) -> None:
    """A broken definition raises one WorkflowDefinitionError naming each problem, no more.

    Any other exception (KeyError, TypeError, ...) escaping from class creation fails the
    test; so does a problem missing from ``.problems`` or one the model did not expect.
    """
    expected = expected_problems(definition)
    try:
        flow = _build(definition)
    except WorkflowDefinitionError as exc:
        remaining = list(exc.problems)
        for problem in expected:
            match = next((p for p in remaining if p.startswith(problem)), None)
            assert match is not None, f"{problem!r} missing from {exc.problems}"
            remaining.remove(match)
        assert remaining == [], f"unexpected problems: {remaining}"
        assert expected, f"a valid definition was refused: {exc.problems}"
        assert all(line in str(exc) for line in exc.problems)
    else:
        assert expected == [], f"{expected} not reported; got {flow}"


@SETTINGS
@given(definition=definitions(broken=False))
def test_a_valid_definition_keeps_every_declaration(definition: dict[str, Any]) -> None:
    """A valid definition keeps each state and transition as declared (no override)."""
    assert expected_problems(definition) == []
    flow = _build(definition)
    names = [item[0] if isinstance(item, tuple) else item for item in definition["states"]]
    assert flow.states.names() == tuple(names)
    for item in definition["transitions"]:
        name, refs, targets = _parts(item)
        compiled = flow.transitions[name]
        assert list(compiled.targets) == targets
        if "*" in refs:
            assert set(compiled.source) == set(names)
        elif "+" in refs:
            assert set(compiled.source) == set(names) - set(targets)
        else:
            assert set(compiled.source) == set(refs)
    assert flow.initial_state.name == definition["initial_state"]


@SETTINGS
@given(definition=definitions())
def test_valid_and_broken_definitions_are_told_apart(definition: dict[str, Any]) -> None:
    """Class creation succeeds exactly when the hand-written model finds no problem."""
    try:
        _build(definition)
    except WorkflowDefinitionError:
        compiled = False
    else:
        compiled = True
    assert compiled is (expected_problems(definition) == [])
