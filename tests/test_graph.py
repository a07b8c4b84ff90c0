"""Diagrams: Mermaid and DOT text, and images rendered with Graphviz."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import pytest

import statecore
from statecore import graph
from workflows import DoorFlow, Order, OrderFlow, ShipmentFlow

needs_dot = pytest.mark.skipif(
    shutil.which("dot") is None, reason="the Graphviz 'dot' program is not installed"
)

MAGIC = {"svg": b"<?xml", "png": b"\x89PNG\r\n\x1a\n", "pdf": b"%PDF-"}


# -- Mermaid ------------------------------------------------------------------------------


def test_mermaid_starts_with_the_diagram_type_and_the_initial_arrow() -> None:
    """The text is a stateDiagram-v2 whose first edge comes from [*] into the initial state."""
    lines = graph.to_mermaid(OrderFlow).splitlines()

    assert lines[:2] == ["stateDiagram-v2", "    [*] --> draft"]


def test_mermaid_draws_one_labelled_edge_per_transition_source_and_target() -> None:
    """Each (source, target) of each transition is an edge labelled with the transition name."""
    text = graph.to_mermaid(OrderFlow)

    for edge in (
        "draft --> placed : place",
        "placed --> paid : pay",
        "paid --> shipped : ship",
        "draft --> cancelled : cancel",
        "placed --> cancelled : cancel",
        "paid --> cancelled : cancel",
    ):
        assert f"    {edge}\n" in text


def test_mermaid_draws_every_target_of_a_multi_target_transition() -> None:
    """A transition with two targets gives one edge to each."""
    text = graph.to_mermaid(ShipmentFlow)

    assert "    in_transit --> delivered : arrive\n" in text
    assert "    in_transit --> returned : arrive\n" in text


def test_mermaid_labels_the_on_error_edge() -> None:
    """The state an on_error enters gets its own edge, labelled as the error path."""
    text = graph.to_mermaid(ShipmentFlow)

    assert "    packing --> lost : dispatch (on error)\n" in text


def test_mermaid_merges_transitions_sharing_source_and_target() -> None:
    """Two transitions between the same states are one edge naming both."""
    text = graph.to_mermaid(ShipmentFlow)

    assert "    in_transit --> lost : give_up, declare_lost\n" in text
    assert text.count("in_transit --> lost") == 1


def test_mermaid_sends_final_states_to_the_end_marker() -> None:
    """Final states, and only they, have an edge to [*]."""
    text = graph.to_mermaid(ShipmentFlow)

    assert "    delivered --> [*]\n" in text
    assert "    lost --> [*]\n" in text
    assert text.count("--> [*]") == 2


def test_mermaid_describes_states_with_their_titles() -> None:
    """Each state is described by its title."""
    text = graph.to_mermaid(ShipmentFlow)

    assert "    delivered : Delivered\n" in text
    assert "    returned : Returned\n" in text


def test_mermaid_escapes_characters_its_parser_reads() -> None:
    """Quotes, '#', ';' and angle brackets become entity codes; line breaks become spaces."""
    text = graph.to_mermaid(ShipmentFlow)

    assert "    packing : Packing #34;fragile#34; #35;1#59; #60;box#62;\n" in text
    assert "    in_transit : In transit\\by road and sea\n" in text


def test_mermaid_highlights_the_current_state() -> None:
    """The current state gets a class whose style is declared with classDef."""
    text = graph.to_mermaid(OrderFlow, current="paid")

    assert "    classDef current fill:#ffd54f,stroke:#e65100,stroke-width:3px\n" in text
    assert text.endswith("    class paid current\n")


def test_mermaid_highlights_nothing_without_a_current_state() -> None:
    """Without current=, no class is declared."""
    assert "classDef" not in graph.to_mermaid(OrderFlow)


def test_mermaid_accepts_the_state_wrapper_of_an_object_as_current() -> None:
    """An object's state (a StateWrapper) can be passed as the current state."""
    order = Order()
    order.place()

    assert graph.to_mermaid(OrderFlow, current=order.state).endswith("class placed current\n")


def test_mermaid_renames_states_named_like_mermaid_keywords() -> None:
    """A state called 'note' or 'end' gets another id, keeping its title, so the text parses."""

    class MeetingFlow(statecore.Workflow):
        states = ("note", "end")
        transitions = (("close", "note", "end"),)
        initial_state = "note"

    text = graph.to_mermaid(MeetingFlow)

    assert "    [*] --> note_state\n" in text
    assert "    note_state --> end_state : close\n" in text
    assert "    end_state : End\n" in text


