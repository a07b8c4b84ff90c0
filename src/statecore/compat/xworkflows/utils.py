"""xworkflows' ``utils`` module: `iterclass`."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

__all__ = ["iterclass"]


def iterclass(cls: type) -> Iterator[tuple[str, Any]]:
    """Yield ``(name, value)`` for every attribute a class exposes, inherited ones included.

    Names come in ``dir()`` order; a name listed by ``dir()`` that cannot be read on the
    class (a slot, a descriptor that refuses class access) is skipped.

    Args:
        cls: the class.

    Yields:
        ``(name, value)`` pairs.

    .. versionadded:: 0.1
    """
    for name in dir(cls):
        try:
            value = getattr(cls, name)
        except AttributeError:
            continue
        yield name, value
