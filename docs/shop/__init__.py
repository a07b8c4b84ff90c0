"""The ``shop`` app of the Django pages of docs/: their models are defined in the pages."""
