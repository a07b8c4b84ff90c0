"""How a refused transition becomes an HTTP response of the REST API.

One table (also in docs/rest.md, next to docs/errors.md's general one) maps statecore's
exceptions to statuses for the transition endpoints of `TransitionViewSetMixin`:

=============================  ======  =====================================================
Exception                      Status  Body (besides ``detail`` and ``code``)
=============================  ======  =====================================================
`UnknownTransitionError`       404     ``transition``
`TransitionPermissionDenied`   403     ``transition``, ``state``, ``reasons``
`InvalidTransitionError`       409     ``transition``, ``state`` (current), ``available``
`ConcurrentTransition`         409     ``transition``, ``state`` (as found in the database)
`ForbiddenTransition`          422     ``transition``, ``state``, ``reasons`` (every one)
`AbortTransition` (your code)  409     ``transition``, ``state``
=============================  ======  =====================================================

Invalid input (the transition's input serializer) is DRF's own 400; an unknown object is
DRF's 404. `InvalidTargetError` and `AwaitRequired` are programming errors and propagate
(500). The general page maps `ForbiddenTransition` to 409; the REST API answers 422,
"understood, but a rule refused it", so that a client can tell a guard's refusal (fix the
data, then retry) from a state conflict (re-read, then decide).
"""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext, gettext_noop
from django.utils.translation import gettext_lazy as _
from rest_framework import status
from rest_framework.exceptions import APIException

import statecore
from statecore.errors import describe

__all__ = ["TransitionRefused", "refusal", "status_for"]


class TransitionRefused(APIException):
    """A transition endpoint refused the request; the body says why, as data.

    Raised by `TransitionViewSetMixin`; DRF's exception handler turns it into a response
    with `status_code` and the dict `detail` as its body.

    Args:
        detail: the body: ``detail`` (a sentence), ``code`` and the data of the refusal.
        status_code: the HTTP status.

    .. versionadded:: 0.1
    """

    status_code: int = status.HTTP_409_CONFLICT
    default_detail = _("The transition was refused.")
    default_code = "transition_refused"

    def __init__(self, detail: dict[str, Any], status_code: int) -> None:
        super().__init__(detail)
        self.status_code = status_code


#: Exception classes in the order they are tested (subclasses before their bases).
_STATUSES: tuple[tuple[type[statecore.WorkflowError], int, str], ...] = (
    (statecore.UnknownTransitionError, status.HTTP_404_NOT_FOUND, "unknown_transition"),
    (statecore.TransitionPermissionDenied, status.HTTP_403_FORBIDDEN, "permission_denied"),
    (statecore.InvalidTransitionError, status.HTTP_409_CONFLICT, "not_available"),
    (statecore.ConcurrentTransition, status.HTTP_409_CONFLICT, "concurrent_transition"),
    (statecore.ForbiddenTransition, status.HTTP_422_UNPROCESSABLE_ENTITY, "forbidden"),
    (statecore.AbortTransition, status.HTTP_409_CONFLICT, "aborted"),
)


def status_for(exc: BaseException) -> int | None:
    """Return the HTTP status of a refused transition, or None for any other exception.

    Args:
        exc: an exception raised while looking up or running a transition.

    Returns:
        404, 403, 409 or 422 (see the table of this module), or None when ``exc`` is not
        a refusal (a programming error, or your own exception): let it propagate.

    .. versionadded:: 0.1
    """
    found = _classify(exc)
    return None if found is None else found[0]


def _classify(exc: BaseException) -> tuple[int, str] | None:
    """The status and the body's ``code`` of a refusal (None for other exceptions)."""
    for cls, status_code, name in _STATUSES:
        if isinstance(exc, cls):
            return status_code, name
    return None


def refusal(exc: statecore.WorkflowError, *, state: str | None = None) -> TransitionRefused:
    """Turn a refused transition into the `TransitionRefused` the endpoint raises.

    Args:
        exc: the exception (one `status_for` maps).
        state: the object's current state name, when known better than ``exc`` knows it
            (after a `ConcurrentTransition`, the state found in the database).

    Returns:
        The API exception: status and body as in the table of this module.

    Raises:
        TypeError: ``exc`` is not a refusal; re-raise it instead.

    .. versionadded:: 0.1
    """
    found = _classify(exc)
    if found is None:
        msg = f"{type(exc).__name__} is not a refused transition; let it propagate"
        raise TypeError(msg)
    code, name = found
    body: dict[str, Any] = {"detail": _detail(exc, name, state), "code": name}
    if isinstance(exc, statecore.UnknownTransitionError):
        body["transition"] = exc.name
        return TransitionRefused(body, code)
    assert isinstance(exc, statecore.AbortTransition)  # every other class in _STATUSES
    body["transition"] = exc.transition
    if isinstance(exc, statecore.ConcurrentTransition):
        body["state"] = state if state is not None else exc.actual
    else:
        body["state"] = state if state is not None else exc.state
    if isinstance(exc, statecore.InvalidTransitionError):
        body["available"] = list(exc.available)
    if isinstance(exc, statecore.ForbiddenTransition):
        body["reasons"] = [
            {"kind": reason.kind, "name": reason.name, "message": reason.message}
            for reason in exc.reasons
        ]
    return TransitionRefused(body, code)


#: The sentence of each refusal (msgids of the catalogues; see `_detail`).
_SENTENCES: dict[str, str] = {
    "unknown_transition": gettext_noop(
        "There is no transition “%(transition)s” on %(object)s; the transitions listing "
        "names the ones it has."
    ),
    "permission_denied": gettext_noop(
        "You may not run the transition “%(transition)s” on %(object)s."
    ),
    "not_available": gettext_noop(
        "The transition “%(transition)s” is not available from state “%(state)s” of "
        "%(object)s; available: %(available)s."
    ),
    "concurrent_transition": gettext_noop(
        "%(object)s changed state while “%(transition)s” ran (it is in state “%(state)s” "
        "now); read it again and retry."
    ),
    "forbidden": gettext_noop(
        "The transition “%(transition)s” of %(object)s is refused in state “%(state)s”: %(reasons)s"
    ),
}


def _detail(exc: statecore.WorkflowError, code: str, state: str | None) -> str:
    """The body's ``detail``: a sentence in the active language, else the exception's.

    The exception's own message (with every detail a developer needs) is kept when the
    active language has no translation of the sentence (English), and for ``aborted``:
    an `AbortTransition`'s message is the application's own.
    """
    msgid = _SENTENCES.get(code)
    if msgid is None:
        return str(exc)
    translated = gettext(msgid)
    if translated == msgid:
        return str(exc)
    if isinstance(exc, statecore.UnknownTransitionError):
        values = {"transition": exc.name, "object": gettext("this object")}
    else:
        assert isinstance(exc, statecore.AbortTransition)  # every other class in _STATUSES
        reasons = getattr(exc, "reasons", ())
        available = getattr(exc, "available", ())
        if state is None:
            state = exc.actual if isinstance(exc, statecore.ConcurrentTransition) else exc.state
        values = {
            "transition": exc.transition,
            "object": describe(exc.instance) if exc.instance is not None else gettext("it"),
            "state": state,
            "available": ", ".join(available) if available else gettext("none"),
            "reasons": "; ".join(reason.message for reason in reasons),
        }
    return translated % values