def test_mermaid_renamed_ids_do_not_clash_with_other_states() -> None:
    """When 'note_state' is taken by another state, the keyword's id moves further."""

    class PadFlow(statecore.Workflow):
        states = ("note", "note_state")
        transitions = (("file", "note", "note_state"),)
        initial_state = "note"

    text = graph.to_mermaid(PadFlow)

    assert "    note_state_ --> note_state : file\n" in text


def test_workflow_classmethod_and_instance_give_the_same_text() -> None:
    """Workflow.to_mermaid/to_dot and the graph functions on an instance agree."""
    assert OrderFlow.to_mermaid(current="paid") == graph.to_mermaid(OrderFlow(), current="paid")
    assert OrderFlow.to_dot() == graph.to_dot(OrderFlow())


def test_unknown_current_state_is_refused() -> None:
    """A current state that is not a state of the workflow raises InvalidStateError."""
    with pytest.raises(statecore.InvalidStateError, match="'lost' is not a state of OrderFlow"):
        graph.to_mermaid(OrderFlow, current="lost")


def test_a_non_workflow_is_refused() -> None:
    """Passing something else than a workflow raises TypeError naming it."""
    with pytest.raises(TypeError, match="expected a Workflow subclass or instance, got 42"):
        graph.to_dot(42)  # type: ignore[arg-type]


def test_the_abstract_workflow_base_is_refused() -> None:
    """The Workflow base class has no states to draw: TypeError says so."""
    with pytest.raises(TypeError, match="declares no states"):
        graph.to_mermaid(statecore.Workflow)


# -- DOT ----------------------------------------------------------------------------------


def test_dot_is_a_named_digraph() -> None:
    """The text is a digraph named after the workflow class."""
    text = graph.to_dot(DoorFlow)

    assert text.startswith('digraph "DoorFlow" {\n')
    assert text.endswith("}\n")


def test_dot_marks_the_initial_state() -> None:
    """A point node leads to the initial state, which is drawn bold."""
    text = graph.to_dot(OrderFlow)

    assert '    "[*]" [shape=point, width=0.2, label=""];\n' in text
    assert '    "[*]" -> "draft";\n' in text
    assert '    "draft" [label="Draft", penwidth=2];\n' in text


def test_dot_draws_final_states_as_double_circles() -> None:
    """Final states have shape=doublecircle; the others do not."""
    text = graph.to_dot(ShipmentFlow)

    assert '    "delivered" [label="Delivered", shape=doublecircle];\n' in text
    assert '    "returned" [label="Returned"];\n' in text
    assert text.count("doublecircle") == 2


def test_dot_labels_edges_and_dashes_on_error() -> None:
    """Edges carry the transition names; the on_error edge is dashed."""
    text = graph.to_dot(ShipmentFlow)

    assert '    "packing" -> "in_transit" [label="dispatch"];\n' in text
    assert '    "in_transit" -> "delivered" [label="arrive"];\n' in text
    assert '    "in_transit" -> "returned" [label="arrive"];\n' in text
    assert '    "in_transit" -> "lost" [label="give_up, declare_lost"];\n' in text
    assert '    "packing" -> "lost" [label="dispatch (on error)", style=dashed];\n' in text


def test_dot_escapes_quotes_backslashes_and_line_breaks_in_titles() -> None:
    """A title's quotes and backslashes are escaped and its line breaks become \\n."""
    text = graph.to_dot(ShipmentFlow)

    assert r'"packing" [label="Packing \"fragile\" #1; <box>", penwidth=2];' in text
    assert r'"in_transit" [label="In transit\\by road\nand sea"];' in text


def test_dot_highlights_the_current_state() -> None:
    """The current state is filled with the highlight colour."""
    text = graph.to_dot(OrderFlow, current="paid")

    assert (
        '    "paid" [label="Paid", style="rounded,filled", fillcolor="#ffd54f", color="#e65100"];\n'
    ) in text
    assert text.count("fillcolor") == 1


@needs_dot
def test_dot_text_is_accepted_by_graphviz() -> None:
    """The dot program parses the text of a workflow whose titles need escaping."""
    result = subprocess.run(
        ["dot", "-Tsvg"],
        input=graph.to_dot(ShipmentFlow, current="lost"),
        capture_output=True,
        text=True,
        check=False,
    )

    assert result.returncode == 0, result.stderr
    assert "Packing &quot;fragile&quot; #1; &lt;box&gt;" in result.stdout


