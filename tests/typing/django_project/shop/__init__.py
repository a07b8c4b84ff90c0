"""A user's Django app, type-checked (never run) by mypy --strict, with and without the
django-stubs plugin, and by pyright in strict mode.

``assert_type`` pins the type the adapter must give (an ``Any`` would fail it), and each
``type: ignore[code]`` marks a misuse the checkers must reject: were it accepted, both
report the ignore as unused.
"""
