"""The demo: python -m statecore demo walks an order through its workflow."""

from __future__ import annotations

import re
import shutil
import sys
from pathlib import Path

import pytest

from statecore import demo, graph
from statecore.lint import lint

needs_dot = pytest.mark.skipif(
    shutil.which("dot") is None, reason="the Graphviz 'dot' program is not installed"
)


def last_line(output: str) -> str:
    """Return the demo's last line, unwrapped.

    The demo wraps long text under its label column, which breaks a long path (a deep
    temporary directory) over several lines.
    """
    return re.sub(rf"\n {{{4 + demo.LABEL}}}", "", output).splitlines()[-1]


@pytest.fixture
def output(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> str:
    """The demo's output when it writes its diagram as Mermaid text."""
    assert demo.main(tmp_path / "order.mmd") == 0
    return capsys.readouterr().out


def test_demo_prints_each_transition_with_source_and_target(output: str) -> None:
    """Every transition that runs is printed with the state it left and the one it entered."""
    for line in (
        "place: draft -> placed",
        "pay: payment_failed -> paid",
        "ship: paid -> shipped",
        "deliver: shipped -> delivered",
        "refund: delivered -> refunded",
        "pay: placed -> paid",
        "cancel: paid -> cancelled",
    ):
        assert f"    transition          {line}\n" in output


def test_demo_prints_hooks_as_they_run(output: str) -> None:
    """Hook lines appear between the call and its outcome, in the order the hooks run."""
    expected = (
        "order.cancel()\n"
        "    on_leave_state      returning 12.50 to the customer's card\n"
        "    on_enter_state      releasing stock: mug\n"
        "    transition          cancel: paid -> cancelled\n"
    )
    assert expected in output


def test_demo_explains_the_forbidden_payment(output: str) -> None:
    """explain() of the underpaid order names the unmet guard."""
    expected = (
        "order.pay.explain()\n    not available       condition 'payment_covers_total' is not met\n"
    )
    assert expected in output


def test_demo_prints_the_message_of_refused_steps(output: str) -> None:
    """The forbidden payment and the illegal shipment are refused with their messages."""
    assert (
        "    refused             ForbiddenTransition: Transition 'pay' of Order #1042 is "
        "forbidden in state\n                        'placed': condition 'payment_covers_total' "
        "is not met\n"
    ) in output
    assert (
        "    refused             InvalidTransitionError: Transition 'ship' is not available "
        "from state\n                        'payment_failed' of Order #1042; available: pay, "
        "cancel\n"
    ) in output
    assert output.count("    state               still ") == 2


def test_demo_shows_the_on_error_state(output: str) -> None:
    """The declined card raises, and the order enters the transition's on_error state."""
    assert "    failed              CardDeclined: card 4000 0000 0000 0002 was declined" in output
    assert "    on_error            pay: placed -> payment_failed\n" in output


def test_demo_output_has_headings(output: str) -> None:
    """The walk-through is split under underlined headings."""
    for title in (
        "The workflow: OrderFlow",
        "Order #1042: a declined card, then delivery and a return",
        "Order #1043: cancelled after payment",
        "The diagram",
    ):
        assert f"\n{title}\n{'=' * len(title)}\n" in output


def test_demo_lines_fit_the_width(output: str) -> None:
    """No line of the walk-through is wider than the demo's width (the path aside)."""
    lines = [line for line in output.splitlines() if "written to" not in line]
    assert max(len(line) for line in lines) <= demo.WIDTH


def test_demo_is_deterministic(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """Two runs print the same text."""
    demo.main(tmp_path / "order.mmd")
    first = capsys.readouterr().out
    demo.main(tmp_path / "order.mmd")

    assert capsys.readouterr().out == first


def test_demo_writes_the_mermaid_diagram_and_says_where(tmp_path: Path, output: str) -> None:
    """A .mmd path gets the Mermaid text, and the last line names the file."""
    target = tmp_path / "order.mmd"

    assert target.read_text() == demo.OrderFlow.to_mermaid()
    assert last_line(output) == f"    written to          {target}"


@needs_dot
def test_demo_writes_an_svg_when_graphviz_is_available(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """With the graphviz package and dot, an .svg path gets an SVG image."""
    target = tmp_path / "order.svg"

    assert demo.main(target) == 0

    assert target.read_bytes().startswith(b"<?xml")
    assert last_line(capsys.readouterr().out) == f"    written to          {target}"


def test_demo_falls_back_to_mermaid_without_graphviz(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """Without the graphviz package, the Mermaid text is written next to the asked path."""
    monkeypatch.setitem(sys.modules, "graphviz", None)

    assert demo.main(tmp_path / "order.svg") == 0

    out = capsys.readouterr().out
    assert not (tmp_path / "order.svg").exists()
    assert (tmp_path / "order.mmd").read_text().startswith("stateDiagram-v2\n")
    assert "    no image            Rendering needs the graphviz package" in out
    assert last_line(out) == f"    written to          {tmp_path / 'order.mmd'}"


def test_demo_defaults_to_a_file_in_the_temporary_directory(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """Without a path, the diagram goes to statecore-demo/ in the temporary directory."""
    monkeypatch.setattr("tempfile.tempdir", str(tmp_path))
    monkeypatch.setitem(sys.modules, "graphviz", None)

    assert demo.main() == 0

    assert demo.default_diagram_path() == tmp_path / "statecore-demo" / "order-flow.svg"
    assert (tmp_path / "statecore-demo" / "order-flow.mmd").exists()
    capsys.readouterr()


def test_demo_refuses_an_unknown_suffix_before_walking(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """A diagram path with an unknown suffix fails at once, before any output."""
    with pytest.raises(ValueError, match="cannot tell the diagram format"):
        demo.main(tmp_path / "order.txt")

    assert capsys.readouterr().out == ""


def test_demo_workflow_passes_its_own_check() -> None:
    """The demo's workflow has no unreachable state, dead end or dead transition."""
    assert lint(demo.OrderFlow) == []


def test_demo_diagram_shows_the_on_error_edge() -> None:
    """The demo's diagram includes the declined-payment path."""
    assert "placed --> payment_failed : pay (on error)" in graph.to_mermaid(demo.OrderFlow)
