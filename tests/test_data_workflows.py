"""Workflows from data: schema version 1 into a Workflow class, problems with paths, and back."""

from __future__ import annotations

import copy
import io
import json
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import statecore
from statecore import (
    State,
    StateKind,
    Transition,
    Workflow,
    WorkflowDefinitionError,
    workflow_from_dict,
    workflow_from_json,
    workflow_to_dict,
    workflow_to_json,
)
from workflows import CLAIM_DATA


def _claim(**changes: Any) -> dict[str, Any]:
    data = copy.deepcopy(CLAIM_DATA)
    data.update(changes)
    return data


def _problems(data: Any) -> tuple[str, ...]:
    with pytest.raises(WorkflowDefinitionError) as caught:
        workflow_from_dict(data)
    return caught.value.problems


def test_data_builds_a_workflow_subclass_with_titles_kinds_and_options() -> None:
    """The data gives a Workflow subclass named after it, with its states, kinds and options."""
    flow = workflow_from_dict(_claim())
    assert issubclass(flow, Workflow)
    assert flow.__name__ == "ClaimFlow"
    assert flow.initial_state.name == "submitted"
    assert flow.states.review.title == "Under review"
    assert flow.states.paused.kind is StateKind.ON_HOLD
    assert flow.states.cancelled.final and flow.states.approved.final
    assert not flow.states.paused.final
    escalate = flow.transitions.escalate_risk
    assert escalate.priority == 20
    assert [getattr(c, "text", None) for c in escalate.conditions] == ["claim.is_high_risk == true"]
    assert flow.transitions.approve.source == ("submitted", "review")
    assert flow.title == "Insurance claim"  # type: ignore[attr-defined]


def test_data_workflow_binds_and_runs_like_a_class() -> None:
    """A workflow from data runs on a WorkflowEnabled host like a class-defined one."""
    flow = workflow_from_dict(_claim())

    class Claim(statecore.WorkflowEnabled):
        state = flow()

    claim = Claim()
    claim.approve()  # type: ignore[attr-defined]
    assert claim.state == "approved"


def test_every_problem_is_reported_at_once_with_its_path() -> None:
    """Several problems give one error listing each, located by its path in the data."""
    data = _claim()
    data["states"].append({"name": "review", "titel": "again"})
    data["transitions"] += [
        {"name": "x", "source": "submited", "target": ["review", "nowhere"], "lable": "X"},
        {"name": "y", "source": "review", "target": "approved", "priority": "high"},
        {"name": "2z", "source": "review", "target": "approved", "conditions": "a > 1"},
        {"name": "hold", "source": "review", "target": "paused"},
    ]
    problems = _problems(data)
    paths = [problem.split(":", 1)[0] for problem in problems]
    assert paths == [
        "states[5].titel",
        "states[5].name",
        "transitions[3].lable",
        "transitions[3].source",
        "transitions[3].target[1]",
        "transitions[4].priority",
        "transitions[5].name",
        "transitions[5].conditions",
        "transitions[6].name",
    ]
    assert "did you mean 'submitted'?" in problems[3]
    assert "did you mean 'title'?" in problems[0]


def test_syntax_error_in_a_condition_is_a_definition_error_with_its_path() -> None:
    """An expression that does not compile is reported when the data is loaded, with its path."""
    data = _claim()
    data["transitions"][1]["conditions"] = ["claim.amount >"]
    (problem,) = _problems(data)
    assert problem.startswith("transitions[1].conditions[0]: expression 'claim.amount >'")
    assert "not valid CEL" in problem


@pytest.mark.parametrize(
    ("change", "path"),
    [
        ({"schema_version": 2}, "schema_version"),
        ({"schema_version": "1"}, "schema_version"),
        ({"name": "claim flow"}, "name"),
        ({"states": []}, "states"),
        ({"transitions": {}}, "transitions"),
        ({"initial_state": "limbo"}, "initial_state"),
        ({"initial_state": "review"}, "initial_state"),
        ({"custom": []}, "custom"),
        ({"colour": "blue"}, "colour"),
    ],
)
def test_top_level_problems_name_their_key(change: dict[str, Any], path: str) -> None:
    """Each wrong top-level value is reported under its key."""
    problems = _problems(_claim(**change))
    assert [p.split(":", 1)[0] for p in problems] == [path]


