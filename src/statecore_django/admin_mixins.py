"""Transitions in the Django admin: `WorkflowAdminMixin` and the helpers it is built from.

Mix `WorkflowAdminMixin` into a ``ModelAdmin`` of a model with one or more state fields::

    @admin.register(Order)
    class OrderAdmin(WorkflowAdminMixin, admin.ModelAdmin):
        pass

The change page then shows, for every state field, the current state, one button per
transition the current user may run now, the reason for each transition that starts
from the current state but cannot run, and the workflow's diagram with the current
state highlighted. A button POSTs (CSRF protected) to a view that checks the
transition again on the server, runs it once (one atomic save and one log row, through
the field's transactional wrapper) and reports the outcome with the messages framework.

A transition that needs input declares it in its ``custom`` metadata, and the button
then leads to a form page whose cleaned data become the transition's keyword
arguments:

- ``custom={"form": PaymentForm}``: a ``django.forms.Form`` class;
- ``custom={"fields": {"carrier": forms.CharField()}}``: form fields by name;
- ``custom={"fields": ("tracking_number",)}``: names of model fields, edited with the
  model's form fields (initial values from the object).

The mixin also makes protected state fields read-only in the change form, adds the state
fields to the list display and list filter when those are not set, adds one admin action
per transition (run on every selected object, reporting what succeeded and what was
refused), and adds the read-only transition log inline for workflows logged to a generic
log model.

Templates live under ``statecore_django/admin/`` and can be overridden: the change form
(``change_form.html``), the panel (``workflow_panel.html``) and the form page
(``transition_form.html``).
"""

from __future__ import annotations

import functools
from collections.abc import Callable, Iterable, Mapping, Sequence
from typing import TYPE_CHECKING, Any

import attrs
from asgiref.sync import async_to_sync
from django import forms
from django.contrib import messages
from django.contrib.admin.utils import quote, unquote
from django.core.exceptions import ImproperlyConfigured, PermissionDenied
from django.forms.models import fields_for_model, model_to_dict
from django.http import Http404, HttpResponseNotAllowed, HttpResponseRedirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.http import urlencode
from django.utils.safestring import mark_safe
from django.utils.translation import gettext_lazy as _

import statecore
from statecore.binding import state_descriptors
from statecore.graph import draw
from statecore.holding import memory_attribute

from .fields import StateFieldDescriptor

if TYPE_CHECKING:
    from django.contrib import admin
    from django.db import models
    from django.http import HttpRequest, HttpResponse
    from django.urls import URLPattern

    # For type checkers the mixin is a ModelAdmin, so that its attributes and overrides
    # are checked against ModelAdmin's (and a user's admin class mixes it in cleanly).
    _ModelAdminBase = admin.ModelAdmin[Any]
else:
    _ModelAdminBase = object

__all__ = [
    "TransitionButton",
    "WorkflowAdminMixin",
    "WorkflowPanel",
    "bound_transition",
    "diagram_svg",
    "state_fields",
    "transition_form_class",
]

#: Name of the hidden input that marks a submitted transition form.
CONFIRM_FIELD = "_statecore_confirm"

#: Success message of a transition run from the change page.
DONE = _("{object}: {label} done; {field} is now “{state}”.")
#: Error message when a transition cannot run (the reason follows).
REFUSED = _("{object}: {label} was refused: {reason}")
#: Success message of the bulk action.
BULK_DONE = _("{label}: done for {count} {noun} ({objects}).")
#: Warning of the bulk action, one per refused object.
BULK_REFUSED = _("{object}: {label} was refused: {reason}")
#: Error when a bulk action meets a transition that needs input.
BULK_NEEDS_INPUT = _("{label} needs input; run it from each object's change page.")
#: Error for a GET on a transition that needs no input.
USE_THE_BUTTON = _("{label} runs only from the button on the change page (a POST).")


# -- model introspection ----------------------------------------------------------------------


def state_fields(model: type[models.Model]) -> dict[str, StateFieldDescriptor]:
    """Return the state fields of a model, by attribute name, in definition order.

    Args:
        model: a model class.

    Returns:
        Each state field's descriptor (which holds ``.field`` and ``.workflow``).

    .. versionadded:: 0.1
    """
    return {
        name: descriptor
        for name, descriptor in state_descriptors(model).items()
        if isinstance(descriptor, StateFieldDescriptor)
    }


