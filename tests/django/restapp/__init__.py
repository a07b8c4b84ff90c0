"""Models, serializers and ViewSets of the REST integration's tests (`tests/django/rest`)."""