def test_initial_state_must_be_marked_exactly_once() -> None:
    """No initial state, or two, is a problem that says how to fix it."""
    none = _claim()
    none["states"][0]["kind"] = "normal"
    assert "no state has kind 'initial'" in _problems(none)[0]
    two = _claim()
    two["states"][1]["kind"] = "initial"
    assert "several states have kind 'initial'" in _problems(two)[0]
    given = _claim(initial_state="submitted")
    assert workflow_from_dict(given).initial_state.name == "submitted"


def test_state_kind_and_value_are_checked() -> None:
    """An unknown kind or a value that is not a string or number is refused with its path."""
    data = _claim()
    data["states"][1]["kind"] = "paused"
    data["states"][2]["value"] = [1]
    problems = _problems(data)
    assert problems[0].startswith("states[1].kind: 'paused' is not a state kind; kinds: normal")
    assert problems[1].startswith("states[2].value:")


def test_data_that_is_not_a_mapping_is_refused() -> None:
    """A list or a string where the data object belongs gives a definition error."""
    with pytest.raises(WorkflowDefinitionError, match="must be a JSON object"):
        workflow_from_dict([])  # type: ignore[arg-type]


def test_from_json_reads_a_path_a_file_object_and_text(tmp_path: Path) -> None:
    """JSON comes from a path, an open file or the text itself, with the same result."""
    text = json.dumps(CLAIM_DATA)
    path = tmp_path / "claim.json"
    path.write_text(text, encoding="utf-8")
    for source in (path, str(path), io.StringIO(text), text):
        flow = workflow_from_json(source)
        assert workflow_to_dict(flow) == workflow_to_dict(workflow_from_dict(CLAIM_DATA))


def test_broken_json_is_a_definition_error_with_line_and_column() -> None:
    """JSON that does not parse is reported with where it breaks."""
    with pytest.raises(WorkflowDefinitionError, match=r"line 1 column 2"):
        workflow_from_json("{oops")


def test_base_class_is_subclassed() -> None:
    """``Base.from_dict`` subclasses Base: an adapter's workflow class stays what it is."""

    class Base(Workflow):
        """An abstract workflow with a behaviour of its own."""

        def log_transition(self, *args: Any, **kwargs: Any) -> None:
            """Logs nothing; only here to be inherited."""

    flow = Base.from_dict(CLAIM_DATA)
    assert issubclass(flow, Base)
    with pytest.raises(WorkflowDefinitionError, match="base:"):
        workflow_from_dict(CLAIM_DATA, base=flow)


def test_to_dict_writes_the_canonical_form_and_leaves_generated_transitions_out() -> None:
    """The data written back has every key, and no hold/resume/cancel (the kinds give them)."""
    flow = workflow_from_dict(CLAIM_DATA)
    data = flow.to_dict()
    assert [t["name"] for t in data["transitions"]] == [
        "escalate_risk",
        "escalate_amount",
        "approve",
    ]
    assert data["transitions"][2] == {
        "name": "approve",
        "source": ["submitted", "review"],
        "target": "approved",
        "conditions": [],
        "priority": 0,
        "label": "Approve",
        "description": "",
        "permission": None,
        "on_error": None,
        "custom": {},
    }
    assert json.loads(workflow_to_json(flow)) == data
    assert workflow_to_dict(workflow_from_dict(data)) == data


def test_class_defined_workflow_exports_to_data() -> None:
    """A class-defined workflow with expression conditions and final states exports as data."""

    class Ticket(Workflow):
        states = (State("new"), State("open"), "closed")
        transitions = (
            Transition("start", "new", "open", conditions=["obj.ready"], priority=2),
            ("close", "*", "closed"),
        )
        initial_state = "new"
        final_states = ("closed",)

    data = Ticket.to_dict()
    assert data["states"][2]["kind"] == "final"
    assert data["transitions"][0]["conditions"] == ["obj.ready"]
    assert data["transitions"][1]["source"] == ["new", "open", "closed"]
    again = workflow_from_dict(data)
    assert workflow_to_dict(again) == data


