"""The command line: ``statecore graph | check | demo`` (or ``python -m statecore ...``).

``graph`` writes a workflow's diagram, ``check`` lints it, ``demo`` walks through an
example order workflow. A workflow is named as ``MODULE:OBJECT``, where the object is a
`Workflow` subclass, a class with exactly one workflow, or a dotted path to a workflow
attribute (``shop.models:Order.state``). The current directory is importable, as with
``python -m``.

Exit codes: 0 on success, 1 when ``check`` finds problems, 2 on an error (printed as one
line starting with ``statecore: error:``).
"""

from __future__ import annotations

import argparse
import importlib
import os
import sys
from collections.abc import Sequence
from typing import Any, NoReturn

from . import __version__
from .states import StateList
from .workflow import Workflow

__all__ = ["main"]

PROG = "statecore"
#: Prefix of every error line.
ERROR_PREFIX = "statecore: error: "

#: The target is not written as MODULE:OBJECT.
BAD_TARGET = "{target!r} is not MODULE:OBJECT; write it as package.module:OrderFlow"
#: The module cannot be imported.
MODULE_NOT_FOUND = (
    "cannot import module {module!r} ({error}); check the spelling, and run the command "
    "from the directory that contains the package"
)
#: Importing the module raised an error.
MODULE_FAILED = "importing module {module!r} failed: {error}"
#: A workflow defined as data (a .json file) does not load.
DATA_FAILED = "{path} does not define a workflow: {error}"
#: The module has no such attribute.
ATTRIBUTE_NOT_FOUND = "{where} has no attribute {attribute!r}{hint}"
#: The object is not a workflow and holds none.
NOT_A_WORKFLOW = (
    "{target} is {kind}, not a workflow; name a Workflow subclass or a class with one "
    "workflow attribute"
)
#: The class has several workflows.
SEVERAL_WORKFLOWS = "{target} has several workflows ({fields}); name one, e.g. {target}.{first}"
#: An image format was asked for without an output file.
BINARY_NEEDS_OUTPUT = "--format {format} writes an image; give an output file with -o FILE"
#: ``check`` found nothing.
NO_PROBLEMS = "no problems found in {target}"
#: ``check`` found something.
PROBLEMS_FOUND = "{count} problem{plural} found in {target}"
#: ``demo --django`` without Django installed.
DJANGO_MISSING = "the Django demo needs Django ({error}); pip install 'statecore[django]'"
#: ``graph -o`` wrote the file.
WROTE = "wrote {path}"


class CommandError(Exception):
    """An error the command line reports as one line, with exit code 2."""


class _Parser(argparse.ArgumentParser):
    """An argument parser whose usage errors are one line, like every other error."""

    def error(self, message: str) -> NoReturn:
        sys.stderr.write(f"{ERROR_PREFIX}{message} (see: python -m {self.prog} --help)\n")
        raise SystemExit(2)


