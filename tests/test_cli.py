"""The command line: python -m statecore graph | check | demo.

Each behaviour is checked in a real subprocess (``python -m statecore``), and the same
paths run in-process through ``cli.main`` so that coverage sees them.
"""

from __future__ import annotations

import os
import re
import runpy
import shutil
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

import statecore
from statecore import cli, graph
from statecore.lint import lint
from workflows import BrokenFlow, OrderFlow

TESTS = Path(__file__).parent
needs_dot = pytest.mark.skipif(
    shutil.which("dot") is None, reason="the Graphviz 'dot' program is not installed"
)


def run(*args: str, cwd: Path = TESTS, **env: str) -> subprocess.CompletedProcess[str]:
    """Run ``python -m statecore ARGS`` in ``cwd`` (by default the tests directory)."""
    return subprocess.run(
        [sys.executable, "-m", "statecore", *args],
        cwd=cwd,
        env={**os.environ, **env},
        capture_output=True,
        text=True,
        check=False,
    )


def assert_one_error_line(stderr: str, message: str) -> None:
    """Assert that stderr is exactly one 'statecore: error:' line carrying ``message``."""
    assert "Traceback" not in stderr
    assert stderr.count("\n") == 1
    assert stderr == f"{cli.ERROR_PREFIX}{message}\n"


@pytest.fixture
def user_module(tmp_path: Path) -> Path:
    """A directory holding a module 'shopflows' with a workflow, as a user project would."""
    (tmp_path / "shopflows.py").write_text(
        "import statecore\n"
        "class InvoiceFlow(statecore.Workflow):\n"
        "    states = ('open', 'paid')\n"
        "    transitions = (('settle', 'open', 'paid'),)\n"
        "    initial_state = 'open'\n"
        "    final_states = ('paid',)\n"
    )
    (tmp_path / "brokenmodule.py").write_text(
        "import statecore\n"
        "class BadFlow(statecore.Workflow):\n"
        "    states = ('a', 'b')\n"
        "    transitions = (('go', 'a', 'c'),)\n"
        "    initial_state = 'a'\n"
    )
    return tmp_path


