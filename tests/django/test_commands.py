"""Management commands: statecore_graph and statecore_stale_states."""

from __future__ import annotations

import io
import shutil
from pathlib import Path

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from tests.django.testapp.models import Order, Task
from tests.django.testapp.workflows import OrderFlow, PriorityFlow

from statecore_django.management import NO_STATE_FIELD, UNKNOWN_FIELD, UNKNOWN_MODEL
from statecore_django.management.commands.statecore_graph import Command as Graph
from statecore_django.management.commands.statecore_stale_states import Command as Stale


def run(*args: str, **options: object) -> str:
    """Run a command and return what it wrote on standard output."""
    out = io.StringIO()
    call_command(*args, stdout=out, stderr=io.StringIO(), **options)
    return out.getvalue()


# -- statecore_graph --------------------------------------------------------------------------


def test_graph_of_one_model_prints_its_dot_source() -> None:
    """``statecore_graph testapp.Order`` prints exactly the workflow's DOT source."""
    assert run("statecore_graph", "testapp.Order") == OrderFlow.to_dot()


def test_graph_in_mermaid_prints_the_mermaid_diagram() -> None:
    """``--format mermaid`` prints the Mermaid diagram of the field's workflow."""
    out = run("statecore_graph", "testapp.Task.priority", "--format", "mermaid")
    assert out == PriorityFlow.to_mermaid()


def test_graph_without_labels_prints_every_state_field() -> None:
    """With no label every state field is drawn once, each after a comment naming it."""
    out = run("statecore_graph")
    assert "// testapp.Order.state\n" in out
    assert "// testapp.Task.priority\n" in out
    assert "// checksapp.Parcel.state\n" in out
    assert "// testapp.SpecialOrder.state" not in out  # inherited: drawn with Order
    assert "// testapp.ProxyOrder.state" not in out


def test_graph_writes_the_format_of_the_file_suffix(tmp_path: Path) -> None:
    """``-o order.mmd`` writes Mermaid (from the suffix) and says which file it wrote."""
    target = tmp_path / "order.mmd"
    out = run("statecore_graph", "testapp.Order", "-o", str(target))
    assert target.read_text() == OrderFlow.to_mermaid()
    assert out == Graph.WROTE.format(path=target) + "\n"


@pytest.mark.skipif(shutil.which("dot") is None, reason="needs the Graphviz dot program")
@pytest.mark.parametrize(("kind", "magic"), [("svg", b"<svg"), ("png", b"\x89PNG")])
def test_graph_draws_images_with_graphviz(tmp_path: Path, kind: str, magic: bytes) -> None:
    """``--format svg|png`` draws an image with Graphviz."""
    target = tmp_path / "order"
    run("statecore_graph", "testapp.Order", "-o", str(target), "--format", kind)
    assert magic in target.read_bytes()[:400]


def test_graph_of_several_fields_writes_one_file_each_into_a_directory(tmp_path: Path) -> None:
    """Several fields with ``-o DIR`` give one ``app_label.Model.field.<suffix>`` file each."""
    out = run("statecore_graph", "testapp.Order", "testapp.Task", "-o", str(tmp_path))
    order = tmp_path / "testapp.Order.state.dot"
    task = tmp_path / "testapp.Task.priority.dot"
    assert order.read_text() == OrderFlow.to_dot()
    assert task.read_text() == PriorityFlow.to_dot()
    assert Graph.WROTE.format(path=order) in out


def test_graph_of_several_fields_refuses_a_file_as_output(tmp_path: Path) -> None:
    """Several diagrams cannot go into one existing file: the error says to give a directory."""
    target = tmp_path / "taken.dot"
    target.write_text("")
    with pytest.raises(CommandError) as info:
        run("statecore_graph", "testapp.Order", "testapp.Task", "-o", str(target))
    assert str(info.value) == Graph.NEEDS_DIRECTORY.format(count=2, path=target)


def test_graph_image_without_output_is_refused() -> None:
    """An image format needs ``-o``: the error says so."""
    with pytest.raises(CommandError) as info:
        run("statecore_graph", "testapp.Order", "--format", "png")
    assert str(info.value) == Graph.NEEDS_OUTPUT.format(format="png")


