"""The ``django_fsm.contrib.unfold`` app of django-fsm-2, so settings that list it keep working.

Its templates are those of the layer's admin mixin.
"""
