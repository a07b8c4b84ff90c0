"""Management commands of the django-fsm layer."""
