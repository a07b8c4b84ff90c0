"""An admin written for django-fsm, with only its imports changed."""

from __future__ import annotations

from django import forms
from django.contrib import admin

from statecore_django.compat.django_fsm.admin import FSMAdminMixin
from statecore_django.compat.django_fsm_log.admin import StateLogInline

from .models import Article


class ShelveForm(forms.Form):
    """The form of Article.shelve; its ``by`` field must not choose the logged user."""

    reason = forms.CharField()
    by = forms.CharField(required=False)


@admin.register(Article)
class ArticleAdmin(FSMAdminMixin):
    """Transition buttons for the state, and the log inline."""

    fsm_fields = ["state"]  # noqa: RUF012 (django-fsm-2's attribute)
    inlines = [StateLogInline]  # noqa: RUF012
