"""The audit invariant, checked after every database test of the battery.

For every object of the battery's item models:

- its log rows chain: the first starts at the initial state, each ``from_state`` equals
  the previous ``to_state``;
- its state column equals the last row's ``to_state`` (the initial state without rows);
- every row is a legal edge ``(from, transition, to)`` of the workflow;
- its rows are exactly the transitions the workers saw commit (same count, same edges),
  so no row exists for a rolled-back transition and no committed transition lacks one.

When processes were killed, a transition may have committed without its worker living
to report it: ``in_doubt`` allows that many rows beyond the reported commits, in total.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Iterable

import attrs
from django.contrib.contenttypes.models import ContentType
from tests.reliability.relapp.models import ITEMS, AuditLog, ItemFlow

#: A commit as a worker saw it: (model label, pk, transition, from_state, to_state).
Commit = tuple[str, int, str, str, str]

EDGES = frozenset(
    (source, transition.name, transition.target)
    for transition in ItemFlow.transitions
    for source in transition.source
)


@attrs.define
class Violations:
    """Counts of each way the invariant failed, with the first few examples."""

    chain_breaks: int = 0
    state_mismatches: int = 0
    illegal_edges: int = 0
    count_mismatches: int = 0
    unreported_rows: int = 0
    missing_rows: int = 0
    examples: list[str] = attrs.Factory(list)

    @property
    def total(self) -> int:
        """Every violation counted."""
        return (
            self.chain_breaks
            + self.state_mismatches
            + self.illegal_edges
            + self.count_mismatches
            + self.unreported_rows
            + self.missing_rows
        )

    def add(self, kind: str, example: str) -> None:
        """Count one violation of ``kind`` and keep its description."""
        setattr(self, kind, getattr(self, kind) + 1)
        if len(self.examples) < 10:
            self.examples.append(f"{kind}: {example}")


def audit(commits: Iterable[Commit], *, in_doubt: int = 0) -> Violations:
    """Check the invariant over every item row and log row in the database.

    Args:
        commits: every transition the workers saw commit.
        in_doubt: how many transitions may have committed unseen (killed workers).

    Returns:
        The violations found (``total == 0`` when the invariant holds).
    """
    found = Violations()
    expected: dict[tuple[str, str], Counter[tuple[str, str, str]]] = defaultdict(Counter)
    for label, pk, transition, source, target in commits:
        expected[label, str(pk)][source, transition, target] += 1
    extra_allowed = in_doubt
    for model in ITEMS.values():
        label = model._meta.label
        content_type = ContentType.objects.db_manager("default").get_for_model(model)
        rows: dict[str, list[tuple[str, str, str]]] = defaultdict(list)
        logged = AuditLog.objects.using("default").filter(content_type=content_type)
        for object_id, source, transition, target in logged.order_by("id").values_list(
            "object_id", "from_state", "transition", "to_state"
        ):
            rows[object_id].append((source, transition, target))
        states = {
            str(pk): state
            for pk, state in model.objects.using("default").values_list("pk", "state")
        }
        keys = set(states) | set(rows) | {pk for lab, pk in expected if lab == label}
        for key in sorted(keys):
            chain = rows.get(key, [])
            name = f"{label} #{key}"
            previous = ItemFlow.initial_state.name
            for source, transition, target in chain:
                if source != previous:
                    found.add("chain_breaks", f"{name}: {source}->{target} after {previous}")
                if (source, transition, target) not in EDGES:
                    found.add("illegal_edges", f"{name}: {source} -{transition}-> {target}")
                previous = target
            if key in states and str(states[key]) != previous:
                found.add("state_mismatches", f"{name}: state {states[key]}, last log {previous}")
            if key not in states and chain:
                found.add("state_mismatches", f"{name}: log rows for a row that does not exist")
            seen = expected.get((label, key), Counter())
            logged_edges = Counter(chain)
            unreported = logged_edges - seen
            missing = seen - logged_edges
            if missing:
                found.add("missing_rows", f"{name}: commits without a log row {dict(missing)}")
            surplus = sum(unreported.values())
            if surplus and surplus <= extra_allowed:
                extra_allowed -= surplus
            elif surplus:
                found.add(
                    "unreported_rows", f"{name}: log rows nobody committed {dict(unreported)}"
                )
            if not in_doubt and sum(seen.values()) != len(chain):
                found.add(
                    "count_mismatches", f"{name}: {sum(seen.values())} commits, {len(chain)} rows"
                )
    return found