def bound_transition(
    obj: models.Model, field: str, name: str
) -> statecore.ImplementationWrapper[Any, Any]:
    """Return transition ``name`` of state field ``field``, bound to ``obj``.

    Args:
        obj: a model instance.
        field: the state field's attribute name.
        name: the transition's name.

    Returns:
        The bound transition, ready to call (or to ``.as_user(user)``).

    Raises:
        LookupError: the model has no such state field or transition.

    .. versionadded:: 0.1
    """
    try:
        return statecore.get_transition(obj, name, field=field)
    except statecore.UnknownTransitionError as exc:
        raise LookupError(str(exc)) from None


def transition_form_class(
    transition: statecore.Transition, model: type[models.Model] | None = None
) -> type[forms.Form] | None:
    """Return the form class a transition declares in its ``custom`` metadata, if any.

    Args:
        transition: the transition.
        model: the model, needed when ``custom["fields"]`` names model fields.

    Returns:
        A form class (``custom["form"]``, or one built from ``custom["fields"]``), or None
        when the transition needs no input.

    Raises:
        TypeError: ``custom["fields"]`` is neither a mapping of form fields nor a sequence
            of model field names (with ``model`` given).

    .. versionadded:: 0.1
    """
    custom = transition.custom
    form = custom.get("form")
    if form is not None:
        return form  # type: ignore[no-any-return]
    spec = custom.get("fields")
    if not spec:
        return None
    if isinstance(spec, Mapping):
        declared = dict(spec)
    elif isinstance(spec, Sequence) and not isinstance(spec, str) and model is not None:
        declared = dict(fields_for_model(model, fields=list(spec)))
        unknown = [name for name in spec if declared.get(name) is None]
        if unknown:
            msg = (
                f"transition {transition.name!r} asks for fields {', '.join(unknown)}, which "
                f"{model.__qualname__} has not as editable fields"
            )
            raise TypeError(msg)
    else:
        msg = (
            f"transition {transition.name!r}: custom['fields'] must map names to form fields "
            f"or list model field names; got {spec!r}"
        )
        raise TypeError(msg)
    name = f"{transition.name.title().replace('_', '')}TransitionForm"
    return type(name, (forms.Form,), declared)


# -- diagrams ---------------------------------------------------------------------------------


@functools.lru_cache(maxsize=512)
def diagram_svg(workflow: type[statecore.Workflow], current: str | None = None) -> str | None:
    """Draw a workflow as inline SVG; None when Graphviz is not available.

    Drawn by `statecore.graph.draw` (the ``graphviz`` extra and the ``dot`` program), as
    the command line and ``manage.py statecore_graph`` draw; without them the panel
    shows the Mermaid text instead. Results are cached per workflow and current state.

    Args:
        workflow: the workflow class.
        current: the state to highlight.

    Returns:
        The ``<svg>`` element (no XML prolog), or None when the ``graphviz`` package or
        the ``dot`` program is missing or fails.

    .. versionadded:: 0.1
    """
    try:
        data = draw(workflow, "svg", current=current)
    except (ImportError, RuntimeError, OSError):
        return None
    except Exception as exc:  # graphviz's CalledProcessError: dot failed on this input
        if type(exc).__module__.startswith("graphviz"):
            return None
        raise
    text = data.decode("utf-8", "replace")
    start = text.find("<svg")
    return text[start:] if start >= 0 else None


# -- what the change page shows ---------------------------------------------------------------


@attrs.frozen
class TransitionButton:
    """One transition as the change page shows it.

    Attributes:
        field: the state field's attribute name.
        name: the transition's name.
        label: the button's text.
        description: the transition's description (a tooltip).
        url: where the button POSTs.
        needs_input: True when the button leads to a form page first.
        reason: why it cannot run now (empty when it can).

    .. versionadded:: 0.1
    """

    field: str
    name: str
    label: str
    description: str
    url: str
    needs_input: bool = False
    reason: str = ""


