"""django-fsm's signals, sent around every transition of the compatibility layer.

Both are sent with these keyword arguments:

- ``sender``: the model class of the object.
- ``instance``: the object.
- ``name``: the transition method's name.
- ``field``: the state field.
- ``source``: the state the object was in.
- ``target``: the state it enters (for a ``RETURN_VALUE``/``GET_STATE`` target, the
  chosen state in ``post_transition``; in ``pre_transition``, the target object).
- ``method_args``, ``method_kwargs``: the call's positional and keyword arguments.
- ``exception`` (``post_transition`` only, when the method raised and the transition
  has an ``on_error`` state, which ``target`` then is).

With ``FSMField(atomic=True)``, ``post_transition`` is sent inside the transaction,
after the row is saved: a receiver that raises rolls the whole transition back.
"""

from __future__ import annotations

from django.db.models.signals import ModelSignal

__all__ = ["post_transition", "pre_transition"]

#: Sent before the transition method runs.
pre_transition = ModelSignal()
#: Sent once the target state is set (or the ``on_error`` state, with ``exception``).
post_transition = ModelSignal()
