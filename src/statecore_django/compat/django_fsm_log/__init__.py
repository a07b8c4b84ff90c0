"""django-fsm-log (5.x) on statecore: its ``StateLog`` on its existing table.

Add ``"statecore_django.compat.django_fsm_log"`` to ``INSTALLED_APPS`` (its label is
``django_fsm_log``, its table ``django_fsm_log_statelog`` with django-fsm-log's columns
and migration names, so existing history keeps working and keeps growing) and change
``django_fsm_log`` imports to this package: ``models.StateLog`` (``StateLog.objects.for_(obj)``),
``decorators.fsm_log_by`` and ``fsm_log_description``, ``admin.StateLogInline``.

Every transition of the django-fsm layer is logged from its signals (models listed in
``DJANGO_FSM_LOG_IGNORED_MODELS`` excepted), by the backend
``DJANGO_FSM_LOG_STORAGE_METHOD`` names (``backends``: simple, or cached with
``StateLog.pending_objects``); with ``FSMField(atomic=True)`` the row is written in the
transition's own transaction, after the row is saved.

.. versionadded:: 0.1
"""