def test_code_in_a_class_defined_workflow_cannot_be_exported() -> None:
    """A callable condition or permission, or a method-name condition, is named when exporting."""

    class Coded(Workflow):
        states = ("a", "b")
        transitions = (
            Transition("go", "a", "b", conditions=[bool, "ready"], permission=lambda o, u: True),
        )
        initial_state = "a"

    with pytest.raises(WorkflowDefinitionError) as caught:
        Coded.to_dict()
    paths = [p.split(":", 1)[0] for p in caught.value.problems]
    assert paths == [
        "transitions[0].conditions[0]",
        "transitions[0].conditions[1]",
        "transitions[0].permission",
    ]


# -- round trip ---------------------------------------------------------------------------

NAMES = st.sampled_from(["a", "b", "c", "d", "e", "f", "g", "h"])
EXPRESSIONS = st.sampled_from(["x > 1", "obj.ready == true", "size(items) < 3", "y == 'z'"])


@st.composite
def canonical_data(draw: st.DrawFn) -> dict[str, Any]:
    """Valid workflow data in the canonical form `workflow_to_dict` writes."""
    names = draw(st.lists(NAMES, min_size=2, max_size=8, unique=True))
    kinds = ["normal"] * len(names)
    kinds[0] = "initial"
    rest = list(range(1, len(names)))
    for kind in ("final", "on_hold", "cancellation"):
        if rest and draw(st.booleans()):
            kinds[rest.pop(draw(st.integers(0, len(rest) - 1)))] = kind
    states = [
        {
            "name": name,
            "title": draw(st.sampled_from([name.upper(), f"State {name}", name.capitalize()])),
            "kind": kind,
            "value": draw(st.sampled_from([None, index, f"v{index}"])),
        }
        for index, (name, kind) in enumerate(zip(names, kinds, strict=True))
    ]
    transitions = []
    for index in range(draw(st.integers(0, 6))):
        sources = draw(st.lists(st.sampled_from(names), min_size=1, max_size=3, unique=True))
        targets = draw(st.lists(st.sampled_from(names), min_size=1, max_size=2, unique=True))
        transitions.append(
            {
                "name": f"t{index}",
                "source": sources[0] if len(sources) == 1 else sources,
                "target": targets[0] if len(targets) == 1 else targets,
                "conditions": draw(st.lists(EXPRESSIONS, max_size=2)),
                "priority": draw(st.integers(-5, 5)),
                "label": draw(st.sampled_from([f"T{index}", "Go"])),
                "description": draw(st.sampled_from(["", "Moves on"])),
                "permission": draw(st.sampled_from([None, "app.move"])),
                "on_error": draw(st.sampled_from([None, names[0]])),
                "custom": draw(st.sampled_from([{}, {"colour": "red", "order": [1, 2]}])),
            }
        )
    return {
        "schema_version": 1,
        "name": "Generated",
        "title": draw(st.sampled_from(["", "A flow"])),
        "description": "",
        "initial_state": names[0],
        "states": states,
        "transitions": transitions,
        "custom": draw(st.sampled_from([{}, {"owner": "team"}])),
    }


@settings(max_examples=150)
@given(canonical_data())
def test_canonical_data_round_trips(data: dict[str, Any]) -> None:
    """Canonical data loaded and written back is the same data, through JSON too."""
    flow = workflow_from_dict(data)
    assert workflow_to_dict(flow) == data
    assert workflow_to_dict(workflow_from_json(workflow_to_json(flow))) == data


def test_command_line_checks_and_draws_a_json_file(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """``python -m statecore check/graph claim.json`` load the data; broken data exits 2."""
    from statecore.cli import main

    path = tmp_path / "claim.json"
    path.write_text(json.dumps(CLAIM_DATA), encoding="utf-8")
    assert main(["check", str(path)]) == 0
    assert main(["graph", str(path)]) == 0
    assert "escalate_risk" in capsys.readouterr().out
    broken = tmp_path / "broken.json"
    broken.write_text(json.dumps(_claim(initial_state="nowhere")), encoding="utf-8")
    assert main(["check", str(broken)]) == 2
    error = capsys.readouterr().err
    assert "does not define a workflow: initial_state: 'nowhere' is not a state" in error


def test_json_nested_too_deeply_is_a_definition_error() -> None:
    """workflow_from_json on deeply nested arrays says so, instead of a RecursionError."""
    from statecore.data import workflow_from_json

    text = '{"name": "x", "states": ' + "[" * 100_000 + "]" * 100_000 + "}"
    with pytest.raises(statecore.WorkflowDefinitionError, match="nested too deeply"):
        workflow_from_json(text)
