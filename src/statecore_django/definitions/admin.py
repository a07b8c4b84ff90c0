"""Admin of database-defined workflows: define them with inlines, run their instances.

`WorkflowDefinitionAdmin` edits a definition with its steps, statuses and transitions
inline; saving checks the whole definition first (every problem is shown on the form
and nothing is saved), then publishes it as a new version. The change page draws the
definition's workflow.

`WorkflowInstanceAdmin` shows an instance with its history (the transition log) and the
diagram of its version, and operates it: hold, resume, cancel, advance and update the
status, with context data given as JSON. Each operation is a POST (with the CSRF token)
to ``<id>/operate/``, run as the signed-in user, who needs the instance's change
permission; a refusal is shown as an error message.
"""

from __future__ import annotations

import json
from typing import Any, ClassVar

from django import forms
from django.contrib import admin, messages
from django.contrib.admin.utils import quote, unquote
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import models as db_models
from django.forms.models import BaseInlineFormSet
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.template.loader import render_to_string
from django.urls import URLPattern, path, reverse
from django.utils.html import format_html
from django.utils.safestring import mark_safe
from django.utils.translation import gettext_lazy as _

import statecore
from statecore_django.admin import TransitionLogInline
from statecore_django.admin_mixins import diagram_svg

from . import services
from .compiler import compiled
from .data import build, problems
from .models import Status, Step, Transition, WorkflowDefinition, WorkflowInstance
from .versions import publish

__all__ = [
    "OperationForm",
    "WorkflowDefinitionAdmin",
    "WorkflowInstanceAdmin",
]

#: The operations of the instance page, by the name its buttons post.
OPERATIONS = ("hold", "resume", "cancel", "advance", "update_status")
#: What people read for each operation: its button's label, also the messages' subject.
LABELS = {
    "advance": _("Advance"),
    "hold": _("Hold"),
    "resume": _("Resume"),
    "cancel": _("Cancel"),
    "update_status": _("Update status"),
}

#: Message after a successful operation.
DONE = _("%(operation)s: workflow instance #%(pk)s is at step %(step)s, status %(status)s.")
#: Message after a refused operation.
REFUSED = _("%(operation)s refused: %(reason)s")
#: Message after publishing.
PUBLISHED = _("Published version %(number)s of workflow %(name)s.")


class DefinitionFormSet(BaseInlineFormSet):  # type: ignore[type-arg]
    """The transitions inline's formset: it checks the whole definition being saved.

    Its ``clean()`` runs after the steps' and statuses' formsets were cleaned (the admin
    validates them in order), builds the definition from all of them and lists every
    problem; the admin then saves nothing.
    """

    siblings: list[Any]

    def clean(self) -> None:
        """Raise a ValidationError listing every problem of the definition as submitted."""
        super().clean()
        siblings = getattr(self, "siblings", [self])
        if any(not formset.is_valid() for formset in siblings if formset is not self):
            return
        rows: dict[type[Any], list[dict[str, Any]]] = {}
        for formset in siblings:
            kept = [
                form.cleaned_data
                for form in formset.forms
                if form.cleaned_data and not form.cleaned_data.get("DELETE")
            ]
            rows[formset.model] = kept
        step_rows = rows.get(Step, [])
        names = {row["id"].pk: row["name"] for row in step_rows if row.get("id") is not None}

        def step_name(step: Any) -> str:
            return names.get(step.pk, step.name) if step is not None else ""

        definition = self.instance
        data = build(
            name=definition.name,
            title=definition.title,
            description=definition.description,
            steps=[{**row, "kind": row.get("kind")} for row in step_rows],
            statuses=[{**row, "step": step_name(row.get("step"))} for row in rows.get(Status, [])],
            transitions=[
                {
                    **row,
                    "source": step_name(row.get("source")),
                    "target": step_name(row.get("target")),
                }
                for row in rows.get(Transition, [])
            ],
        )
        found = problems(data)
        if found:
            raise ValidationError([ValidationError(problem) for problem in found])


class StepInline(admin.TabularInline):  # type: ignore[type-arg]
    """The steps of a definition."""

    model = Step
    fields = ("name", "title", "kind", "position")
    extra = 0


class _DefinitionStepsInline(admin.TabularInline):  # type: ignore[type-arg]
    """An inline whose step choices are the definition's own steps."""

    def formfield_for_foreignkey(self, db_field: Any, request: HttpRequest, **kwargs: Any) -> Any:
        """Offer only the steps of the definition on the page."""
        field = super().formfield_for_foreignkey(db_field, request, **kwargs)
        if db_field.related_model is Step and field is not None:
            resolved = request.resolver_match
            object_id = resolved.kwargs.get("object_id") if resolved else None
            queryset = Step.objects.none()
            if object_id is not None:
                queryset = Step.objects.filter(definition_id=unquote(object_id))
            field.queryset = queryset
        return field