@attrs.frozen
class WorkflowPanel:
    """The workflow of one state field on the change page.

    Attributes:
        field: the state field's attribute name.
        verbose_name: the field's verbose name.
        state: the object's current state.
        buttons: the transitions the user may run now.
        refused: the transitions that start from the current state but cannot run now,
            each with its reason.
        svg: the diagram as inline SVG, or None without Graphviz.
        mermaid: the diagram as Mermaid text (shown when there is no SVG).

    .. versionadded:: 0.1
    """

    field: str
    verbose_name: str
    state: statecore.StateWrapper
    buttons: tuple[TransitionButton, ...]
    refused: tuple[TransitionButton, ...]
    svg: str | None
    mermaid: str

    @property
    def svg_html(self) -> str:
        """The SVG, marked safe for templates (it comes from Graphviz, not from users)."""
        return mark_safe(self.svg or "")


# -- the mixin --------------------------------------------------------------------------------


class WorkflowAdminMixin(_ModelAdminBase):
    """Transition buttons, forms, actions, log inline and diagram for a ``ModelAdmin``.

    Put it before ``admin.ModelAdmin`` in the bases. Class attributes:

    - ``workflow_fields``: the state fields to show (default: all of them).
    - ``transition_forms``: form classes by transition name, for transitions that need
      input but do not declare a form themselves.
    - ``transition_actions``: add one admin action per transition (default True).
    - ``show_refused_transitions``: list transitions that cannot run now, with the
      reason (default True).
    - ``show_workflow_diagram``: draw the workflow on the change page (default True).
    - ``transition_log_inline``: add the read-only transition log inline (default True).

    Override `get_transition_kwargs` to pass more keyword arguments to every transition
    run from the admin (e.g. the client's IP address for a custom log), and
    `has_transition_permission` to change who may use the buttons (default: users who
    may change the object; the transition's own permission is always checked too).

    .. versionadded:: 0.1
    """

    change_form_template = "statecore_django/admin/change_form.html"
    transition_form_template = "statecore_django/admin/transition_form.html"
    workflow_fields: Sequence[str] | None = None
    transition_forms: Mapping[str, type[forms.Form]] = {}
    transition_actions = True
    show_refused_transitions = True
    show_workflow_diagram = True
    transition_log_inline = True

    # -- configuration ------------------------------------------------------------------------

    def get_workflow_fields(self, request: HttpRequest) -> list[str]:
        """Return the state fields this admin shows, in definition order."""
        fields = state_fields(self.model)
        if self.workflow_fields is None:
            return list(fields)
        return [name for name in self.workflow_fields if name in fields]

    def get_transition_kwargs(
        self, request: HttpRequest, obj: models.Model, field: str, transition: str
    ) -> dict[str, Any]:
        """Return extra keyword arguments for a transition run from the admin.

        The user is always passed (``as_user(request.user)``); the default adds nothing
        else. Transitions that receive these arguments must accept them.
        """
        return {}

    def has_transition_permission(
        self, request: HttpRequest, obj: models.Model, field: str, transition: str
    ) -> bool:
        """Tell whether the user may use the admin's transition buttons on ``obj``.

        The transition's own permission is checked on top. Default: change permission.
        """
        return self.has_change_permission(request, obj)

    def get_transition_form(
        self, request: HttpRequest, obj: models.Model, field: str, transition: str
    ) -> type[forms.Form] | None:
        """Return the form class of a transition that needs input, or None."""
        form = self.transition_forms.get(transition)
        if form is not None:
            return form
        declared = type(state_fields(self.model)[field].workflow).transitions[transition]
        return transition_form_class(declared, self.model)

    # -- change form --------------------------------------------------------------------------

    def get_readonly_fields(self, request: HttpRequest, obj: models.Model | None = None) -> Any:
        """Add the protected state fields (and where ``hold`` left them) to the read-only fields.

        The ``<field>_held_from`` column of a protected field is read-only too: typing
        a state there would let ``resume`` enter it without its transition.
        """
        readonly = list(super().get_readonly_fields(request, obj))
        concrete = {f.name for f in self.model._meta.concrete_fields}
        for name, descriptor in state_fields(self.model).items():
            if not descriptor.workflow.protected:
                continue
            for column in (name, memory_attribute(name)):
                if column not in readonly and (column == name or column in concrete):
                    readonly.append(column)
        return readonly

    def get_list_display(self, request: HttpRequest) -> Any:
        """Show the state fields (their titles) when ``list_display`` is the default."""
        display = super().get_list_display(request)
        if tuple(display) == ("__str__",):
            return ("__str__", *self.get_workflow_fields(request))
        return display

    def get_list_filter(self, request: HttpRequest) -> Any:
        """Filter by the state fields (with titles) when ``list_filter`` is not set."""
        filters = super().get_list_filter(request)
        if not filters:
            return tuple(self.get_workflow_fields(request))
        return filters

    def get_inlines(self, request: HttpRequest, obj: models.Model | None) -> Any:
        """Add the read-only transition log inline of each generic log model."""
        inlines = list(super().get_inlines(request, obj))
        if not self.transition_log_inline or obj is None:
            return inlines
        for log_model in self._log_models(request):
            inline = _log_inline(log_model)
            if inline is not None and not any(
                getattr(i, "model", None) is log_model for i in inlines
            ):
                inlines.append(inline)
        return inlines

    def _log_models(self, request: HttpRequest) -> list[type[models.Model]]:
        found: list[type[models.Model]] = []
        for name in self.get_workflow_fields(request):
            workflow = state_fields(self.model)[name].workflow
            get_log_model = getattr(workflow, "get_log_model", None)
            log_model = get_log_model() if get_log_model is not None else None
            if log_model is not None and log_model not in found:
                found.append(log_model)
        return found

    def render_change_form(
        self,
        request: HttpRequest,
        context: dict[str, Any],
        add: bool = False,
        change: bool = False,
        form_url: str = "",
        obj: models.Model | None = None,
    ) -> HttpResponse:
        """Add the workflow panels to the change page's context."""
        if change and obj is not None and obj.pk is not None:
            context["statecore_panels"] = self.workflow_panels(request, obj)
        return super().render_change_form(
            request, context, add=add, change=change, form_url=form_url, obj=obj
        )

    def workflow_panels(self, request: HttpRequest, obj: models.Model) -> list[WorkflowPanel]:
        """Return what the change page shows for each state field of ``obj``."""
        panels = []
        fields = state_fields(self.model)
        for name in self.get_workflow_fields(request):
            descriptor = fields[name]
            workflow = type(descriptor.workflow)
            state = getattr(obj, name)
            buttons: list[TransitionButton] = []
            refused: list[TransitionButton] = []
            allowed = self.has_transition_permission(request, obj, name, "")
            for declared in workflow.transitions.available_from(state.name):
                button = self._button(request, obj, name, declared, allowed)
                (refused if button.reason else buttons).append(button)
            current = state.name if state.known else None
            show = self.show_workflow_diagram
            panels.append(
                WorkflowPanel(
                    field=name,
                    verbose_name=str(descriptor.field.verbose_name),
                    state=state,
                    buttons=tuple(buttons),
                    refused=tuple(refused) if self.show_refused_transitions else (),
                    svg=diagram_svg(workflow, current) if show else None,  # type: ignore[arg-type]
                    mermaid=workflow.to_mermaid(current=current) if show else "",
                )
            )
        return panels

    def _button(
        self,
        request: HttpRequest,
        obj: models.Model,
        field: str,
        declared: statecore.Transition,
        allowed: bool,
    ) -> TransitionButton:
        reason = ""
        if not allowed:
            reason = str(_("you may not change this object"))
        else:
            availability = _explain(bound_transition(obj, field, declared.name), request.user)
            reason = availability.message
        return TransitionButton(
            field=field,
            name=declared.name,
            label=declared.label,
            description=declared.description,
            url=self.transition_url(obj, field, declared.name, request),
            needs_input=self.get_transition_form(request, obj, field, declared.name) is not None,
            reason=reason,
        )

    # -- urls and views -----------------------------------------------------------------------

    def get_urls(self) -> list[URLPattern]:
        """Add the transition view: ``<id>/transition/<field>/<transition>/``."""
        opts = self.model._meta
        view = self.admin_site.admin_view(self.transition_view)
        urls = [
            path(
                "<path:object_id>/transition/<str:field>/<str:transition>/",
                view,
                name=f"{opts.app_label}_{opts.model_name}_transition",
            )
        ]
        return urls + list(super().get_urls())

    def transition_url(
        self, obj: models.Model, field: str, transition: str, request: HttpRequest | None = None
    ) -> str:
        """Return the URL a transition button POSTs to (keeping the changelist's filters)."""
        opts = self.model._meta
        url = reverse(
            f"{self.admin_site.name}:{opts.app_label}_{opts.model_name}_transition",
            args=(quote(obj.pk), field, transition),
        )
        return url + _preserved_filters(request)

    def change_url(self, obj: models.Model, request: HttpRequest | None = None) -> str:
        """Return the URL of ``obj``'s change page (keeping the changelist's filters)."""
        opts = self.model._meta
        url = reverse(
            f"{self.admin_site.name}:{opts.app_label}_{opts.model_name}_change",
            args=(quote(obj.pk),),
        )
        return url + _preserved_filters(request)

    def transition_view(
        self, request: HttpRequest, object_id: str, field: str, transition: str
    ) -> HttpResponse:
        """Run one transition of one object, or show its form; then back to the change page.

        The transition is checked again here (state, guards, the user's permission) and
        run as the user; a refusal becomes an error message, never a server error.
        """
        obj = self.get_object(request, unquote(object_id))
        if obj is None:
            raise Http404(
                _("%(name)s %(key)r does not exist")
                % {"name": self.model._meta.verbose_name, "key": object_id}
            )
        if field not in self.get_workflow_fields(request):
            raise Http404(f"{self.model.__qualname__} has no state field {field!r} here")
        try:
            wrapper = bound_transition(obj, field, transition)
        except LookupError as exc:
            raise Http404(str(exc)) from None
        if not self.has_transition_permission(request, obj, field, transition):
            raise PermissionDenied
        label = wrapper.transition.label
        back = HttpResponseRedirect(self.change_url(obj, request))
        form_class = self.get_transition_form(request, obj, field, transition)
        if request.method != "POST" and form_class is None:
            return HttpResponseNotAllowed(["POST"], USE_THE_BUTTON.format(label=label))
        availability = _explain(wrapper, request.user)
        if not availability:
            self._refused(request, obj, label, availability.message)
            return back
        kwargs: dict[str, Any] = {}
        if form_class is not None:
            confirmed = request.method == "POST" and CONFIRM_FIELD in request.POST
            initial = self._form_initial(obj, form_class)
            form = form_class(request.POST if confirmed else None, initial=initial)
            if not (confirmed and form.is_valid()):
                return self.render_transition_form(request, obj, field, wrapper, form)
            kwargs.update(_input_arguments(form.cleaned_data, transition, form_class))
        kwargs.update(self.get_transition_kwargs(request, obj, field, transition))
        try:
            _perform(wrapper.as_user(request.user), kwargs)
        except statecore.AbortTransition as exc:
            self._refused(request, obj, label, str(exc))
            return back
        state = getattr(obj, field)
        verbose_name = state_fields(self.model)[field].field.verbose_name
        self.message_user(
            request,
            DONE.format(object=obj, label=label, field=verbose_name, state=state.title),
            messages.SUCCESS,
        )
        return back

    def _refused(self, request: HttpRequest, obj: models.Model, label: str, reason: str) -> None:
        self.message_user(
            request, REFUSED.format(object=obj, label=label, reason=reason), messages.ERROR
        )

    def _form_initial(self, obj: models.Model, form_class: type[forms.Form]) -> dict[str, Any]:
        names = [f.name for f in obj._meta.concrete_fields if f.name in form_class.base_fields]
        return model_to_dict(obj, fields=names) if names else {}

    def render_transition_form(
        self,
        request: HttpRequest,
        obj: models.Model,
        field: str,
        wrapper: statecore.ImplementationWrapper[Any, Any],
        form: forms.Form,
    ) -> HttpResponse:
        """Render the form page of a transition that needs input."""
        opts = self.model._meta
        context = {
            **self.admin_site.each_context(request),
            "title": f"{wrapper.transition.label}: {obj}",
            "subtitle": None,
            "opts": opts,
            "app_label": opts.app_label,
            "original": obj,
            "object_id": obj.pk,
            "form": form,
            "transition": wrapper.transition,
            "field": field,
            "state": getattr(obj, field),
            "confirm_field": CONFIRM_FIELD,
            "action_url": self.transition_url(obj, field, wrapper.name, request),
            "change_url": self.change_url(obj, request),
            "media": self.media + form.media,
            "has_view_permission": True,
        }
        templates = [
            f"statecore_django/admin/{opts.app_label}/{opts.model_name}/transition_form.html",
            f"statecore_django/admin/{opts.app_label}/transition_form.html",
            self.transition_form_template,
        ]
        request.current_app = self.admin_site.name
        return TemplateResponse(request, templates, context)

    # -- bulk actions -------------------------------------------------------------------------

    def get_actions(self, request: HttpRequest, action_location: Any = None) -> dict[str, Any]:
        """Add one action per transition to the change list (for users who may change objects).

        ``action_location`` is Django 6.1's (``ActionLocation``); on older versions it is
        not passed. The change form has the transition buttons instead.
        """
        if action_location is None:
            actions: dict[str, Any] = super().get_actions(request)
        else:
            actions = super().get_actions(request, action_location=action_location)
        if getattr(action_location, "value", action_location) == "CHANGE_FORM":
            return actions
        if not self.transition_actions or not self.has_change_permission(request):
            return actions
        fields = state_fields(self.model)
        for field in self.get_workflow_fields(request):
            workflow = type(fields[field].workflow)
            several = len(fields) > 1
            for declared in workflow.transitions:
                permission = declared.permission
                if isinstance(permission, str) and not request.user.has_perm(permission):  # type: ignore[union-attr]
                    continue
                name = f"transition__{field}__{declared.name}"
                description = _("%(label)s selected %%(verbose_name_plural)s") % {
                    "label": declared.label
                }
                if several:
                    description += f" ({fields[field].field.verbose_name})"
                action = self._transition_action(field, declared.name)
                actions[name] = (action, name, description)
        return actions

    def _transition_action(self, field: str, transition: str) -> Callable[..., None]:
        def run(modeladmin: Any, request: HttpRequest, queryset: Any) -> None:
            modeladmin.run_transition_on(request, queryset, field, transition)

        run.__name__ = f"transition__{field}__{transition}"
        return run

    def run_transition_on(
        self, request: HttpRequest, objects: Iterable[models.Model], field: str, transition: str
    ) -> tuple[list[models.Model], list[tuple[models.Model, str]]]:
        """Run a transition on each object, as the user; report successes and refusals.

        Each object's transition runs in its own transaction, so one refusal does not
        undo the others.

        Returns:
            The objects moved, and the refused objects with their reasons.
        """
        declared = type(state_fields(self.model)[field].workflow).transitions[transition]
        label = declared.label
        done: list[models.Model] = []
        refused: list[tuple[models.Model, str]] = []
        ordered = objects.order_by("pk") if hasattr(objects, "order_by") else objects
        for obj in ordered:
            if self.get_transition_form(request, obj, field, transition) is not None:
                self.message_user(request, BULK_NEEDS_INPUT.format(label=label), messages.ERROR)
                return done, refused
            reason = self._run_one(request, obj, field, transition)
            if reason:
                refused.append((obj, reason))
            else:
                done.append(obj)
        opts = self.model._meta
        if done:
            noun = opts.verbose_name if len(done) == 1 else opts.verbose_name_plural
            names = ", ".join(str(obj) for obj in done)
            text = BULK_DONE.format(label=label, count=len(done), noun=noun, objects=names)
            self.message_user(request, text, messages.SUCCESS)
        for obj, reason in refused:
            text = BULK_REFUSED.format(object=obj, label=label, reason=reason)
            self.message_user(request, text, messages.WARNING)
        return done, refused

    def _run_one(self, request: HttpRequest, obj: models.Model, field: str, transition: str) -> str:
        """Run one transition on one object; return the refusal's reason, or ``""``."""
        if not self.has_transition_permission(request, obj, field, transition):
            return "you may not change this object"
        wrapper = bound_transition(obj, field, transition).as_user(request.user)
        availability = _explain(wrapper)
        if not availability:
            return availability.message
        try:
            _perform(wrapper, self.get_transition_kwargs(request, obj, field, transition))
        except statecore.AbortTransition as exc:
            return str(exc)
        return ""


