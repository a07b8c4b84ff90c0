"""Workflows defined in the database, run on any model (the ``statecore_definitions`` app).

Add ``"statecore_django.definitions"`` (and ``"statecore_django.log"`` for the history) to
``INSTALLED_APPS``. A `~statecore_django.definitions.models.WorkflowDefinition` holds
steps (the workflow's states, with their kinds), statuses per step, and transitions with
a CEL condition and a priority; publishing it freezes a numbered
`~statecore_django.definitions.models.DefinitionVersion`. A
`~statecore_django.definitions.models.WorkflowInstance` runs one version on one object
of any model, through the service functions of `statecore_django.definitions.services`.
See docs/definitions.md.
"""
