"""The worker of the mixed-work case: one process's random mix of operations on shared rows.

Worker process ``i`` (of 8) runs its operations on the rows of one `relapp.models.MIXED`
model, chosen among a few rows that nobody deletes (most operations, so processes meet
on them) and many that any process may delete:

- a transition of ``stage`` or ``review`` (mostly one available from the loaded state,
  sometimes any) on a fully loaded object, or on one loaded with ``.only()`` whose hook
  then reads the deferred columns (``peek=True``); some calls make a hook fail after the
  implementation changed the row, some make ``pay``/``approve`` raise so that their
  ``on_error`` state is entered;
- a plain ``save()`` of an object loaded with ``.only(counter_i, ...)`` (Django then
  writes the loaded columns), or of a fully loaded one with ``update_fields``;
- with pessimistic locking, a transition on an object loaded before this process's own
  plain save of its counter (the row must be read under the lock);
- a delete, through the queryset or the instance, and then sometimes a transition on the
  deleted instance.

Every implementation and every plain save increments ``counter_i`` (read-modify-write).
The process reports what it saw committed: each transition (from the ``post_transition``
and ``transition_failed`` signals: the state it left and the one it entered), its
increments per row, the rows it deleted. It also checks each operation as it goes:

- the SQL it sent (a connection execute wrapper): a transition's ``UPDATE`` of the item's
  table may set only the columns its code assigned (its own state field, ``counter_i``,
  ``note`` when given): never the other state field, never a column a hook merely read;
  a plain save's may set the columns Django saves (the loaded ones, or
  ``update_fields``) but no state column the code did not assign (``review`` is
  protected); and no operation may ``INSERT`` an item row;
- after a failed transition, the object in memory is as it was (a column loaded while
  the transition ran may stay loaded, but not with a value the transition assigned);
  after an ``on_error`` transition, it is in that state with its other columns restored;
- a transition on a deleted instance raises ``ConcurrentTransition``;
- with pessimistic locking, a transition on the object loaded before the process's own
  plain save leaves the counter at the saved value + 1 (the row is read under the lock).
"""

from __future__ import annotations

import random
import re
from collections import Counter
from typing import Any

#: Each operation and its weight.
OPERATIONS = {
    "transition": 45,
    "transition_only": 17,
    "save_only": 15,
    "save_update_fields": 10,
    "stale_transition": 8,
    "delete": 2,
}
#: The share of operations on the rows nobody deletes.
ON_KEPT_ROWS = 0.75
#: The share of transitions chosen among those available from the loaded state.
AVAILABLE = 0.85

_UPDATE = re.compile(r"^\s*UPDATE\s+[`\"](\w+)[`\"]\s+SET\s+(.*?)\s+WHERE\s", re.S | re.I)
_INSERT = re.compile(r"^\s*INSERT\s+INTO\s+[`\"](\w+)[`\"]", re.I)
_COLUMN = re.compile(r"[`\"](\w+)[`\"]\s*=")
_MISSING = object()


class Statements:
    """A connection execute wrapper that keeps the SQL sent while recording."""

    def __init__(self) -> None:
        self.recording = False
        self.sql: list[str] = []

    def __call__(self, execute: Any, sql: Any, params: Any, many: bool, context: Any) -> Any:
        if self.recording:
            self.sql.append(str(sql))
        return execute(sql, params, many, context)

    def start(self) -> None:
        """Forget what was recorded and record from now on."""
        self.sql.clear()
        self.recording = True

    def stop(self, table: str) -> tuple[list[set[str]], int]:
        """Stop; return the column sets of each UPDATE of ``table``, and its INSERTs."""
        self.recording = False
        updates, inserts = [], 0
        for sql in self.sql:
            update = _UPDATE.match(sql)
            if update and update.group(1) == table:
                updates.append(set(_COLUMN.findall(update.group(2))))
            insert = _INSERT.match(sql)
            if insert and insert.group(1) == table:
                inserts += 1
        return updates, inserts


