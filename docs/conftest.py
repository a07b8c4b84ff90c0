"""Pytest configuration for the executable examples in the documentation."""