class StatusInline(_DefinitionStepsInline):
    """The statuses of each step."""

    model = Status
    fields = ("step", "name", "title", "kind", "position")
    extra = 0


class TransitionInline(_DefinitionStepsInline):
    """The transitions, with their CEL condition and priority."""

    model = Transition
    formset = DefinitionFormSet
    fields = ("name", "source", "target", "condition", "priority", "label", "position")
    extra = 0
    formfield_overrides: ClassVar[dict[Any, dict[str, Any]]] = {
        db_models.TextField: {"widget": forms.TextInput(attrs={"size": 40})}
    }


@admin.register(WorkflowDefinition)
class WorkflowDefinitionAdmin(admin.ModelAdmin):  # type: ignore[type-arg]
    """Define a workflow with inlines; saving checks it all, then publishes a version.

    Steps must exist (save once) before statuses and transitions can name them.

    .. versionadded:: 0.1
    """

    list_display = ("name", "title", "latest_version", "updated_at")
    search_fields = ("name", "title")
    inlines = (StepInline, StatusInline, TransitionInline)
    readonly_fields = ("diagram", "versions_list")
    fields = ("name", "title", "description", "diagram", "versions_list")

    def _create_formsets(self, request: HttpRequest, obj: Any, change: bool) -> Any:
        formsets, inline_instances = super()._create_formsets(request, obj, change)  # type: ignore[misc]
        for formset in formsets:
            formset.siblings = formsets
        return formsets, inline_instances

    def save_related(self, request: HttpRequest, form: Any, formsets: Any, change: bool) -> None:
        """Save the inlines, then publish the definition (already checked by the form)."""
        super().save_related(request, form, formsets, change)
        definition = form.instance
        if not definition.steps.exists():
            return
        try:
            version = publish(definition)
        except statecore.WorkflowDefinitionError as exc:  # only statuses/transitions were added
            self.message_user(request, str(exc), messages.WARNING)
            return
        self.message_user(
            request,
            PUBLISHED % {"number": version.number, "name": definition.name},
            messages.SUCCESS,
        )

    @admin.display(description=_("latest version"))
    def latest_version(self, obj: WorkflowDefinition) -> str:
        """The number of the latest published version."""
        latest = obj.versions.order_by("-number").first()
        return str(latest.number) if latest is not None else "-"

    @admin.display(description=_("versions"))
    def versions_list(self, obj: WorkflowDefinition) -> str:
        """Each version with its number and date, newest first."""
        rows = obj.versions.order_by("-number")[:10] if obj.pk else []
        return ", ".join(f"v{v.number} ({v.created_at:%Y-%m-%d %H:%M})" for v in rows) or "-"

    @admin.display(description=_("diagram"))
    def diagram(self, obj: WorkflowDefinition) -> str:
        """The latest version's workflow drawn (SVG with Graphviz, Mermaid text without)."""
        latest = obj.versions.order_by("-number").first() if obj.pk else None
        if latest is None:
            return "-"
        return _diagram(compiled(latest).workflow, None)


class OperationForm(forms.Form):
    """What the operations of the instance page post: the operation, a status, context data.

    .. versionadded:: 0.1
    """

    operation = forms.ChoiceField(choices=[(name, name) for name in OPERATIONS])
    status = forms.CharField(required=False)
    context = forms.CharField(required=False, widget=forms.Textarea(attrs={"rows": 3}))

    def clean_context(self) -> dict[str, Any]:
        """Parse the context data: a JSON object, or empty."""
        text = self.cleaned_data.get("context") or ""
        if not text.strip():
            return {}
        try:
            value = json.loads(text)
        except json.JSONDecodeError as exc:
            raise ValidationError(
                _("Context data is not JSON: %(error)s") % {"error": exc}
            ) from None
        except RecursionError:
            raise ValidationError(
                _("Context data is nested too deeply; flatten its arrays and objects")
            ) from None
        if not isinstance(value, dict):
            raise ValidationError(_('Context data must be a JSON object, e.g. {"claim": {}}'))
        return value


class HistoryInline(TransitionLogInline):
    """The instance's history: its transition log, read-only."""

    verbose_name_plural = _("history")