def test_graph_of_an_unknown_model_lists_the_state_fields() -> None:
    """An unknown model is refused with the list of state fields to choose from."""
    with pytest.raises(CommandError) as info:
        run("statecore_graph", "testapp.Nope")
    message = str(info.value)
    assert message.startswith(UNKNOWN_MODEL.split("{label")[0] + "'testapp.Nope'")
    assert "testapp.Order.state" in message


def test_graph_of_a_model_without_state_field_is_refused() -> None:
    """A model without a state field is refused, naming it."""
    with pytest.raises(CommandError) as info:
        run("statecore_graph", "testapp.PublicationState")
    assert str(info.value).startswith(
        NO_STATE_FIELD.format(model="testapp.PublicationState", known="")[:-2]
    )


def test_graph_of_an_unknown_field_names_the_fields() -> None:
    """A field that is not a state field of the model is refused with the model's fields."""
    with pytest.raises(CommandError) as info:
        run("statecore_graph", "testapp.Order.amount")
    assert str(info.value) == UNKNOWN_FIELD.format(
        model="testapp.Order", field="amount", fields="state"
    )


def test_graph_of_a_child_model_draws_the_inherited_field() -> None:
    """A multi-table child is drawn through the state field it inherits."""
    assert run("statecore_graph", "testapp.SpecialOrder") == OrderFlow.to_dot()


# -- statecore_stale_states -------------------------------------------------------------------


@pytest.mark.django_db
def test_stale_states_reports_nothing_when_every_state_is_known() -> None:
    """With only known states the command says so, and ``--fail`` does not fail."""
    Order.objects.create()
    assert run("statecore_stale_states", "--fail") == Stale.NONE_FOUND + "\n"


@pytest.mark.django_db
def test_stale_states_lists_counts_and_example_pks_per_field() -> None:
    """Each field with stale rows gets a header and one line per value, most rows first."""
    orders = [Order.objects.create() for _ in range(5)]
    Order.objects.filter(pk__in=[o.pk for o in orders[:4]]).update(state="archived")
    Order.objects.filter(pk=orders[4].pk).update(state="lost")
    task = Task.objects.create()
    Task.objects.filter(pk=task.pk).update(priority=7)
    lines = run("statecore_stale_states").splitlines()
    first = ", ".join(str(o.pk) for o in orders[:3])
    assert lines == [
        Stale.FIELD_HEADER.format(label="testapp.Order.state", workflow="OrderFlow", count=5),
        f"  4 rows hold 'archived' (pk {first}, ...)",
        f"  1 row holds 'lost' (pk {orders[4].pk})",
        Stale.FIELD_HEADER.format(label="testapp.Task.priority", workflow="PriorityFlow", count=1),
        f"  1 row holds '7' (pk {task.pk})",
    ]


@pytest.mark.django_db
def test_stale_states_of_one_model_ignores_the_others() -> None:
    """A label restricts the scan to that model."""
    task = Task.objects.create()
    Task.objects.filter(pk=task.pk).update(priority=7)
    assert run("statecore_stale_states", "testapp.Order") == Stale.NONE_FOUND + "\n"


@pytest.mark.django_db
def test_stale_states_with_fail_exits_non_zero() -> None:
    """``--fail`` raises a CommandError (exit status 1) after listing the rows."""
    order = Order.objects.create()
    Order.objects.filter(pk=order.pk).update(state="archived")
    out = io.StringIO()
    with pytest.raises(CommandError) as info:
        call_command("statecore_stale_states", "--fail", stdout=out)
    assert str(info.value) == Stale.FAILED.format(count=1)
    assert info.value.returncode == 1
    assert "1 row holds 'archived'" in out.getvalue()


def test_stale_states_with_an_unknown_database_is_a_command_error() -> None:
    """--database naming no configured alias is a CommandError naming the aliases."""
    with pytest.raises(CommandError, match=r"--database 'nope' is not in the DATABASES setting"):
        call_command("statecore_stale_states", "--database", "nope")
