"""Signals sent around every transition of a state field.

Each is sent with ``sender`` = the model class of the object and these keyword arguments:

``instance``
    the model instance.
``transition``
    the `statecore.Transition` that runs.
``source``
    the `statecore.State` the object leaves.
``target``
    the `statecore.State` the transition enters (``None`` in ``pre_transition`` of a
    transition with several targets, which chooses one after its implementation ran; in
    ``transition_failed``, the one it chose, or ``None`` when it failed before choosing).
``field``
    the name of the state field.
``args``, ``kwargs``
    the positional and keyword arguments of the call (without ``save=`` / ``log=``).
``user``
    the user given with ``as_user()``, else ``None``.

`pre_transition` is sent inside the transition's database transaction, once the
transition is known to be available (state, conditions, check hooks and permission passed),
before the ``before_transition`` hooks. A receiver that raises cancels the transition.

`post_transition` is sent inside the transaction, after the row is saved and the log row
written, before the ``on_enter_state`` and ``after_transition`` hooks: **before the
commit**. A receiver that raises rolls the transition back. For work that must only
happen once the transaction commits, use `statecore_django.on_commit` hooks.

`transition_failed` is sent after the transaction was rolled back and the in-memory object
restored, with two extra keyword arguments: ``exception``, the error (which then
propagates), and ``entered``, the `statecore.State` the object entered because of the
failure (the transition's ``on_error`` state, saved and logged in a transaction of its
own after the rollback), or ``None`` when the object is back in ``source``.

So one call sends, in order:

- success: `pre_transition`, `post_transition`;
- failure: `pre_transition` (unless the transition was refused before it started),
  `transition_failed`; entering an ``on_error`` state sends no `post_transition`:
  ``entered`` of `transition_failed` tells it.
"""

from __future__ import annotations

from django.dispatch import Signal

__all__ = ["post_transition", "pre_transition", "transition_failed"]

#: Sent before a transition runs (inside its transaction).
pre_transition = Signal()
#: Sent after the state is saved and logged (inside the transaction, before commit).
post_transition = Signal()
#: Sent after a transition failed and was rolled back; has ``exception`` and ``entered``.
transition_failed = Signal()