@admin.register(WorkflowInstance)
class WorkflowInstanceAdmin(admin.ModelAdmin):  # type: ignore[type-arg]
    """Instances: their history and diagram, and the operations that move them.

    .. versionadded:: 0.1
    """

    list_display = (
        "pk",
        "definition",
        "content_type",
        "object_id",
        "step",
        "status",
        "started_at",
        "completed_at",
    )
    list_filter = ("definition", "step", "status")
    search_fields = ("object_id",)
    readonly_fields = (
        "definition",
        "version",
        "content_type",
        "object_id",
        "step",
        "step_held_from",
        "status",
        "started_at",
        "completed_at",
        "operations",
    )
    fields = readonly_fields
    inlines = (HistoryInline,)

    def has_add_permission(self, request: HttpRequest) -> bool:
        """Instances start through `services.start`, never from a blank form."""
        return False

    def get_urls(self) -> list[URLPattern]:
        """Add ``<id>/operate/``."""
        opts = self.model._meta
        view = self.admin_site.admin_view(self.operate_view)
        name = f"{opts.app_label}_{opts.model_name}_operate"
        return [path("<path:object_id>/operate/", view, name=name), *super().get_urls()]

    @admin.display(description=_("operations"))
    def operations(self, obj: WorkflowInstance) -> str:
        """The operation buttons and fields, and the version's diagram with the current step."""
        if obj.pk is None:
            return "-"
        runner = services.flow(obj)
        return render_to_string(
            "statecore_django/definitions/operations.html",
            {
                "instance": obj,
                "statuses": list(runner.compiled.statuses.get(obj.step, {})),
                "operations": [
                    (name, LABELS[name]) for name in ("advance", "hold", "resume", "cancel")
                ],
                "diagram": _diagram(runner.compiled.workflow, obj.step),
            },
        )

    def render_change_form(
        self, request: HttpRequest, context: dict[str, Any], *args: Any, **kwargs: Any
    ) -> Any:
        """Add the operations' form (outside the change form) with its CSRF token."""
        obj = context.get("original")
        if obj is not None:
            context["statecore_operate_url"] = reverse(
                f"{self.admin_site.name}:statecore_definitions_workflowinstance_operate",
                args=(quote(obj.pk),),
            )
        return super().render_change_form(request, context, *args, **kwargs)

    change_form_template = "statecore_django/definitions/instance_change_form.html"

    def operate_view(self, request: HttpRequest, object_id: str) -> HttpResponse:
        """Run one operation on the instance as the signed-in user; back to its page."""
        obj = self.get_object(request, unquote(object_id))
        if obj is None:
            raise Http404(f"no workflow instance {object_id!r}")
        if request.method != "POST":
            return HttpResponse(status=405, headers={"Allow": "POST"})
        if not self.has_change_permission(request, obj):
            raise PermissionDenied
        back = HttpResponseRedirect(
            reverse(
                f"{self.admin_site.name}:statecore_definitions_workflowinstance_change",
                args=(quote(obj.pk),),
            )
        )
        form = OperationForm(request.POST)
        if not form.is_valid():
            reasons = "; ".join(str(e) for errors in form.errors.values() for e in errors)
            self.message_user(
                request,
                REFUSED
                % {"operation": _label(request.POST.get("operation", "?")), "reason": reasons},
                messages.ERROR,
            )
            return back
        operation = form.cleaned_data["operation"]
        context = form.cleaned_data["context"]
        user = request.user
        try:
            if operation == "update_status":
                services.update_status(obj, form.cleaned_data["status"], context, user=user)
            elif operation == "advance":
                services.advance(obj, context, user=user)
            else:
                getattr(services, operation)(obj, user=user)
        except statecore.WorkflowError as exc:
            self.message_user(
                request, REFUSED % {"operation": _label(operation), "reason": exc}, messages.ERROR
            )
            return back
        self.message_user(
            request,
            DONE
            % {
                "operation": _label(operation),
                "pk": obj.pk,
                "step": obj.step,
                "status": obj.status or "-",
            },
            messages.SUCCESS,
        )
        return back


def _diagram(workflow: type[statecore.Workflow], current: str | None) -> str:
    svg = diagram_svg(workflow, current)  # type: ignore[arg-type]
    if svg is not None:
        return mark_safe(f'<div class="statecore-svg">{svg}</div>')
    return format_html(
        '<pre class="mermaid statecore-mermaid">{}</pre>', workflow.to_mermaid(current=current)
    )


def _label(operation: str) -> str:
    """The label of an operation posted by name (the name itself when it is unknown)."""
    return str(LABELS.get(operation, operation))
