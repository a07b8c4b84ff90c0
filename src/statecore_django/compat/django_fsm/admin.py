"""django-fsm-2's admin mixin: transition buttons on the change page, a form per transition.

``FSMAdminMixin`` lists, under the change form, one row of buttons per state field named
in ``fsm_fields``: the transitions available to the user from the object's state (hidden
with ``custom={"admin": False}``, or all of them unless ``custom={"admin": True}`` when
the ``FSM_ADMIN_FORCE_PERMIT`` setting is on). A button runs the transition and saves
the object; a transition with a form (``custom={"form": ...}`` or ``fsm_forms``) opens
that form first, and its cleaned data become the call's keyword arguments. Protected
state fields are read-only.
"""

from __future__ import annotations

import inspect
import logging
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from django import http
from django.apps import apps
from django.conf import settings
from django.contrib import admin, messages
from django.contrib.admin.templatetags.admin_urls import add_preserved_filters
from django.contrib.admin.utils import unquote
from django.core.exceptions import AppRegistryNotReady, ImproperlyConfigured, PermissionDenied
from django.forms import Form, ModelForm
from django.shortcuts import redirect, render
from django.urls import path, reverse
from django.utils.module_loading import import_string
from django.utils.translation import gettext_lazy as _

from .errors import ConcurrentTransition, TransitionNotAllowed
from .fields import FSMFieldMixin
from .transitions import Transition

if TYPE_CHECKING:
    from django.urls import URLPattern

    _ModelAdmin = admin.ModelAdmin[Any]
else:
    _ModelAdmin = admin.ModelAdmin

__all__ = ["FSMAdminMixin", "FSMObjectTransition", "FSMTransitionContext"]

logger = logging.getLogger(__name__)


def _accepts_by(function: Any) -> bool:
    """Tell whether a transition method takes ``by=`` (the user django-fsm-log records)."""
    try:
        parameters = inspect.signature(function).parameters.values()
    except (TypeError, ValueError):  # no signature to read: let the call say
        return True
    return any(p.name == "by" or p.kind is inspect.Parameter.VAR_KEYWORD for p in parameters)


@dataclass
class FSMTransitionContext:
    """One button: the transition's name, its label and its help text.

    .. versionadded:: 0.1
    """

    name: str
    label: str
    help_text: str | None = None


@dataclass
class FSMObjectTransition:
    """The buttons of one state field, under its block label.

    .. versionadded:: 0.1
    """

    fsm_field: str
    block_label: str
    available_transitions: list[FSMTransitionContext]


