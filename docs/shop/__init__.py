"""The ``shop`` app of docs/django.md: its models are defined in the guide itself."""
