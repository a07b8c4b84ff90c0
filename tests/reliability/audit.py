"""The audit invariant, checked after every database test of the battery.

For every row of the battery's models (`relapp.models.AUDITED`) and each of its state
fields, the log rows of that field form a chain (a row's field is told by its transition's
name, which is unique among the model's workflows):

- the chain is linked: the first row starts at the initial state, each ``from_state``
  equals the previous ``to_state``;
- the state column equals the last row's ``to_state`` (the initial state without rows);
- every row is a legal edge ``(from, transition, to)`` of the field's workflow (entering
  a transition's ``on_error`` state counts as one);
- the rows are exactly the transitions the workers saw commit (same count, same edges),
  so no row exists for a rolled-back transition and no committed transition lacks one.

A row the test deleted (``deleted``) keeps its log rows: they must still be linked, legal
and exactly the commits seen, and the row must stay deleted. With ``last_writer_wins``
(``locking = "none"``, where two processes that loaded the same state may both apply a
transition from it) a break of the chain is counted apart, as a documented effect and not
a violation, as long as the state the row was left from is one the chain held before;
everything else must hold.

When processes were killed, a transition may have committed without its worker living
to report it: ``in_doubt`` allows that many rows beyond the reported commits, in total.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Collection, Iterable
from typing import Any

import attrs
from django.contrib.contenttypes.models import ContentType
from tests.reliability.relapp.models import AUDITED, AuditLog

from statecore_django.fields import StateFieldMixin

#: A commit as a worker saw it: (model label, pk, transition, from_state, to_state).
Commit = tuple[str, int, str, str, str]
#: One edge of a workflow: (from_state, transition, to_state).
Edge = tuple[str, str, str]


@attrs.define
class Violations:
    """Counts of each way the invariant failed, with the first few examples.

    ``chain_breaks_by_design`` (``last_writer_wins`` only) is reported, not counted in
    `total`.
    """

    chain_breaks: int = 0
    state_mismatches: int = 0
    illegal_edges: int = 0
    count_mismatches: int = 0
    unreported_rows: int = 0
    missing_rows: int = 0
    deleted_rows_present: int = 0
    chain_breaks_by_design: int = 0
    examples: list[str] = attrs.Factory(list)

    KINDS = (
        "chain_breaks",
        "state_mismatches",
        "illegal_edges",
        "count_mismatches",
        "unreported_rows",
        "missing_rows",
        "deleted_rows_present",
    )

    @property
    def total(self) -> int:
        """Every violation counted."""
        return sum(getattr(self, kind) for kind in self.KINDS)

    def by_kind(self) -> dict[str, int]:
        """The violation counts that are not 0, by kind."""
        return {kind: getattr(self, kind) for kind in self.KINDS if getattr(self, kind)}

    def add(self, kind: str, example: str) -> None:
        """Count one violation of ``kind`` and keep its description."""
        setattr(self, kind, getattr(self, kind) + 1)
        if len(self.examples) < 10:
            self.examples.append(f"{kind}: {example}")


@attrs.frozen
class _Field:
    """What the audit needs of one state field."""

    name: str
    attname: str
    initial: str
    edges: frozenset[Edge]


def _state_fields(model: type[Any]) -> list[_Field]:
    fields = []
    for field in model._meta.concrete_fields:
        if not isinstance(field, StateFieldMixin):
            continue
        workflow = field.workflow_class
        edges = set()
        for transition in workflow.transitions:
            for source in transition.source:
                edges.update((source, transition.name, target) for target in transition.targets)
                if transition.on_error is not None:
                    edges.add((source, transition.name, transition.on_error))
        fields.append(
            _Field(field.name, field.attname, workflow.initial_state.name, frozenset(edges))
        )
    return fields


def _transition_fields(model: type[Any], fields: list[_Field]) -> dict[str, str]:
    """Map each transition name of the model's workflows to its field's name."""
    owner: dict[str, str] = {}
    for field in fields:
        for _source, transition, _target in field.edges:
            if owner.setdefault(transition, field.name) != field.name:
                msg = f"{model.__name__}: transition {transition!r} is in two workflows"
                raise AssertionError(msg)
    return owner


def audit(
    commits: Iterable[Commit],
    *,
    in_doubt: int = 0,
    deleted: Collection[tuple[str, int]] = (),
    last_writer_wins: bool = False,
) -> Violations:
    """Check the invariant over every audited row and log row in the database.

    Args:
        commits: every transition the workers saw commit.
        in_doubt: how many transitions may have committed unseen (killed workers).
        deleted: ``(model label, pk)`` of the rows the test deleted.
        last_writer_wins: count chain breaks apart (``locking = "none"``).

    Returns:
        The violations found (``total == 0`` when the invariant holds).
    """
    found = Violations()
    seen_commits: dict[tuple[str, str], list[Commit]] = defaultdict(list)
    for commit in commits:
        seen_commits[commit[0], str(commit[1])].append(commit)
    gone = {(label, str(pk)) for label, pk in deleted}
    extra_allowed = in_doubt
    for model in AUDITED:
        label = model._meta.label
        fields = _state_fields(model)
        field_of = _transition_fields(model, fields)
        content_type = ContentType.objects.db_manager("default").get_for_model(model)
        rows: dict[tuple[str, str], list[Edge]] = defaultdict(list)
        logged = AuditLog.objects.using("default").filter(content_type=content_type)
        for object_id, source, transition, target in logged.order_by("id").values_list(
            "object_id", "from_state", "transition", "to_state"
        ):
            rows[object_id, field_of.get(transition, "?")].append((source, transition, target))
        states = {
            str(values[0]): values[1:]
            for values in model.objects.using("default").values_list(
                "pk", *(field.attname for field in fields)
            )
        }
        keys = set(states) | {key for key, _field in rows}
        keys |= {pk for lab, pk in seen_commits if lab == label}
        for key in sorted(keys):
            expected: dict[str, Counter[Edge]] = defaultdict(Counter)
            for _label, _pk, transition, source, target in seen_commits.get((label, key), ()):
                expected[field_of.get(transition, "?")][source, transition, target] += 1
            if (label, key) in gone and key in states:
                found.add("deleted_rows_present", f"{label} #{key}: deleted, but the row exists")
            for position, field in enumerate(fields):
                name = f"{label} #{key}" + (f" {field.name}" if len(fields) > 1 else "")
                chain = rows.get((key, field.name), [])
                state = states[key][position] if key in states else None
                if (label, key) in gone:
                    state = None  # its last state went with the row
                elif key not in states and chain:
                    found.add("state_mismatches", f"{name}: log rows for a row that does not exist")
                extra_allowed = _check_chain(
                    found,
                    name,
                    field,
                    chain,
                    state,
                    expected.get(field.name, Counter()),
                    in_doubt=in_doubt,
                    extra_allowed=extra_allowed,
                    last_writer_wins=last_writer_wins,
                )
        unknown = [rows_ for (key, field), rows_ in rows.items() if field == "?"]
        for chain in unknown:
            found.add("illegal_edges", f"{label}: transitions of no workflow {chain[:3]}")
    return found


def _check_chain(
    found: Violations,
    name: str,
    field: _Field,
    chain: list[Edge],
    state: Any,
    seen: Counter[Edge],
    *,
    in_doubt: int,
    extra_allowed: int,
    last_writer_wins: bool,
) -> int:
    """Check one field's chain of one row; return the unreported rows still allowed."""
    previous = field.initial
    held = {previous}
    for source, transition, target in chain:
        if source != previous:
            if last_writer_wins and source in held:
                found.chain_breaks_by_design += 1
            else:
                found.add("chain_breaks", f"{name}: {source}->{target} after {previous}")
        if (source, transition, target) not in field.edges:
            found.add("illegal_edges", f"{name}: {source} -{transition}-> {target}")
        previous = target
        held.add(target)
    if state is not None and str(state) != previous:
        found.add("state_mismatches", f"{name}: state {state}, last log {previous}")
    logged_edges = Counter(chain)
    unreported = logged_edges - seen
    missing = seen - logged_edges
    if missing:
        found.add("missing_rows", f"{name}: commits without a log row {dict(missing)}")
    surplus = sum(unreported.values())
    if surplus and surplus <= extra_allowed:
        extra_allowed -= surplus
    elif surplus:
        found.add("unreported_rows", f"{name}: log rows nobody committed {dict(unreported)}")
    if not in_doubt and sum(seen.values()) != len(chain):
        found.add("count_mismatches", f"{name}: {sum(seen.values())} commits, {len(chain)} rows")
    return extra_allowed
