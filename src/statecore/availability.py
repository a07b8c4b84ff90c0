"""Availability: whether a transition can run now, and every reason why not.

`ImplementationWrapper.explain` (and its awaitable form ``aexplain``) answers with an
`Availability`; a refused transition's `ForbiddenTransition` carries the same `Reason`
objects.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import attrs

if TYPE_CHECKING:
    from .transitions import Transition

__all__ = ["Availability", "Reason"]


@attrs.frozen
class Reason:
    """Why a transition is not available.

    Attributes:
        kind: ``"state"`` (not from the current state), ``"condition"`` (a guard of the
            transition), ``"check"`` (a `transition_check` hook) or ``"permission"``.
        name: the guard's or hook's name, the state's name, or the permission.
        message: one sentence for people.

    .. versionadded:: 0.1
    """

    kind: str
    name: str
    message: str


@attrs.frozen
class Availability:
    """Whether a transition can run now, and if not, every reason why.

    True in a boolean context when the transition is available.

    Attributes:
        transition: the transition's name.
        state: the object's current state name.
        reasons: every unmet requirement, empty when available.

    .. versionadded:: 0.1
    """

    transition: str
    state: str
    reasons: tuple[Reason, ...] = ()

    @property
    def available(self) -> bool:
        """True when nothing stands in the way."""
        return not self.reasons

    def __bool__(self) -> bool:
        return not self.reasons

    @property
    def message(self) -> str:
        """All reasons in one sentence (empty when available)."""
        return "; ".join(reason.message for reason in self.reasons)


def guard_reason(kind: str, name: str) -> Reason:
    """The reason a condition or check hook named ``name`` gives when it says no."""
    what = "condition" if kind == "condition" else "transition_check hook"
    verdict = "is not met" if kind == "condition" else "returned False"
    return Reason(kind, name, f"{what} {name!r} {verdict}")


def guard_label(kind: str, name: str) -> str:
    """Name a condition or check hook in a message."""
    return f"condition {name!r}" if kind == "condition" else f"transition_check hook {name!r}"


def permission_name(transition: Transition) -> str:
    """Name a transition's permission (its name, or its callable's) in a message."""
    permission = transition.permission
    if isinstance(permission, str):
        return permission
    return getattr(permission, "__qualname__", repr(permission))
