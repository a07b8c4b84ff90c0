"""A ready transition log: add ``"statecore_django.log"`` to ``INSTALLED_APPS``.

Its `statecore_django.log.models.TransitionLog` is the default ``STATECORE_LOG_MODEL``
(``"statecore_log.TransitionLog"``) when the app is installed.
"""