def _explain(
    wrapper: statecore.ImplementationWrapper[Any, Any], user: Any = None
) -> statecore.Availability:
    """``wrapper.explain(user)`` from a sync view, awaiting async guards and permissions.

    The admin's views are sync: for a transition whose guards or permission are async,
    ``aexplain()`` is driven with ``async_to_sync`` (its database work comes back to this
    thread, on the request's connection).
    """
    binding = wrapper.binding
    if binding.guards_await or binding.permission_awaits:
        return async_to_sync(wrapper.aexplain)(user)
    return wrapper.explain(user=user)


def _input_arguments(data: Mapping[str, Any], transition: str, source: object) -> dict[str, Any]:
    """The keyword arguments a transition's input (form or serializer data) gives its call.

    A field named like an argument the call keeps for itself (``save``, ``log``) would let
    whoever fills the form skip writing the object or its log row: refused.

    Raises:
        ImproperlyConfigured: ``data`` has a key the transition call reserves.
    """
    from .wrappers import RESERVED_ARGUMENTS

    clash = sorted(RESERVED_ARGUMENTS.intersection(data))
    if clash:
        name = getattr(source, "__qualname__", type(source).__qualname__)
        msg = (
            f"the input of transition {transition!r} ({name}) has a field named "
            f"{', '.join(map(repr, clash))}: a transition call reserves save= and log= "
            f"(a client could skip saving the object or writing its log); rename the field "
            f"(a DRF field keeps its public name with source=, e.g. source='log_text')"
        )
        raise ImproperlyConfigured(msg)
    return dict(data)