class FSMAdminMixin(_ModelAdmin):
    """A ``ModelAdmin`` mixin with a button per available transition (django-fsm-2's).

    Attributes:
        fsm_fields: the state fields to show buttons for (required).
        fsm_forms: transition name -> form class (or its dotted path).
        fsm_transition_success_msg, fsm_transition_error_msg,
        fsm_transition_not_allowed_msg: the messages shown after a button.

    .. versionadded:: 0.1
    """

    change_form_template = "django_fsm/fsm_admin_change_form.html"
    fsm_transition_form_template = "django_fsm/fsm_admin_transition_form.html"
    fsm_fields: list[str] = []  # noqa: RUF012 (django-fsm-2's class attribute)
    fsm_forms: dict[str, Any] = {}  # noqa: RUF012
    fsm_transition_success_msg = _("FSM transition '{transition_name}' succeeded.")
    fsm_transition_error_msg = _("FSM transition '{transition_name}' failed: {error}.")
    fsm_transition_not_allowed_msg = _("FSM transition '{transition_name}' is not allowed.")
    fsm_context_key = "fsm_object_transitions"
    fsm_post_param = "_fsm_transition_to"
    fsm_default_disallow_transition = not getattr(settings, "FSM_ADMIN_FORCE_PERMIT", False)

    def __init__(self, model: Any, admin_site: Any) -> None:
        if not self.fsm_fields:
            msg = "'fsm_fields' is not declared: list the state fields of the model"
            raise ImproperlyConfigured(msg)
        super().__init__(model, admin_site)

    def get_readonly_fields(self, request: Any, obj: Any = None) -> tuple[str, ...]:
        """Add the protected state fields to the read-only ones."""
        fields = list(super().get_readonly_fields(request, obj))
        for name in self.fsm_fields:
            field = self.model._meta.get_field(name)
            if not isinstance(field, FSMFieldMixin):
                msg = f"'{name}' is not an FSMField"
                raise ImproperlyConfigured(msg)
            if field.protected and name not in fields:
                fields.append(name)
        return tuple(fields)

    def get_urls(self) -> list[URLPattern]:
        """Add the URL of the transition form view."""
        opts = self.model._meta
        view = self.admin_site.admin_view(self._fsm_transition_view_if_allowed)
        url = path(
            "<path:object_id>/transition/<str:transition_name>/",
            view,
            name=f"{opts.app_label}_{opts.model_name}_transition",
        )
        return [url, *super().get_urls()]

    def change_view(
        self,
        request: http.HttpRequest,
        object_id: str,
        form_url: str = "",
        extra_context: dict[str, Any] | None = None,
    ) -> http.HttpResponse:
        """Show the change page with the transition buttons in its context."""
        context = extra_context or {}
        context[self.fsm_context_key] = self._get_fsm_extra_context(
            request=request, obj=self.get_object(request=request, object_id=object_id)
        )
        return super().change_view(
            request=request, object_id=object_id, form_url=form_url, extra_context=context
        )

    def response_change(self, request: http.HttpRequest, obj: Any) -> http.HttpResponse:
        """Run the transition whose button was pressed (or open its form)."""
        name = request.POST.get(self.fsm_post_param)
        if not name:
            return super().response_change(request=request, obj=obj)
        found = self._get_fsm_transition_by_name(obj=obj, transition_name=name)
        if not self._is_fsm_transition_offered(request=request, obj=obj, transition_name=name):
            message = self.fsm_transition_not_allowed_msg.format(transition_name=name)
            self.message_user(request=request, message=message, level=messages.ERROR)
            return http.HttpResponseRedirect(request.path)
        if self.get_fsm_transition_form(transition=found):
            opts = self.model._meta
            return redirect(
                reverse(
                    f"admin:{opts.app_label}_{opts.model_name}_transition",
                    kwargs={"object_id": obj.pk, "transition_name": name},
                )
            )
        if self._apply_fsm_transition(obj=obj, transition_name=name, request=request):
            logger.info("FSM transition %s completed successfully", name)
        url = add_preserved_filters(
            {"preserved_filters": self.get_preserved_filters(request), "opts": self.model._meta},
            request.path,
        )
        return http.HttpResponseRedirect(url)

    # -- extension points -------------------------------------------------------

    @staticmethod
    def get_fsm_block_label(fsm_field_name: str) -> str:
        """The label of a state field's row of buttons."""
        return str(_("Transition ({field})").format(field=fsm_field_name))

    def is_fsm_transition_visible(self, transition: Transition) -> bool:
        """Tell whether a transition gets a button (``custom["admin"]``)."""
        return bool(transition.custom.get("admin", self.fsm_default_disallow_transition))

    def get_fsm_label(self, transition: Transition) -> str:
        """A button's label: ``custom["label"]``, else the transition's name."""
        return str(transition.custom.get("label") or transition.name)

    def get_help_text(self, transition: Transition) -> str | None:
        """A button's help text: ``custom["help_text"]``."""
        return transition.custom.get("help_text")

    def get_fsm_transition_form(self, transition: Transition) -> Any:
        """The form class of a transition (``fsm_forms``, else ``custom["form"]``), or None.

        Raises:
            ImproperlyConfigured: a dotted path that does not import.
        """
        form = self.fsm_forms.get(transition.name, transition.custom.get("form"))
        if isinstance(form, str):
            try:
                form = import_string(form)
            except (ImportError, AttributeError):
                msg = f"Failed to import form {form}"
                raise ImproperlyConfigured(msg) from None
        if isinstance(form, type) and issubclass(form, (Form, ModelForm)):
            return form
        return None

    # -- helpers ------------------------------------------------------------------

    def _get_fsm_extra_context(
        self, *, request: http.HttpRequest, obj: Any
    ) -> Iterator[FSMObjectTransition]:
        for name in sorted(self.fsm_fields):
            available = getattr(obj, f"get_available_user_{name}_transitions", None)
            if not callable(available):
                continue
            buttons = [
                FSMTransitionContext(
                    name=t.name, label=self.get_fsm_label(t), help_text=self.get_help_text(t)
                )
                for t in available(user=request.user)
                if self.is_fsm_transition_visible(t)
            ]
            if buttons:
                yield FSMObjectTransition(
                    fsm_field=name,
                    block_label=self.get_fsm_block_label(fsm_field_name=name),
                    available_transitions=buttons,
                )

    def _is_fsm_transition_offered(
        self, *, request: http.HttpRequest, obj: Any, transition_name: str
    ) -> bool:
        """Tell whether the change page offers this transition's button to the user.

        A POSTed name is run only then: the transition leaves the object's state on a
        field of ``fsm_fields``, its conditions hold, the user has its permission and it
        is visible in the admin. Anything else a client could POST is refused.
        """
        return any(
            button.name == transition_name
            for block in self._get_fsm_extra_context(request=request, obj=obj)
            for button in block.available_transitions
        )

    def _get_fsm_transition_func(self, *, obj: Any, transition_name: str) -> Any:
        try:
            function = getattr(obj, transition_name)
        except AttributeError:
            msg = f"{type(obj).__name__} has no transition method '{transition_name}'."
            raise AttributeError(msg) from None
        if not callable(function):
            msg = f"Attribute '{transition_name}' is not callable."
            raise TypeError(msg)
        # Only transition methods: a POSTed name must never call any other method.
        if not hasattr(function, "_django_fsm"):
            msg = f"Method '{transition_name}' is not an FSM transition."
            raise ValueError(msg)
        return function

    def _get_fsm_transition_by_name(self, *, obj: Any, transition_name: str) -> Transition:
        function = self._get_fsm_transition_func(obj=obj, transition_name=transition_name)
        transitions = function._django_fsm.transitions
        # One record per source state; they share the custom data the admin reads.
        if isinstance(transitions, dict):
            transitions = list(transitions.values())
        return transitions[0]  # type: ignore[no-any-return]

    @staticmethod
    def _is_fsm_log_enabled() -> bool:
        try:
            return apps.is_installed("django_fsm_log") or apps.is_installed(
                "statecore_django.compat.django_fsm_log"
            )
        except AppRegistryNotReady:  # pragma: no cover
            return "django_fsm_log" in settings.INSTALLED_APPS

    def _execute_fsm_transition(
        self,
        *,
        transition_func: Any,
        request: http.HttpRequest,
        kwargs: Mapping[str, Any] | None = None,
    ) -> None:
        arguments = dict(kwargs or {})
        # The acting user is the request's, never a form field named "by".
        arguments.pop("by", None)
        if self._is_fsm_log_enabled() and _accepts_by(transition_func):
            # Asked of the signature: a TypeError raised by the transition itself must
            # not make it run a second time.
            transition_func(by=request.user, **arguments)
        else:
            transition_func(**arguments)

    def _apply_fsm_transition(
        self,
        *,
        obj: Any,
        transition_name: str,
        request: http.HttpRequest,
        kwargs: Mapping[str, Any] | None = None,
    ) -> bool:
        try:
            function = self._get_fsm_transition_func(obj=obj, transition_name=transition_name)
            self._execute_fsm_transition(transition_func=function, request=request, kwargs=kwargs)
            obj.save()
        except TransitionNotAllowed:
            message = self.fsm_transition_not_allowed_msg.format(transition_name=transition_name)
            self.message_user(request=request, message=message, level=messages.ERROR)
            return False
        except Exception as error:
            if not isinstance(error, ConcurrentTransition):
                logger.exception("Unexpected error during FSM transition %s", transition_name)
            message = self.fsm_transition_error_msg.format(
                transition_name=transition_name, error=str(error)
            )
            self.message_user(request=request, message=message, level=messages.ERROR)
            return False
        message = self.fsm_transition_success_msg.format(transition_name=transition_name)
        self.message_user(request=request, message=message, level=messages.SUCCESS)
        return True

    def _fsm_transition_view_if_allowed(
        self, request: http.HttpRequest, object_id: str, transition_name: str
    ) -> http.HttpResponse:
        """The transition form page at its URL: for users who may change the object.

        ``admin_view`` only checks that the user is active staff; a user who may only view
        the object gets 403 (django-fsm-2 lets them run transitions there). The check is
        made here, at the URL, so that `fsm_transition_view` keeps django-fsm-2's behaviour
        when code calls it directly.
        """
        obj = self.get_object(request, unquote(object_id))
        if obj is not None and not self.has_change_permission(request, obj):
            raise PermissionDenied
        return self.fsm_transition_view(request, object_id, transition_name)

    def fsm_transition_view(
        self, request: http.HttpRequest, object_id: str, transition_name: str, **kwargs: Any
    ) -> http.HttpResponse:
        """Show a transition's form; on a valid POST run the transition with its data."""
        obj = self.get_object(request, object_id)
        if obj is None:
            redirect_missing: Any = self._get_obj_does_not_exist_redirect  # type: ignore[attr-defined]
            response: http.HttpResponse = redirect_missing(request, self.opts, object_id)
            return response
        found = self._get_fsm_transition_by_name(obj=obj, transition_name=transition_name)
        opts = self.model._meta
        change = f"admin:{opts.app_label}_{opts.model_name}_change"
        if not self._is_fsm_transition_offered(
            request=request, obj=obj, transition_name=transition_name
        ):
            message = self.fsm_transition_not_allowed_msg.format(transition_name=transition_name)
            self.message_user(request=request, message=message, level=messages.ERROR)
            return redirect(change, object_id=obj.pk)
        form_class = self.get_fsm_transition_form(found)
        if not form_class:
            logger.warning("No form configured for transition %s", transition_name)
            return http.HttpResponseBadRequest(f"No form configuration found for {transition_name}")
        data = request.POST if request.method == "POST" else None
        if issubclass(form_class, ModelForm):
            form = form_class(data=data, instance=obj)
        else:
            form = form_class(data=data)
        if (
            request.method == "POST"
            and form.is_valid()
            and self._apply_fsm_transition(
                obj=obj, transition_name=transition_name, request=request, kwargs=form.cleaned_data
            )
        ):
            return redirect(change, object_id=obj.pk)
        context = {
            **self.admin_site.each_context(request),
            "opts": opts,
            "original": obj,
            "transition": FSMTransitionContext(
                name=transition_name,
                label=self.get_fsm_label(found),
                help_text=self.get_help_text(found),
            ),
            "transition_form": form,
        }
        return render(request, template_name=self.fsm_transition_form_template, context=context)
