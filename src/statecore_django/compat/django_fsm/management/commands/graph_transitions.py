"""``manage.py graph_transitions [app[.Model[.field]] ...]``: django-fsm-2's Graphviz diagram.

Options: ``-o/--output FILE`` renders to a file whose extension is the format (``png``,
``svg``, ...); ``-l/--layout`` picks the Graphviz engine; ``-e/--exclude a,b`` leaves
transitions out. Without ``-o`` the dot source is written to stdout. Needs the
``graphviz`` Python package (``pip install 'statecore[graphviz]'``). For statecore's own
diagrams of the same transitions, use `workflow_for` with ``statecore.graph``.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import TYPE_CHECKING, Any

from django.apps import apps
from django.core.exceptions import FieldDoesNotExist
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils.encoding import force_str

from ... import ANY_OTHER_STATE, ANY_STATE, GET_STATE, RETURN_VALUE, FSMFieldMixin

if TYPE_CHECKING:
    import graphviz

__all__ = ["Command", "generate_dot", "node_label", "node_name"]

_Node = tuple[str, str]


def _graphviz() -> Any:
    try:
        import graphviz
    except ImportError:
        msg = "graph_transitions needs graphviz: pip install 'statecore[graphviz]'"
        raise ImportError(msg) from None
    return graphviz


def node_name(field: FSMFieldMixin, state: Any) -> str:
    """The node id of a state: ``app_label.model_verbose_name.field.state``."""
    opts = field.model._meta
    return f"{opts.app_label}.{str(opts.verbose_name).replace(' ', '_')}.{field.name}.{state}"


def node_label(field: FSMFieldMixin, state: Any) -> str:
    """The node label of a state: its choice's title, else the state itself."""
    if field.choices:
        state = dict(field.flatchoices).get(state)
    return force_str(state)


def _fields_of(model: Any) -> list[tuple[FSMFieldMixin, Any]]:
    return [(f, model) for f in model._meta.get_fields() if isinstance(f, FSMFieldMixin)]


class UnknownStateField(CommandError, LookupError):
    """An argument names no app, model or state field.

    A `CommandError` (one line on the command line, no traceback) that is also the
    `LookupError` django-fsm's command raised, for code that catches that.
    """


def _choose(arg: str) -> list[tuple[FSMFieldMixin, Any]]:
    """The state fields an ``app[.Model[.field]]`` argument names.

    Raises:
        CommandError: the argument is malformed.
        UnknownStateField: the argument names no app, model or state field.
    """
    parts = arg.split(".")
    if not all(parts) or len(parts) > 3:
        msg = f"{arg!r} is not app, app.Model or app.Model.field; fix the argument"
        raise CommandError(msg)
    try:
        return _chosen(parts)
    except (LookupError, FieldDoesNotExist) as exc:  # an unknown app, model or field
        reason = exc.args[0] if exc.args else exc
        msg = f"{arg!r} names no state field: {reason}; check the name (app.Model.field)"
        raise UnknownStateField(msg) from None


def _chosen(parts: list[str]) -> list[tuple[FSMFieldMixin, Any]]:
    if len(parts) == 1:
        return [pair for m in apps.get_app_config(parts[0]).get_models() for pair in _fields_of(m)]
    model = apps.get_model(parts[0], parts[1])
    if len(parts) == 2:
        return _fields_of(model)
    field = model._meta.get_field(parts[2])
    if not isinstance(field, FSMFieldMixin):
        msg = f"{parts[2]} is not an FSMField"
        raise LookupError(msg)
    return [(field, model)]


