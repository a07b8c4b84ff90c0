"""Diagrams of a workflow: Mermaid and Graphviz DOT text, and rendered images.

`to_mermaid` and `to_dot` need nothing beyond statecore; `render` draws SVG, PNG or PDF
with the optional ``graphviz`` package (``pip install 'statecore[graphviz]'``) and the
Graphviz ``dot`` program, both looked for only when it is called.

Every function takes a `Workflow` subclass or an instance of one. Edges are drawn once
per (source, target) pair, labelled with the names of the transitions between them; the
edge a transition's ``on_error`` adds is drawn apart, labelled ``name (on error)``.
"""

from __future__ import annotations

import os
import re
from pathlib import Path
from typing import Any, cast

from .states import StateList
from .workflow import Workflow

__all__ = ["FORMATS", "IMAGE_FORMATS", "TEXT_FORMATS", "draw", "render", "to_dot", "to_mermaid"]

#: Formats written as text, without any dependency.
TEXT_FORMATS = ("mermaid", "dot")
#: Formats drawn by Graphviz (they need the ``graphviz`` package and the ``dot`` program).
IMAGE_FORMATS = ("svg", "png", "pdf")
#: Every format `render` writes.
FORMATS = TEXT_FORMATS + IMAGE_FORMATS

#: File suffixes and the format each one stands for.
SUFFIXES = {
    ".mmd": "mermaid",
    ".mermaid": "mermaid",
    ".dot": "dot",
    ".gv": "dot",
    ".svg": "svg",
    ".png": "png",
    ".pdf": "pdf",
}

#: Raised (as ImportError) when the ``graphviz`` package is missing.
MISSING_GRAPHVIZ_PACKAGE = "Rendering needs the graphviz package: pip install 'statecore[graphviz]'"
#: Raised (as RuntimeError) when the Graphviz ``dot`` program is missing.
MISSING_DOT_PROGRAM = (
    "Rendering needs the Graphviz 'dot' program, which was not found on PATH; install "
    "Graphviz (apt install graphviz, brew install graphviz, or https://graphviz.org/download/) "
    "or write text with format='mermaid' or format='dot'"
)

#: Fill and stroke of the highlighted current state.
CURRENT_FILL = "#ffd54f"
CURRENT_STROKE = "#e65100"

_MERMAID_KEYWORDS = frozenset(
    {"state", "note", "direction", "end", "style", "click", "left", "right", "of", "hide"}
)
_MERMAID_UNSAFE = re.compile(r'[#;"<>{}\[\]|`]')


def workflow_class(workflow: type[Workflow] | Workflow) -> type[Workflow]:
    """Return the workflow class of a `Workflow` subclass or instance.

    Args:
        workflow: a workflow class, or an instance of one (as put on a host class).

    Returns:
        The workflow class.

    Raises:
        TypeError: ``workflow`` is neither, or is an abstract workflow without states.
    """
    given = cast(object, workflow)  # callers without type checking pass anything
    cls = type(given) if isinstance(given, Workflow) else given
    if not (isinstance(cls, type) and issubclass(cls, Workflow)):
        msg = f"expected a Workflow subclass or instance, got {workflow!r}"
        raise TypeError(msg)
    if not isinstance(cls.states, StateList):
        msg = f"{cls.__qualname__} declares no states, transitions and initial_state to draw"
        raise TypeError(msg)
    return cls


def _current(cls: type[Workflow], current: Any) -> str | None:
    return None if current is None else cls.state_name(current)


def _edges(cls: type[Workflow]) -> list[tuple[str, str, str, bool]]:
    """Return ``(source, target, label, on_error)`` per edge, in definition order."""
    grouped: dict[tuple[str, str, bool], list[str]] = {}
    for transition in cls.transitions:
        for source in transition.source:
            for target in transition.targets:
                grouped.setdefault((source, target, False), []).append(transition.name)
            if transition.on_error is not None:
                key = (source, transition.on_error, True)
                grouped.setdefault(key, []).append(f"{transition.name} (on error)")
    return [
        (source, target, ", ".join(labels), on_error)
        for (source, target, on_error), labels in grouped.items()
    ]


# -- Mermaid ------------------------------------------------------------------------------