def _perform(wrapper: statecore.ImplementationWrapper[Any, Any], kwargs: dict[str, Any]) -> Any:
    """Run ``wrapper`` from a sync view, awaiting it when the transition has async callables."""
    binding = wrapper.binding
    if binding.awaits or binding.permission_awaits:
        return async_to_sync(wrapper.acall)(**kwargs)
    return wrapper(**kwargs)


def _preserved_filters(request: HttpRequest | None) -> str:
    """Return ``?_changelist_filters=...`` when the request carries the admin's filters."""
    filters = request.GET.get("_changelist_filters") if request is not None else None
    return f"?{urlencode({'_changelist_filters': filters})}" if filters else ""


def _log_inline(log_model: type[models.Model]) -> type[Any] | None:
    """Return the read-only log inline for a generic log model, or None."""
    from .models import GenericTransitionLog

    if not issubclass(log_model, GenericTransitionLog):
        return None
    try:
        from .admin import TransitionLogInline as base
    except ImportError:  # the admin module is optional: a minimal read-only inline
        base = _fallback_inline()  # type: ignore[misc]
    if getattr(base, "model", None) is log_model:
        return base
    return _inline_for(base, log_model)


@functools.cache
def _inline_for(base: type[Any], log_model: type[models.Model]) -> type[Any]:
    return type(f"{log_model.__name__}Inline", (base,), {"model": log_model})


@functools.cache
def _fallback_inline() -> type[Any]:
    from django.contrib.contenttypes.admin import GenericTabularInline

    class ReadOnlyLogInline(GenericTabularInline):
        extra = 0
        can_delete = False
        verbose_name_plural = _("transition log")

        def get_fields(self, request: Any, obj: Any = None) -> list[Any]:
            hidden = {"id", "content_type", "object_id"}
            return [f.name for f in self.model._meta.concrete_fields if f.name not in hidden]

        def get_readonly_fields(self, request: Any, obj: Any = None) -> list[str]:
            return self.get_fields(request, obj)

        def has_view_permission(self, request: Any, obj: Any = None) -> bool:
            return True  # whoever sees the object sees its log

        def has_add_permission(self, request: Any, obj: Any = None) -> bool:
            return False

        def has_change_permission(self, request: Any, obj: Any = None) -> bool:
            return False

    return ReadOnlyLogInline
