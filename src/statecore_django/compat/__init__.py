"""Compatibility namespaces: other Django state-machine libraries' APIs on statecore's engine.

- `statecore_django.compat.django_fsm` and `statecore_django.compat.django_fsm_log`:
  django-fsm-2 4.x and django-fsm-log;
- `statecore_django.compat.django_xworkflows`: django_xworkflows 1.0.

Each subpackage reproduces one peer's public API, so that its users move over by changing
imports; none is a top-level package, so the originals can stay installed beside them.
Each namespace names the version it follows and what it leaves out in its docstring.
"""