def _mermaid_text(text: str) -> str:
    """Escape text for a Mermaid label: entity codes for the characters its parser reads."""
    text = " ".join(text.split())
    return _MERMAID_UNSAFE.sub(lambda match: f"#{ord(match.group())};", text)


def _mermaid_ids(names: tuple[str, ...]) -> dict[str, str]:
    """Give each state a Mermaid id: its name, unless that is a word Mermaid reserves."""
    ids: dict[str, str] = {}
    taken = set(names)
    for name in names:
        node = name
        if name in _MERMAID_KEYWORDS:
            node = f"{name}_state"
            while node in taken:
                node += "_"
            taken.add(node)
        ids[name] = node
    return ids


def to_mermaid(workflow: type[Workflow] | Workflow, *, current: Any = None) -> str:
    """Return the workflow as a Mermaid ``stateDiagram-v2``.

    The initial state has an arrow from ``[*]``, final states one to ``[*]``; each state
    shows its title, each edge the names of its transitions. Mermaid renders the text
    on GitHub, GitLab and in many documentation tools.

    Args:
        workflow: a `Workflow` subclass or instance.
        current: a state to highlight (a name, `State` or state wrapper).

    Returns:
        The diagram's text, ending with a newline.

    Raises:
        TypeError: ``workflow`` is not a workflow.
        InvalidStateError: ``current`` is not a state of the workflow.

    .. versionadded:: 0.1
    """
    cls = workflow_class(workflow)
    highlighted = _current(cls, current)
    ids = _mermaid_ids(cls.states.names())
    lines = ["stateDiagram-v2", f"    [*] --> {ids[cls.initial_state.name]}"]
    lines.extend(f"    {ids[s.name]} : {_mermaid_text(s.title)}" for s in cls.states)
    for source, target, label, _on_error in _edges(cls):
        lines.append(f"    {ids[source]} --> {ids[target]} : {_mermaid_text(label)}")
    lines.extend(f"    {ids[s.name]} --> [*]" for s in cls.states if s.final)
    if highlighted is not None:
        lines.append(
            f"    classDef current fill:{CURRENT_FILL},stroke:{CURRENT_STROKE},stroke-width:3px"
        )
        lines.append(f"    class {ids[highlighted]} current")
    return "\n".join(lines) + "\n"


# -- DOT ----------------------------------------------------------------------------------


def _dot_quote(text: str) -> str:
    r"""Quote text as a DOT string: backslashes and quotes escaped, line breaks as ``\\n``."""
    escaped = text.replace("\\", "\\\\").replace('"', '\\"')
    escaped = escaped.replace("\r\n", "\n").replace("\r", "\n").replace("\n", "\\n")
    return f'"{escaped}"'


def to_dot(workflow: type[Workflow] | Workflow, *, current: Any = None) -> str:
    """Return the workflow as Graphviz DOT source.

    The initial state has an arrow from a point, final states are double circles, each
    state is labelled with its title, and the edges an ``on_error`` adds are dashed.
    Writing the text needs no dependency; `render` draws it.

    Args:
        workflow: a `Workflow` subclass or instance.
        current: a state to highlight (a name, `State` or state wrapper).

    Returns:
        The DOT source, ending with a newline.

    Raises:
        TypeError: ``workflow`` is not a workflow.
        InvalidStateError: ``current`` is not a state of the workflow.

    .. versionadded:: 0.1
    """
    cls = workflow_class(workflow)
    highlighted = _current(cls, current)
    q = _dot_quote
    lines = [
        f"digraph {q(cls.__qualname__)} {{",
        "    rankdir=LR;",
        '    node [shape=box, style=rounded, fontname="Helvetica"];',
        '    edge [fontname="Helvetica", fontsize=10];',
        f'    {q("[*]")} [shape=point, width=0.2, label=""];',
    ]
    for state in cls.states:
        attributes = [f"label={q(state.title)}"]
        if state.final:
            attributes.append("shape=doublecircle")
        if state.name == cls.initial_state.name:
            attributes.append("penwidth=2")
        if state.name == highlighted:
            style = "rounded,filled" if not state.final else "filled"
            attributes.append(
                f"style={q(style)}, fillcolor={q(CURRENT_FILL)}, color={q(CURRENT_STROKE)}"
            )
        lines.append(f"    {q(state.name)} [{', '.join(attributes)}];")
    lines.append(f"    {q('[*]')} -> {q(cls.initial_state.name)};")
    for source, target, label, on_error in _edges(cls):
        attributes = [f"label={q(label)}"]
        if on_error:
            attributes.append("style=dashed")
        lines.append(f"    {q(source)} -> {q(target)} [{', '.join(attributes)}];")
    lines.append("}")
    return "\n".join(lines) + "\n"


