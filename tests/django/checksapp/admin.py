"""Admin of the ``checksapp`` test app: parcels with their transition log inline."""

from __future__ import annotations

from django.contrib import admin

from statecore_django.admin import TransitionLogInline

from .models import Parcel


@admin.register(Parcel)
class ParcelAdmin(admin.ModelAdmin):
    inlines = (TransitionLogInline,)
