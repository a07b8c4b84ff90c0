"""Compatibility namespaces for Django projects moving to statecore.

- `statecore_django.compat.django_xworkflows`: django_xworkflows 1.0.

Each namespace names the version it follows and what it leaves out in its docstring.
"""