def build_parser() -> argparse.ArgumentParser:
    """Return the parser of ``python -m statecore``.

    Returns:
        The argument parser, with one sub-command per action, and ``--version``.
    """
    parser = _Parser(
        prog=PROG,
        description="Workflows (finite state machines) on plain Python objects.",
        epilog="Run 'python -m statecore COMMAND --help' for a command's options.",
    )
    parser.add_argument(
        "--version", action="version", version=f"{PROG} {__version__}", help="print the version"
    )
    commands = parser.add_subparsers(dest="command", metavar="COMMAND", required=True)
    target_help = (
        "the workflow, as MODULE:OBJECT: a Workflow subclass (shop.flows:OrderFlow), a class "
        "with one workflow (shop.models:Order) or a workflow attribute (shop.models:Order.state); "
        "or a .json file of a workflow defined as data"
    )

    graph = commands.add_parser(
        "graph",
        help="write a workflow's diagram",
        description="Write a workflow's diagram as Mermaid or DOT text, or as an image.",
    )
    graph.add_argument("target", metavar="MODULE:WORKFLOW", help=target_help)
    graph.add_argument(
        "-o",
        "--output",
        metavar="FILE",
        help="the file to write (default: standard output, for text formats)",
    )
    graph.add_argument(
        "--format",
        choices=("mermaid", "dot", "svg", "png", "pdf"),
        help="the diagram format (default: from the file's suffix, else mermaid); svg, png "
        "and pdf need the graphviz extra and the Graphviz 'dot' program",
    )
    graph.add_argument("--current", metavar="STATE", help="a state to highlight")

    check = commands.add_parser(
        "check",
        help="find unreachable states, dead ends and transitions that never run",
        description="Lint a workflow; exit with 1 when a problem is found.",
    )
    check.add_argument("target", metavar="MODULE:WORKFLOW", help=target_help)

    demo = commands.add_parser(
        "demo",
        help="walk through an example order workflow",
        description="Run an example order workflow step by step and write its diagram.",
    )
    demo.add_argument(
        "-o",
        "--output",
        metavar="DIAGRAM",
        help="where to write the diagram (.svg, .png, .pdf, .dot or .mmd; default: a file in "
        "the temporary directory)",
    )
    demo.add_argument(
        "--django",
        action="store_true",
        help="run the Django side instead: a model on an embedded SQLite database, "
        "transitions saved and logged, the log table printed (needs statecore[django])",
    )
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command line.

    Args:
        argv: the arguments, without the program name; ``sys.argv[1:]`` when None.

    Returns:
        The exit code: 0 on success, 1 when ``check`` finds problems, 2 on an error.

    .. versionadded:: 0.1
    """
    parser = build_parser()
    try:
        options = parser.parse_args(argv)
    except SystemExit as exit_:  # --help, or a usage error already printed
        return exit_.code if isinstance(exit_.code, int) else 2
    try:
        if options.command == "graph":
            return _graph(options)
        if options.command == "check":
            return _check(options)
        return _demo(options)
    except CommandError as exc:
        return _fail(str(exc))
    except (ImportError, RuntimeError, ValueError, TypeError, OSError) as exc:
        return _fail(str(exc))


def _fail(message: str) -> int:
    line = " ".join(message.split())
    sys.stderr.write(f"{ERROR_PREFIX}{line}\n")
    return 2


def _graph(options: argparse.Namespace) -> int:
    from . import graph

    workflow = load_workflow(options.target)
    output: str | None = options.output
    if output is None:
        kind = options.format or "mermaid"
        if kind in graph.IMAGE_FORMATS:
            raise CommandError(BINARY_NEEDS_OUTPUT.format(format=kind))
        text = graph.to_mermaid if kind == "mermaid" else graph.to_dot
        sys.stdout.write(text(workflow, current=options.current))
        return 0
    path = graph.render(workflow, output, format=options.format, current=options.current)
    print(WROTE.format(path=path))
    return 0


def _check(options: argparse.Namespace) -> int:
    from .lint import lint

    workflow = load_workflow(options.target)
    findings = lint(workflow)
    if not findings:
        print(NO_PROBLEMS.format(target=options.target))
        return 0
    for finding in findings:
        print(finding)
    count = len(findings)
    print(PROBLEMS_FOUND.format(count=count, plural="s" * (count != 1), target=options.target))
    return 1


def _demo(options: argparse.Namespace) -> int:
    if options.django:
        try:
            from statecore_django.demo import main as django_demo
        except ImportError as exc:
            raise CommandError(DJANGO_MISSING.format(error=exc)) from None
        return django_demo(options.output)
    from .demo import main as demo_main

    return demo_main(options.output)


def load_workflow(target: str) -> type[Workflow]:
    """Import the workflow named by ``MODULE:OBJECT``.

    The object may be a `Workflow` subclass or instance, a class with exactly one
    workflow attribute, or a dotted path to a workflow attribute of a class
    (``shop.models:Order.state``). The current directory is put on ``sys.path`` first,
    as ``python -m`` does.

    Args:
        target: ``MODULE:OBJECT``.

    Returns:
        The workflow class.

    A target ending in ``.json`` is a file of a workflow defined as data (see
    `statecore.workflow_from_json`).

    Raises:
        CommandError: the target cannot be imported or names no workflow; the message
            says which and what to do.

    .. versionadded:: 0.1
    .. versionchanged:: 0.2
        ``.json`` files.
    """
    if target.endswith(".json"):
        from .data import workflow_from_json
        from .errors import WorkflowDefinitionError

        try:
            return workflow_from_json(target)
        except WorkflowDefinitionError as exc:
            error = "; ".join(exc.problems)
            raise CommandError(DATA_FAILED.format(path=target, error=error)) from None
    module_name, _, path = target.partition(":")
    attributes = path.split(".")
    if not module_name or not path or not all(a.isidentifier() for a in attributes):
        raise CommandError(BAD_TARGET.format(target=target))
    cwd = os.getcwd()
    if "" not in sys.path and cwd not in sys.path:
        sys.path.insert(0, cwd)
    try:
        obj: Any = importlib.import_module(module_name)
    except ModuleNotFoundError as exc:
        raise CommandError(MODULE_NOT_FOUND.format(module=module_name, error=exc)) from None
    except Exception as exc:  # the module itself is broken: say how
        error = f"{type(exc).__name__}: {exc}"
        raise CommandError(MODULE_FAILED.format(module=module_name, error=error)) from None
    where = f"module {module_name!r}"
    for position, attribute in enumerate(attributes, start=1):
        try:
            obj = getattr(obj, attribute)
        except AttributeError:
            hint = _did_you_mean(attribute, dir(obj))
            message = ATTRIBUTE_NOT_FOUND.format(where=where, attribute=attribute, hint=hint)
            raise CommandError(message) from None
        where = repr(f"{module_name}:{'.'.join(attributes[:position])}")
    return _as_workflow(obj, f"{module_name}:{path}")


def _did_you_mean(name: str, candidates: list[str]) -> str:
    import difflib

    public = [c for c in candidates if not c.startswith("_")]
    close = difflib.get_close_matches(name, public, n=1, cutoff=0.6)
    return f" (did you mean {close[0]!r}?)" if close else ""


def _is_workflow_class(obj: object) -> bool:
    return (
        isinstance(obj, type)
        and issubclass(obj, Workflow)
        and isinstance(getattr(obj, "states", None), StateList)
    )


def _as_workflow(obj: object, target: str) -> type[Workflow]:
    """Return the workflow class ``obj`` is, holds, or is bound through."""
    if isinstance(obj, Workflow):
        obj = type(obj)
    bound = getattr(obj, "workflow", None)  # a state attribute read on its class
    if isinstance(bound, Workflow) and not isinstance(obj, type):
        obj = type(bound)
    if _is_workflow_class(obj):
        return obj  # type: ignore[return-value]
    workflows = getattr(obj, "_workflows", None) if isinstance(obj, type) else None
    if isinstance(workflows, dict) and workflows:
        if len(workflows) > 1:
            fields = ", ".join(workflows)
            first = next(iter(workflows))
            raise CommandError(SEVERAL_WORKFLOWS.format(target=target, fields=fields, first=first))
        return type(next(iter(workflows.values())))
    if isinstance(obj, type):
        kind = f"the class {obj.__qualname__}"
        if issubclass(obj, Workflow):
            kind += " (a Workflow base without states)"
    else:
        kind = f"a {type(obj).__name__} object"
    raise CommandError(NOT_A_WORKFLOW.format(target=target, kind=kind))
