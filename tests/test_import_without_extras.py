"""The core imports and works without Django, graphviz or hypothesis installed.

Each test runs a fresh interpreter in which a meta-path finder makes those packages
unimportable, as if they were not installed. The interpreter imports the installed
statecore (the editable checkout, or the built wheel in ``nox -s package``).
"""

from __future__ import annotations

import subprocess
import sys
import textwrap

BLOCKER = """
import sys

BLOCKED = ("django", "graphviz", "hypothesis")


class BlockExtras:
    def find_spec(self, name, path=None, target=None):
        if name.split(".")[0] in BLOCKED:
            raise ImportError(name + " is blocked: extras are not installed")
        return None


sys.meta_path.insert(0, BlockExtras())
for loaded in [m for m in sys.modules if m.split(".")[0] in BLOCKED]:
    del sys.modules[loaded]
"""


def _run(code: str) -> subprocess.CompletedProcess[str]:
    script = BLOCKER + textwrap.dedent(code)
    return subprocess.run(
        [sys.executable, "-c", script], capture_output=True, text=True, timeout=60, check=False
    )


def test_blocker_really_blocks_the_extras() -> None:
    """The blocking finder makes ``import graphviz`` and ``import django`` fail."""
    result = _run(
        """
        for name in ("graphviz", "django", "hypothesis"):
            try:
                __import__(name)
            except ImportError:
                print("blocked", name)
        """
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.split("\n")[:3] == [
        "blocked graphviz",
        "blocked django",
        "blocked hypothesis",
    ]


def test_core_defines_and_runs_a_workflow_without_extras() -> None:
    """With the extras blocked, statecore defines and runs a workflow and draws it as Mermaid."""
    result = _run(
        """
        import statecore

        class Flow(statecore.Workflow):
            states = ("draft", "done")
            transitions = (("finish", "draft", "done"),)
            initial_state = "draft"

        class Task(statecore.WorkflowEnabled):
            state = Flow()

            @statecore.transition()
            def finish(self, note):
                return note

        task = Task()
        assert task.finish("ok") == "ok"
        assert task.state == "done"
        diagram = Flow.to_mermaid()
        assert "stateDiagram-v2" in diagram, diagram
        assert "finish" in diagram, diagram
        print("ran")
        """
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "ran"


def test_importing_statecore_imports_no_extra() -> None:
    """Importing statecore (and using it) loads no django, graphviz, hypothesis or celpy module."""
    result = subprocess.run(
        [
            sys.executable,
            "-c",
            textwrap.dedent(
                """
                import sys
                import statecore
                statecore.Workflow.to_mermaid  # the graph entry point, not called
                loaded = sorted(
                    m for m in sys.modules
                    if m.split(".")[0] in ("django", "graphviz", "hypothesis", "celpy")
                )
                print(loaded)
                """
            ),
        ],
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "[]"
