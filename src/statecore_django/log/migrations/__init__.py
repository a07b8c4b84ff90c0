"""Migrations of the ready transition log."""
