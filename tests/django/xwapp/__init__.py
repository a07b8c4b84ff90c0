"""A project written for django_xworkflows, moved to statecore by its documented import change."""