@pytest.fixture
def importable_cwd(user_module: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    """Run in-process from ``user_module`` with neither it nor '' on sys.path beforehand.

    The modules imported from it are forgotten afterwards.
    """
    monkeypatch.chdir(user_module)
    monkeypatch.setattr(sys, "path", [p for p in sys.path if p not in ("", str(user_module))])
    yield user_module
    for name, module in list(sys.modules.items()):
        if str(getattr(module, "__file__", None) or "").startswith(str(user_module)):
            del sys.modules[name]


# -- graph --------------------------------------------------------------------------------


def test_graph_prints_mermaid_by_default() -> None:
    """Without -o or --format, graph prints the Mermaid text on stdout."""
    result = run("graph", "workflows:OrderFlow")

    assert result.returncode == 0, result.stderr
    assert result.stdout == OrderFlow.to_mermaid()
    assert result.stderr == ""


def test_graph_prints_dot_when_asked(capsys: pytest.CaptureFixture[str]) -> None:
    """--format dot prints the DOT text, with the current state highlighted."""
    code = cli.main(["graph", "workflows:OrderFlow", "--format", "dot", "--current", "paid"])

    assert code == 0
    assert capsys.readouterr().out == OrderFlow.to_dot(current="paid")


def test_graph_picks_the_single_workflow_of_a_host_class(
    capsys: pytest.CaptureFixture[str],
) -> None:
    """Naming a class with one workflow attribute draws that workflow."""
    assert cli.main(["graph", "workflows:Order"]) == 0
    assert capsys.readouterr().out == OrderFlow.to_mermaid()


def test_graph_follows_a_dotted_path_to_a_workflow_attribute(
    capsys: pytest.CaptureFixture[str],
) -> None:
    """MODULE:Class.attribute names one workflow of a class with several."""
    assert cli.main(["graph", "workflows:Room.light"]) == 0
    assert capsys.readouterr().out.startswith("stateDiagram-v2\n    [*] --> off\n")


def test_graph_accepts_a_workflow_instance(
    importable_cwd: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """A module-level workflow object is drawn like its class."""
    (importable_cwd / "flowobject.py").write_text(
        "from shopflows import InvoiceFlow\nflow = InvoiceFlow()\n"
    )

    assert cli.main(["graph", "flowobject:flow"]) == 0
    assert "open --> paid : settle" in capsys.readouterr().out


@needs_dot
def test_graph_writes_an_svg_file(tmp_path: Path) -> None:
    """-o FILE.svg renders the image and says where it went."""
    target = tmp_path / "order.svg"

    result = run("graph", "workflows:OrderFlow", "-o", str(target))

    assert result.returncode == 0, result.stderr
    assert result.stdout == f"wrote {target}\n"
    assert target.read_bytes().startswith(b"<?xml")


@needs_dot
def test_graph_writes_a_png_file_in_process(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """--format png with -o writes PNG bytes whatever the suffix."""
    target = tmp_path / "order.image"

    assert cli.main(["graph", "workflows:OrderFlow", "-o", str(target), "--format", "png"]) == 0
    assert capsys.readouterr().out == cli.WROTE.format(path=target) + "\n"
    assert target.read_bytes().startswith(b"\x89PNG\r\n\x1a\n")


def test_graph_writes_a_mermaid_file(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """-o FILE.mmd writes the Mermaid text to the file, nothing to stdout but where."""
    target = tmp_path / "order.mmd"

    assert cli.main(["graph", "workflows:OrderFlow", "-o", str(target)]) == 0
    assert target.read_text() == OrderFlow.to_mermaid()
    assert capsys.readouterr().out == f"wrote {target}\n"


def test_current_directory_is_importable(user_module: Path) -> None:
    """A module in the current directory is found, as with python -m."""
    result = run("graph", "shopflows:InvoiceFlow", cwd=user_module)

    assert result.returncode == 0, result.stderr
    assert "open --> paid : settle" in result.stdout


def test_current_directory_is_importable_in_process(
    importable_cwd: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """cli.main puts the current directory on sys.path before importing."""
    assert cli.main(["check", "shopflows:InvoiceFlow"]) == 0
    assert capsys.readouterr().out == "no problems found in shopflows:InvoiceFlow\n"
    assert str(importable_cwd) in sys.path


# -- check --------------------------------------------------------------------------------


def test_check_reports_findings_and_exits_1() -> None:
    """check prints one line per finding and a count, and exits with 1."""
    result = run("check", "workflows:BrokenFlow")

    assert result.returncode == 1
    lines = result.stdout.splitlines()
    assert lines[:3] == [f"{finding.kind}: {finding.message}" for finding in lint(BrokenFlow)]
    assert lines[3] == "3 problems found in workflows:BrokenFlow"
    assert result.stderr == ""


def test_check_counts_a_single_problem_in_the_singular(
    importable_cwd: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """One finding is reported as '1 problem found'."""
    (importable_cwd / "oneproblem.py").write_text(
        "import statecore\n"
        "class DraftFlow(statecore.Workflow):\n"
        "    states = ('draft', 'sent')\n"
        "    transitions = (('send', 'draft', 'sent'),)\n"
        "    initial_state = 'draft'\n"
    )

    assert cli.main(["check", "oneproblem:DraftFlow"]) == 1
    out = capsys.readouterr().out
    assert out.startswith("dead_end: state 'sent' of DraftFlow has no outgoing transition")
    assert out.endswith("\n1 problem found in oneproblem:DraftFlow\n")


def test_check_says_no_problems_and_exits_0() -> None:
    """A clean workflow gets 'no problems found' and exit code 0."""
    result = run("check", "workflows:ShipmentFlow")

    assert result.returncode == 0
    assert result.stdout == "no problems found in workflows:ShipmentFlow\n"


def test_check_in_process_returns_the_exit_code(capsys: pytest.CaptureFixture[str]) -> None:
    """cli.main returns 1 for findings and 0 for a clean workflow."""
    assert cli.main(["check", "workflows:BrokenFlow"]) == 1
    assert "unreachable: state 'orphan'" in capsys.readouterr().out
    assert cli.main(["check", "workflows:ReviewFlow"]) == 0
    assert capsys.readouterr().out == cli.NO_PROBLEMS.format(target="workflows:ReviewFlow") + "\n"


# -- errors -------------------------------------------------------------------------------

ERRORS = [
    pytest.param(
        ["graph", "workflows"],
        cli.BAD_TARGET.format(target="workflows"),
        id="no-colon",
    ),
    pytest.param(
        ["graph", "workflows:Order.1"],
        cli.BAD_TARGET.format(target="workflows:Order.1"),
        id="bad-attribute-path",
    ),
    pytest.param(
        ["check", "no_such_module:Flow"],
        cli.MODULE_NOT_FOUND.format(
            module="no_such_module", error="No module named 'no_such_module'"
        ),
        id="missing-module",
    ),
    pytest.param(
        ["graph", "workflows:OrderFlo"],
        cli.ATTRIBUTE_NOT_FOUND.format(
            where="module 'workflows'", attribute="OrderFlo", hint=" (did you mean 'OrderFlow'?)"
        ),
        id="missing-attribute",
    ),
    pytest.param(
        ["graph", "workflows:Room.ligth"],
        cli.ATTRIBUTE_NOT_FOUND.format(
            where="'workflows:Room'", attribute="ligth", hint=" (did you mean 'light'?)"
        ),
        id="missing-nested-attribute",
    ),
    pytest.param(
        ["check", "workflows:RecordingUser"],
        cli.NOT_A_WORKFLOW.format(target="workflows:RecordingUser", kind="the class RecordingUser"),
        id="class-without-workflow",
    ),
    pytest.param(
        ["check", "workflows:annotations"],
        cli.NOT_A_WORKFLOW.format(target="workflows:annotations", kind="a _Feature object"),
        id="not-a-class",
    ),
    pytest.param(
        ["graph", "statecore:Workflow"],
        cli.NOT_A_WORKFLOW.format(
            target="statecore:Workflow",
            kind="the class Workflow (a Workflow base without states)",
        ),
        id="abstract-workflow",
    ),
    pytest.param(
        ["graph", "workflows:Room"],
        cli.SEVERAL_WORKFLOWS.format(target="workflows:Room", fields="door, light", first="door"),
        id="several-workflows",
    ),
    pytest.param(
        ["graph", "workflows:OrderFlow", "--format", "svg"],
        cli.BINARY_NEEDS_OUTPUT.format(format="svg"),
        id="image-to-stdout",
    ),
    pytest.param(
        ["graph", "workflows:OrderFlow", "--current", "lost"],
        "'lost' is not a state of OrderFlow; states: draft, placed, paid, shipped, cancelled",
        id="unknown-current-state",
    ),
    pytest.param(
        ["graph", "workflows:OrderFlow", "-o", "order.txt"],
        "cannot tell the diagram format from the file name 'order.txt'; use a suffix among "
        ".mmd, .mermaid, .dot, .gv, .svg, .png, .pdf, or name the format "
        "(mermaid, dot, svg, png, pdf)",
        id="unknown-suffix",
    ),
    pytest.param(
        ["demo", "-o", "demo.txt"],
        "cannot tell the diagram format from the file name 'demo.txt'; use a suffix among "
        ".mmd, .mermaid, .dot, .gv, .svg, .png, .pdf, or name the format "
        "(mermaid, dot, svg, png, pdf)",
        id="demo-unknown-suffix",
    ),
    pytest.param(
        [],
        "the following arguments are required: COMMAND (see: python -m statecore --help)",
        id="no-command",
    ),
    pytest.param(
        ["graph"],
        "the following arguments are required: MODULE:WORKFLOW "
        "(see: python -m statecore graph --help)",
        id="no-target",
    ),
    pytest.param(
        ["graph", "workflows:OrderFlow", "--format", "gif"],
        "argument --format: invalid choice: 'gif' (choose from 'mermaid', 'dot', 'svg', 'png', "
        "'pdf') (see: python -m statecore graph --help)",
        id="bad-format-choice",
    ),
]


@pytest.mark.parametrize(("args", "message"), ERRORS)
def test_error_is_one_line_with_exit_code_2(args: list[str], message: str) -> None:
    """python -m statecore reports the error as one prefixed line, exit 2, no traceback."""
    result = run(*args)

    assert result.returncode == 2
    assert_one_error_line(result.stderr, message)
    assert result.stdout == ""


@pytest.mark.parametrize(("args", "message"), ERRORS)
def test_error_is_one_line_with_exit_code_2_in_process(
    args: list[str], message: str, capsys: pytest.CaptureFixture[str]
) -> None:
    """cli.main returns 2 and writes the same one line to stderr."""
    assert cli.main(args) == 2
    captured = capsys.readouterr()
    assert_one_error_line(captured.err, message)
    assert captured.out == ""


def test_module_that_fails_to_import_is_one_line(importable_cwd: Path) -> None:
    """A module raising while imported (here a definition error) is reported on one line."""
    result = run("check", "brokenmodule:BadFlow", cwd=importable_cwd)

    assert result.returncode == 2
    assert_one_error_line(
        result.stderr,
        "importing module 'brokenmodule' failed: WorkflowDefinitionError: BadFlow is not a "
        "valid definition (1 problem): - transition 'go' targets unknown state 'c'",
    )


def test_module_that_fails_to_import_in_process(
    importable_cwd: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """cli.main returns 2 for a module that raises while imported."""
    assert cli.main(["graph", "brokenmodule:BadFlow"]) == 2
    err = capsys.readouterr().err
    assert err.startswith(
        f"{cli.ERROR_PREFIX}importing module 'brokenmodule' failed: WorkflowDefinitionError"
    )
    assert err.count("\n") == 1


def test_missing_graphviz_package_is_one_line(tmp_path: Path) -> None:
    """Rendering an image without the graphviz package gives the pip hint, exit 2."""
    blocker = tmp_path / "blocked"
    blocker.mkdir()
    (blocker / "graphviz.py").write_text("raise ImportError('graphviz is blocked')\n")

    result = run(
        "graph", "workflows:OrderFlow", "-o", str(tmp_path / "o.svg"), PYTHONPATH=str(blocker)
    )

    assert result.returncode == 2
    assert_one_error_line(result.stderr, graph.MISSING_GRAPHVIZ_PACKAGE)
    assert not (tmp_path / "o.svg").exists()


def test_missing_graphviz_package_in_process(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """cli.main returns 2 with the pip hint when graphviz cannot be imported."""
    monkeypatch.setitem(sys.modules, "graphviz", None)

    assert cli.main(["graph", "workflows:OrderFlow", "-o", str(tmp_path / "o.pdf")]) == 2
    assert_one_error_line(capsys.readouterr().err, graph.MISSING_GRAPHVIZ_PACKAGE)


def test_missing_dot_program_is_one_line(tmp_path: Path) -> None:
    """Rendering an image without the dot program says how to install Graphviz, exit 2."""
    result = run("graph", "workflows:OrderFlow", "-o", str(tmp_path / "o.png"), PATH=str(tmp_path))

    assert result.returncode == 2
    assert_one_error_line(result.stderr, graph.MISSING_DOT_PROGRAM)


# -- help -----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("args", "expected"),
    [
        ([], "usage: statecore [-h] [--version] COMMAND ..."),
        (["graph"], "usage: statecore graph [-h] [-o FILE]"),
        (["check"], "usage: statecore check [-h] MODULE:WORKFLOW"),
        (["demo"], "usage: statecore demo [-h] [-o DIAGRAM]"),
    ],
)
def test_help_describes_each_command(args: list[str], expected: str) -> None:
    """--help prints the command's usage and exits with 0."""
    result = run(*args, "--help")

    assert result.returncode == 0
    assert result.stdout.startswith(expected)


def test_version_prints_the_package_version() -> None:
    """--version prints "statecore <version>", the version of the installed package, exit 0."""
    result = run("--version")

    assert result.returncode == 0
    assert result.stdout == f"statecore {statecore.__version__}\n"
    assert re.fullmatch(r"\d+\.\d+\.\d+\S*", statecore.__version__)


def test_console_script_runs_the_command_line() -> None:
    """The installed ``statecore`` command is the same command line as python -m statecore."""
    script = Path(sys.executable).with_name("statecore")
    if not script.exists():
        pytest.fail(f"no console script next to {sys.executable}; install the package")
    result = subprocess.run([str(script), "--version"], capture_output=True, text=True, check=False)
    assert (result.returncode, result.stdout) == (0, f"statecore {statecore.__version__}\n")
    assert _entry_point("statecore") == "statecore.cli:main"


def _entry_point(name: str) -> str:
    from importlib.metadata import entry_points

    (point,) = entry_points(group="console_scripts", name=name)
    return point.value


def test_help_in_process_returns_0(capsys: pytest.CaptureFixture[str]) -> None:
    """cli.main returns 0 after printing the help, without raising SystemExit."""
    assert cli.main(["graph", "--help"]) == 0
    out = capsys.readouterr().out
    assert "--format {mermaid,dot,svg,png,pdf}" in out
    assert "MODULE:WORKFLOW" in out


def test_module_entry_point_exits_with_the_code_of_main(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """Running the statecore package as __main__ exits with cli.main's return code."""
    monkeypatch.setattr(sys, "argv", ["statecore", "check", "workflows:BrokenFlow"])

    with pytest.raises(SystemExit) as exit_:
        runpy.run_module("statecore", run_name="__main__")

    assert exit_.value.code == 1
    assert capsys.readouterr().out.endswith("3 problems found in workflows:BrokenFlow\n")


# -- demo -----------------------------------------------------------------------------------


def test_demo_command_runs_the_demo(tmp_path: Path) -> None:
    """python -m statecore demo -o FILE walks through the demo and writes the diagram."""
    target = tmp_path / "demo.mmd"

    result = run("demo", "-o", str(target))

    assert result.returncode == 0, result.stderr
    assert "transition          place: draft -> placed" in result.stdout
    assert target.read_text().startswith("stateDiagram-v2\n")
    # The demo wraps a long path under its label column: join it back.
    unwrapped = re.sub(r"\n {24}", "", result.stdout)
    assert unwrapped.endswith(f"    written to          {target}\n")
