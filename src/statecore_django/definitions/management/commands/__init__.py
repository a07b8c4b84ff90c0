"""Management commands of statecore_django.definitions."""
