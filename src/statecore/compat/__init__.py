"""Compatibility namespaces: other libraries' public behaviour on statecore's engine.

- `statecore.compat.xworkflows`: xworkflows 1.1.

Each namespace names the version it follows and what it leaves out in its docstring.
"""