def _edges_of(
    field: FSMFieldMixin, model: Any, ignore: Sequence[str]
) -> tuple[set[_Node], set[_Node], set[tuple[str, str, tuple[tuple[str, str], ...]]]]:
    sources: set[_Node] = set()
    targets: set[_Node] = set()
    edges: set[tuple[str, str, tuple[tuple[str, str], ...]]] = set()
    wildcards: list[tuple[Any, str, bool]] = []  # (target, name, except the target)

    def node(state: Any) -> _Node:
        return node_name(field, state), node_label(field, state)

    for found in field.get_all_transitions(model):
        if found.name in ignore:
            continue
        chosen = isinstance(found.target, (GET_STATE, RETURN_VALUE))
        states = list(found.target.allowed_states) if chosen else [found.target]
        source_name = node_name(field, found.source)
        if found.on_error:
            targets.add(node(found.on_error))
            edges.add((source_name, node_name(field, found.on_error), (("style", "dotted"),)))
        for target in states:
            if found.source in (ANY_STATE, ANY_OTHER_STATE):
                wildcards.append((target, found.name, found.source == ANY_OTHER_STATE))
                continue
            sources.add(node(found.source))
            targets.add(node(target))
            edges.add((source_name, node_name(field, target), (("label", found.name),)))
    targets.update(node(target) for target, _name, _other in wildcards)
    for target, name, other in wildcards:
        everywhere = sources | targets
        if other:
            everywhere.discard(node(target))
        for source in everywhere:
            sources.add(source)
            edges.add((source[0], node_name(field, target), (("label", name),)))
    return sources, targets, edges


def generate_dot(
    fields_data: Iterable[tuple[FSMFieldMixin, Any]], ignore_transitions: Sequence[str] = ()
) -> graphviz.Digraph:
    """One Graphviz cluster per state field: states, transitions, the initial state."""
    graphviz = _graphviz()
    result = graphviz.Digraph()
    for field, model in fields_data:
        sources, targets, edges = _edges_of(field, model, ignore_transitions)
        opts = field.model._meta
        cluster = graphviz.Digraph(
            name=f"cluster_{opts.app_label}_{opts.object_name}_{field.name}",
            graph_attr={"label": f"{opts.app_label}.{opts.object_name}.{field.name}"},
        )
        finals = targets - sources
        for name, label in finals:
            cluster.node(name, label=label, shape="doublecircle")
        for name, label in (sources | targets) - finals:
            cluster.node(name, label=label, shape="circle")
            if field.default and label == field.default:
                start = node_name(field, "_initial")
                cluster.node(name=start, label="", shape="point")
                cluster.edge(tail_name=start, head_name=name)
        for tail, head, attributes in edges:
            cluster.edge(tail_name=tail, head_name=head, **dict(attributes))
        result.subgraph(cluster)
    return result


class Command(BaseCommand):
    """Draw the transitions of django-fsm state fields with Graphviz."""

    help = "Creates a GraphViz dot file with transitions for selected fields"

    def add_arguments(self, parser: CommandParser) -> None:
        """``-o``, ``-l``, ``-e`` and the ``app[.Model[.field]]`` arguments."""
        parser.add_argument(
            "--output", "-o", dest="outputfile", help="render to this file (png, svg, ...)"
        )
        parser.add_argument("--layout", "-l", dest="layout", default="dot", help="engine")
        parser.add_argument(
            "--exclude", "-e", dest="exclude", default="", help="transitions to leave out"
        )
        parser.add_argument("args", nargs="*", help="[appname[.model[.field]]]")

    def handle(self, *args: str, **options: Any) -> None:
        """Write the dot source, or render it to ``--output``."""
        if args:
            fields = [pair for arg in args for pair in _choose(arg)]
        else:
            fields = [pair for model in apps.get_models() for pair in _fields_of(model)]
        try:
            dot = generate_dot(fields, ignore_transitions=options["exclude"].split(","))
        except ImportError as exc:
            raise CommandError(str(exc)) from None
        output = options["outputfile"]
        if output:
            filename, _, extension = str(output).rpartition(".")
            if not filename or not extension or "/" in extension:
                msg = (
                    f"--output {output!r} has no extension to give the format; "
                    f"name the file like diagram.png or diagram.svg"
                )
                raise CommandError(msg)
            dot.engine = options["layout"]
            dot.format = extension
            dot.render(filename)
        else:
            self.stdout.write(str(dot))
