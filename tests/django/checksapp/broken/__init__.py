"""Misconfigured models, installed only by the tests of the system checks."""
