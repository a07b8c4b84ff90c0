"""Model mixins of the django-fsm layer: ``refresh_from_db`` and stale-save protection."""

from __future__ import annotations

from collections.abc import Iterator
from typing import TYPE_CHECKING, Any

from .errors import ConcurrentTransition
from .fields import FSMFieldMixin

if TYPE_CHECKING:
    from django.db import models

    _Model = models.Model
else:
    _Model = object

__all__ = ["ConcurrentTransitionMixin", "FSMModelMixin"]


class FSMModelMixin(_Model):
    """Lets ``refresh_from_db()`` reload protected state fields.

    .. versionadded:: 0.1
    """

    def _get_protected_fsm_fields(self) -> set[str]:
        return {
            field.attname
            for field in self._meta.concrete_fields
            if isinstance(field, FSMFieldMixin) and field.protected
        }

    def refresh_from_db(self, *args: Any, **kwargs: Any) -> None:
        """Reload from the database, protected state fields included."""
        protected = [
            field
            for field in self._meta.concrete_fields
            if isinstance(field, FSMFieldMixin) and field.protected
        ]
        for field in protected:
            field.protected = False
        try:
            super().refresh_from_db(*args, **kwargs)
        finally:
            for field in protected:
                field.protected = True


class ConcurrentTransitionMixin(FSMModelMixin):
    """Refuses to save an object whose state changed in the database since it was loaded.

    ``save()`` of a loaded object updates its row only where every state column still
    holds the value loaded (or last saved); otherwise it raises `ConcurrentTransition`.
    Call ``save()`` inside ``transaction.atomic()`` so that the transition's other
    changes roll back with it.

    .. versionadded:: 0.1
    """

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._update_initial_state()

    @property
    def state_fields(self) -> Iterator[FSMFieldMixin]:
        """The model's state fields."""
        return (field for field in self._meta.fields if isinstance(field, FSMFieldMixin))

    def _update_initial_state(self) -> None:
        self._fsm_initial_states = {
            field.attname: field.value_from_object(self) for field in self.state_fields
        }

    def _do_update(self, base_qs: Any, using: Any, pk_val: Any, *args: Any, **kwargs: Any) -> Any:
        expected = {
            field.attname: self._fsm_initial_states[field.attname]
            for field in self.state_fields
            if field.model is base_qs.model
        }
        updated = super()._do_update(base_qs.filter(**expected), using, pk_val, *args, **kwargs)
        # Nothing updated: the row's state changed, or there is no row yet (a new
        # object with a preset key, which Django then inserts).
        if not updated and base_qs.filter(pk=pk_val).using(using).exists():
            msg = (
                "Cannot save object! The state has been changed since fetched from the "
                "database! Reload it with refresh_from_db() and run the transition again."
            )
            raise ConcurrentTransition(msg, instance=self)
        return updated

    def refresh_from_db(self, *args: Any, **kwargs: Any) -> None:
        """Reload, and take the loaded states as the ones the next ``save()`` expects."""
        super().refresh_from_db(*args, **kwargs)
        self._update_initial_state()

    def save(self, *args: Any, **kwargs: Any) -> None:
        """Save, refusing when the row's state changed since it was loaded."""
        super().save(*args, **kwargs)
        self._update_initial_state()