# -- rendering ----------------------------------------------------------------------------


def format_for(path: str | os.PathLike[str], format: str | None = None) -> str:
    """Return the format to write ``path`` in: ``format`` if given, else from its suffix.

    Args:
        path: the file to write.
        format: one of `FORMATS`, or None to infer it.

    Returns:
        The format's name.

    Raises:
        ValueError: the format is unknown, or cannot be told from the suffix.

    .. versionadded:: 0.1
    """
    if format is None:
        suffix = Path(path).suffix.lower()
        inferred = SUFFIXES.get(suffix)
        if inferred is None:
            msg = (
                f"cannot tell the diagram format from the file name {os.fspath(path)!r}; "
                f"use a suffix among {', '.join(SUFFIXES)}, or name the format "
                f"({', '.join(FORMATS)})"
            )
            raise ValueError(msg)
        return inferred
    if format not in FORMATS:
        msg = f"unknown diagram format {format!r}; use one of {', '.join(FORMATS)}"
        raise ValueError(msg)
    return format


def render(
    workflow: type[Workflow] | Workflow,
    path: str | os.PathLike[str],
    *,
    format: str | None = None,
    current: Any = None,
) -> Path:
    """Write the workflow's diagram to ``path``.

    SVG, PNG and PDF are drawn by Graphviz, through the optional ``graphviz`` package
    and the ``dot`` program; Mermaid and DOT text are written without them.

    Args:
        workflow: a `Workflow` subclass or instance.
        path: the file to write; its parent directories are created.
        format: one of ``mermaid``, ``dot``, ``svg``, ``png``, ``pdf``; inferred from the
            path's suffix when None.
        current: a state to highlight.

    Returns:
        The path written.

    Raises:
        ImportError: an image format was asked for and the ``graphviz`` package is missing.
        RuntimeError: an image format was asked for and the ``dot`` program is missing.
        ValueError: the format is unknown, or cannot be told from the suffix.
        TypeError: ``workflow`` is not a workflow.
        InvalidStateError: ``current`` is not a state of the workflow.

    .. versionadded:: 0.1
    """
    target = Path(path)
    data = draw(workflow, format_for(target, format), current=current)
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_bytes(data)
    return target


def draw(workflow: type[Workflow] | Workflow, format: str, *, current: Any = None) -> bytes:
    """Return the workflow's diagram in ``format`` as bytes: the one way statecore draws.

    `render`, the command line, ``manage.py statecore_graph`` and the admin's diagram all
    draw through it.

    Args:
        workflow: a `Workflow` subclass or instance.
        format: one of `FORMATS`.
        current: a state to highlight.

    Raises:
        ImportError: an image format was asked for and the ``graphviz`` package is missing.
        RuntimeError: an image format was asked for and the ``dot`` program is missing.
        ValueError: the format is unknown.

    .. versionadded:: 0.1
    """
    if format == "mermaid":
        return to_mermaid(workflow, current=current).encode()
    if format == "dot":
        return to_dot(workflow, current=current).encode()
    if format not in IMAGE_FORMATS:
        msg = f"unknown diagram format {format!r}; use one of {', '.join(FORMATS)}"
        raise ValueError(msg)
    return _draw(to_dot(workflow, current=current), format)


def _draw(source: str, kind: str) -> bytes:
    """Run Graphviz on DOT ``source``; return the image bytes."""
    try:
        import graphviz
    except ImportError:
        raise ImportError(MISSING_GRAPHVIZ_PACKAGE) from None
    try:
        data: bytes = graphviz.Source(source).pipe(format=kind)
    except graphviz.ExecutableNotFound:
        raise RuntimeError(MISSING_DOT_PROGRAM) from None
    return data
