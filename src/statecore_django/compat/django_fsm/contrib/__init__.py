"""Optional integrations of the django-fsm layer."""
