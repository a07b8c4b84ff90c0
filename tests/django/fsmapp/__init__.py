"""Models on the django-fsm compatibility layer, for its tests."""