# -- render -------------------------------------------------------------------------------


@needs_dot
@pytest.mark.parametrize("kind", ["svg", "png", "pdf"])
def test_render_writes_an_image_in_the_format_of_the_suffix(tmp_path: Path, kind: str) -> None:
    """render() draws the image its file suffix names, with that format's magic bytes."""
    written = graph.render(OrderFlow, tmp_path / f"order.{kind}", current="paid")

    assert written == tmp_path / f"order.{kind}"
    assert written.read_bytes().startswith(MAGIC[kind])


@needs_dot
def test_render_svg_contains_the_states_and_transitions(tmp_path: Path) -> None:
    """The SVG shows the state titles and the transition names."""
    svg = graph.render(OrderFlow, tmp_path / "order.svg").read_text()

    assert "<svg" in svg
    for text in ("Draft", "Cancelled", "place", "cancel"):
        assert f">{text}</text>" in svg


@needs_dot
def test_render_format_overrides_the_suffix(tmp_path: Path) -> None:
    """An explicit format wins over the file's suffix; parent directories are created."""
    written = graph.render(OrderFlow(), tmp_path / "deep" / "order.img", format="png")

    assert written.read_bytes().startswith(MAGIC["png"])


@pytest.mark.parametrize(
    ("name", "expected"),
    [("order.mmd", "stateDiagram-v2\n"), ("order.gv", 'digraph "OrderFlow" {\n')],
)
def test_render_writes_text_formats_without_graphviz(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, name: str, expected: str
) -> None:
    """Mermaid and DOT files are written even when the graphviz package cannot be imported."""
    monkeypatch.setitem(sys.modules, "graphviz", None)

    written = graph.render(OrderFlow, tmp_path / name)

    assert written.read_text().startswith(expected)


def test_render_without_graphviz_package_says_how_to_install_it(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Without the graphviz package, an image raises ImportError with the pip hint, no chain."""
    monkeypatch.setitem(sys.modules, "graphviz", None)

    with pytest.raises(ImportError) as caught:
        graph.render(OrderFlow, tmp_path / "order.svg")

    assert str(caught.value) == (
        "Rendering needs the graphviz package: pip install 'statecore[graphviz]'"
    )
    assert caught.value.__cause__ is None
    assert caught.value.__suppress_context__
    assert not (tmp_path / "order.svg").exists()


def test_render_without_dot_program_says_how_to_install_graphviz(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Without the dot program on PATH, an image raises RuntimeError naming the installers."""
    pytest.importorskip("graphviz", reason="the graphviz package is not installed")
    monkeypatch.setenv("PATH", str(tmp_path))

    with pytest.raises(RuntimeError) as caught:
        graph.render(OrderFlow, tmp_path / "order.png")

    assert str(caught.value) == graph.MISSING_DOT_PROGRAM
    assert "apt install graphviz" in str(caught.value)
    assert "brew install graphviz" in str(caught.value)


def test_render_refuses_a_suffix_it_cannot_map(tmp_path: Path) -> None:
    """A file name whose suffix names no format raises ValueError listing the suffixes."""
    with pytest.raises(ValueError, match=r"cannot tell the diagram format .*order\.txt.*\.svg"):
        graph.render(OrderFlow, tmp_path / "order.txt")


def test_render_refuses_an_unknown_format(tmp_path: Path) -> None:
    """An explicit format outside the known ones raises ValueError listing them."""
    with pytest.raises(ValueError, match="unknown diagram format 'gif'; use one of mermaid, dot"):
        graph.render(OrderFlow, tmp_path / "order.gif", format="gif")


def test_importing_the_graph_module_does_not_import_graphviz() -> None:
    """statecore.graph imports graphviz only when an image is rendered."""
    code = "import sys, statecore.graph; print('graphviz' in sys.modules)"
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True
    )

    assert result.stdout.strip() == "False"


def test_draw_returns_the_diagram_bytes_in_each_text_format_and_refuses_unknown_ones() -> None:
    """graph.draw is the one drawing function: text formats need nothing, others are refused."""
    assert graph.draw(OrderFlow, "mermaid") == OrderFlow.to_mermaid().encode()
    assert (
        graph.draw(OrderFlow, "dot", current="draft") == OrderFlow.to_dot(current="draft").encode()
    )
    with pytest.raises(ValueError, match="unknown diagram format 'gif'"):
        graph.draw(OrderFlow, "gif")