class MixedWorker:
    """One worker process of the mixed-work case (see the module docstring).

    Args:
        report: the process's report (``commits``, ``rejected``, ``raw``), completed here.
        mode: the locking mode (picks the model).
        kept: the rows nobody deletes.
        deletable: the rows any process may delete.
        index: this process's number: it increments ``counter_<index>``.
        seed: the seed of its random choices.
    """

    def __init__(
        self,
        report: dict[str, Any],
        mode: str,
        kept: list[int],
        deletable: list[int],
        index: int,
        seed: int,
    ) -> None:
        from tests.reliability.relapp.models import COUNTERS, MIXED

        from statecore_django.signals import post_transition, transition_failed

        self.report = report
        self.mode = mode
        self.model = MIXED[mode]
        self.label = self.model._meta.label
        self.table = self.model._meta.db_table
        self.kept = kept
        self.deletable = deletable
        self.index = index
        self.counter = COUNTERS[index]
        self.rng = random.Random(seed)
        self.statements = Statements()
        self.attnames = [field.attname for field in self.model._meta.concrete_fields]
        self.available: dict[str, dict[str, list[str]]] = {}
        self.transitions: dict[str, list[str]] = {}
        for field in ("stage", "review"):
            flow = self.model._meta.get_field(field).workflow_class
            self.transitions[field] = [transition.name for transition in flow.transitions]
            self.available[field] = {
                state.name: [t.name for t in flow.transitions if state.name in t.source]
                for state in flow.states
            }
        self.signals: list[tuple[str, Any, str, str, str | None]] = []
        post_transition.connect(self._posted, sender=self.model, weak=False)
        transition_failed.connect(self._failed, sender=self.model, weak=False)
        report.update(
            index=index,
            increments=Counter(),
            deleted=[],
            saves_refused_on=[],
            operations=Counter(),
            commits_by_field=Counter(),
            on_error_entered=0,
            saves=0,
            save_refused=Counter(),
            on_deleted_instance=Counter(),
            checks=Counter(),
            examples=[],
        )
        self.serial = 0

    # -- the run --------------------------------------------------------------------------

    def run(self, operations: int) -> None:
        """Run ``operations`` random operations."""
        from django.db import connection

        names = list(OPERATIONS)
        weights = list(OPERATIONS.values())
        with connection.execute_wrapper(self.statements):
            for _ in range(operations):
                operation = self.rng.choices(names, weights)[0]
                if operation == "stale_transition" and self.mode != "pessimistic":
                    operation = "transition"
                self.report["operations"][operation] += 1
                getattr(self, operation)()

    def pick(self) -> int:
        """A row: mostly one nobody deletes."""
        rows = self.kept if self.rng.random() < ON_KEPT_ROWS else self.deletable
        return self.rng.choice(rows)

    def load(self, pk: int, *only: str) -> Any:
        """The row ``pk`` (only the columns ``only`` when given), or None when it is gone."""
        query = self.model.objects.only(*only) if only else self.model.objects
        try:
            return query.get(pk=pk)
        except self.model.DoesNotExist:
            self.report["operations"]["row_gone_before_loading"] += 1
            return None

    def note(self) -> str:
        """A note no other assignment uses."""
        self.serial += 1
        return f"w{self.index}-{self.serial}"

    def check(self, name: str, example: str) -> None:
        """Count one failed check of this process, keeping a few examples."""
        self.report["checks"][name] += 1
        if len(self.report["examples"]) < 20:
            self.report["examples"].append(f"{name}: {example}")

    # -- operations -------------------------------------------------------------------------

    def transition(self) -> None:
        """A transition on a fully loaded object."""
        item = self.load(self.pick())
        if item is not None:
            field = self.rng.choice(("stage", "review"))
            self.call(item, field, self.choose(item, field))

    def transition_only(self) -> None:
        """A transition on an object loaded with ``.only()``; a hook may read the rest."""
        field = self.rng.choice(("stage", "review"))
        columns = [self.counter] if self.rng.random() < 0.7 else []
        if self.rng.random() < 0.7:
            columns.append(field)
        columns += self.rng.sample(["note", "stage", "review"], self.rng.randint(0, 2))
        item = self.load(self.pick(), *(columns or ["id"]))
        if item is not None:
            peek = self.rng.random() < 0.6
            self.call(item, field, self.choose(item, field), peek=peek)

    def save_only(self) -> None:
        """A plain save() of an object loaded with ``.only(counter_i, ...)``."""
        others = self.rng.sample(["stage", "review", "note"], self.rng.randint(0, 3))
        columns = [self.counter, *others]
        item = self.load(self.pick(), *columns)
        if item is None:
            return
        note = self.note() if "note" in columns and self.rng.random() < 0.5 else None
        self.save(item, note)

    def save_update_fields(self) -> None:
        """A plain save(update_fields=[counter_i, ...]) of a fully loaded object."""
        item = self.load(self.pick())
        if item is None:
            return
        note = self.note() if self.rng.random() < 0.5 else None
        self.save(item, note, update_fields=[self.counter] + (["note"] if note else []))

    def stale_transition(self) -> None:
        """Load a row, plain-save its counter through another object, transition the first.

        With pessimistic locking the transition reads the row under its lock, so its
        increment lands on top of the plain save's.
        """
        pk = self.pick()
        item = self.load(pk)
        other = self.load(pk, self.counter)
        if item is None or other is None:
            return
        if not self.save(other, None):
            return
        saved = getattr(other, self.counter)
        field = self.rng.choice(("stage", "review"))
        if self.call(item, field, self.choose(item, field)):
            # Only this process writes its counter: the row holds the saved value + 1.
            committed = self.model.objects.filter(pk=pk).values_list(self.counter, flat=True)
            found = list(committed)
            if found and found[0] != saved + 1:
                self.check(
                    "pessimistic_transition_did_not_read_the_row_under_its_lock",
                    f"#{pk}: {self.counter} was saved as {saved}, the transition "
                    f"incremented it to {found[0]}",
                )

    def delete(self) -> None:
        """Delete a deletable row; after an instance's delete(), maybe transition it."""
        from django.db import DatabaseError

        pk = self.rng.choice(self.deletable)
        by_instance = self.rng.random() < 0.5
        item = self.load(pk) if by_instance else None
        if by_instance and item is None:
            return
        self.statements.start()
        try:
            if item is not None:
                count = item.delete()[0]
            else:
                count = self.model.objects.filter(pk=pk).delete()[0]
        except DatabaseError as exc:
            self.report["save_refused"][f"delete:{type(exc).__name__}"] += 1
            count = 0
        finally:
            self.statements.stop(self.table)
        if count:
            self.report["deleted"].append(pk)
        else:
            self.report["operations"]["delete_found_no_row"] += 1
        if item is not None and count and self.rng.random() < 0.5:
            field = self.rng.choice(("stage", "review"))
            name = self.rng.choice(self.available[field][str(item.__dict__[field])])
            self.call(item, field, name, deleted_pk=pk)

    # -- steps ------------------------------------------------------------------------------

    def choose(self, item: Any, field: str) -> str:
        """A transition of ``field``: mostly one available from the loaded state."""
        if field not in item.get_deferred_fields() and self.rng.random() < AVAILABLE:
            names = self.available[field].get(str(item.__dict__[field]))
            if names:
                return self.rng.choice(names)
        return self.rng.choice(self.transitions[field])

    def memory(self, item: Any) -> dict[str, Any]:
        """The loaded column values of ``item``."""
        values = item.__dict__
        return {name: values[name] for name in self.attnames if name in values}

    def call(
        self, item: Any, field: str, name: str, *, peek: bool = False, deleted_pk: int = 0
    ) -> bool:
        """Run transition ``name``; record and check what happened. True if it committed.

        On a deleted instance (``deleted_pk``) the call has no options: it must raise
        ``ConcurrentTransition``.
        """
        from django.core.exceptions import ObjectDoesNotExist
        from django.db import DatabaseError
        from tests.reliability.relapp.faults import InjectedFault
        from tests.reliability.relapp.models import Explosion
        from tests.reliability.worker import kind

        import statecore

        options: dict[str, Any] = {}
        if peek:
            options["peek"] = True
        if not deleted_pk:
            if self.rng.random() < 0.2:
                options["note"] = self.note()
            if name in ("pay", "approve") and self.rng.random() < 0.4:
                options["explode"] = True
            elif self.rng.random() < 0.1:
                options["fail"] = self.rng.choice(("enter", "after"))
        before = self.memory(item)
        self.signals.clear()
        self.statements.start()
        outcome = "committed"
        try:
            getattr(item, name)(self.index, **options)
        except Explosion:
            outcome = "on_error_not_entered"  # unless the signal says it was
        except InjectedFault:
            outcome = "injected"
        except ObjectDoesNotExist:
            # A hook read a deferred column of a row deleted meanwhile (Django's own error).
            outcome = "deferred_row_gone"
        except (statecore.WorkflowError, DatabaseError) as exc:
            outcome = kind(exc)
            if "no longer exists" in str(exc) and not deleted_pk:
                self.report["operations"]["transition_met_a_row_deleted_meanwhile"] += 1
            if outcome.startswith("raw:") and len(self.report["raw"]) < 5:
                self.report["raw"].append(repr(exc))
        finally:
            updates, inserts = self.statements.stop(self.table)
        allowed = {field, self.counter} | ({"note"} if "note" in options else set())
        self.check_statements(f"transition {name}", updates, inserts, allowed)
        source, target = self.signalled(item, name, outcome)
        if outcome == "committed" and target is None:
            self.check("commit_without_post_transition_signal", f"#{item.pk} {name}")
            source, target = str(before.get(field)), str(item.__dict__.get(field))
        if deleted_pk:
            self.report["on_deleted_instance"][outcome] += 1
            if outcome != "concurrent":
                self.check(
                    "transition_on_deleted_instance_not_refused",
                    f"#{deleted_pk} {name}: {outcome}, row now #{item.pk}",
                )
        if target is not None:  # committed, or entered its on_error state
            self.report["commits"].append((self.label, item.pk, name, source, target))
            self.report["commits_by_field"][field] += 1
            if outcome == "committed":
                self.report["increments"][item.pk] += 1
            else:
                self.report["on_error_entered"] += 1
        elif not deleted_pk:
            self.report["rejected"][outcome] += 1
        self.check_memory(item, name, before, field, source, target, outcome, options)
        return outcome == "committed"

    def signalled(self, item: Any, name: str, outcome: str) -> tuple[str | None, str | None]:
        """``(source, target)`` the signals gave for this call.

        After a success, from ``post_transition``; after a failure, from
        ``transition_failed`` (``target`` is the ``on_error`` state entered, or None).
        """
        wanted = "post" if outcome == "committed" else "failed"
        for tag, instance, transition, source, target in reversed(self.signals):
            if tag == wanted and instance is item and transition == name:
                return source, target
        return None, None

    def save(self, item: Any, note: str | None, update_fields: list[str] | None = None) -> bool:
        """Increment the counter (and set the note) of ``item`` and save it; True if saved."""
        from django.db import DatabaseError
        from tests.reliability.worker import kind

        import statecore

        setattr(item, self.counter, getattr(item, self.counter) + 1)
        if note is not None:
            item.note = note
        # Django writes the loaded columns (or update_fields); never a state not assigned.
        loaded = set(update_fields or self.memory(item)) - {"id", "stage", "review"}
        self.statements.start()
        try:
            item.save(update_fields=update_fields)
        except (DatabaseError, statecore.WorkflowError) as exc:
            gone = "did not affect any rows" in str(exc)
            refusal = "row_gone" if gone else kind(exc)
            self.report["save_refused"][refusal] += 1
            if gone:
                self.report["saves_refused_on"].append(item.pk)
            return False
        finally:
            updates, inserts = self.statements.stop(self.table)
            self.check_statements("plain save", updates, inserts, loaded)
        self.report["saves"] += 1
        self.report["increments"][item.pk] += 1
        return True

    # -- checks -----------------------------------------------------------------------------

    def check_statements(
        self, what: str, updates: list[set[str]], inserts: int, allowed: set[str]
    ) -> None:
        """No UPDATE sets a column outside ``allowed``; no INSERT of an item row."""
        transition = what.startswith("transition")
        prefix = "transition" if transition else "plain_save"
        for columns in updates:
            extra = columns - allowed
            example = f"{what} set {sorted(columns)}, its code assigned {sorted(allowed)}"
            if transition and extra & {"stage", "review"}:
                self.check("transition_wrote_the_other_state_field", example)
            if not transition and "stage" in extra:
                self.check("plain_save_wrote_stage_not_assigned", example)
            if not transition and "review" in extra:
                self.check("plain_save_wrote_protected_review", example)
            if extra - {"stage", "review"}:
                self.check(f"{prefix}_wrote_columns_it_did_not_change", example)
        if inserts:
            self.check(f"{prefix}_inserted_a_row", f"{what}: {inserts} INSERT")

    def check_memory(
        self,
        item: Any,
        name: str,
        before: dict[str, Any],
        field: str,
        source: str | None,
        target: str | None,
        outcome: str,
        options: dict[str, Any],
    ) -> None:
        """Check the object in memory after a call.

        After a commit it is in the target state. Otherwise it holds nothing the call
        assigned: every column loaded before has its value back (the state field has the
        ``on_error`` state, when one was entered); a column loaded while the call ran may
        stay loaded, but with the committed value.
        """
        if outcome == "committed":
            if str(item.__dict__.get(field)) != target:
                self.check("memory_not_in_target", f"#{item.pk} {name}: {field} is not {target}")
            return
        after = self.memory(item)
        changed = [
            column
            for column, value in before.items()
            if (column != field or target is None) and after.get(column, _MISSING) != value
        ]
        if target is not None and str(after.get(field)) != target:
            changed.append(f"{field} (not the on_error state {target})")
        if self.counter not in before and self.counter in after and item.pk is not None:
            found = list(self.model.objects.filter(pk=item.pk).values_list(self.counter, flat=True))
            if found and found[0] != after[self.counter]:
                changed.append(f"{self.counter} (loaded during the call)")
        if "note" not in before and "note" in options and after.get("note") == options["note"]:
            changed.append("note (loaded during the call)")
        if (
            target is None
            and field not in before
            and source is not None
            and str(after.get(field, source)) != source
        ):
            changed.append(f"{field} (loaded during the call)")
        if changed:
            self.check("memory_not_restored", f"#{item.pk} {name} ({outcome}): {changed}")

    # -- signals ----------------------------------------------------------------------------

    def _posted(self, sender: Any, instance: Any, transition: Any, **kwargs: Any) -> None:
        source, target = kwargs["source"], kwargs["target"]
        self.signals.append(("post", instance, transition.name, source.name, target.name))

    def _failed(self, sender: Any, instance: Any, transition: Any, **kwargs: Any) -> None:
        entered = kwargs["entered"]
        self.signals.append(
            (
                "failed",
                instance,
                transition.name,
                kwargs["source"].name,
                None if entered is None else entered.name,
            )
        )
