"""Compatibility namespaces: other Django state-machine libraries' APIs on statecore's engine.

Each subpackage reproduces one peer's public API, so that its users move over by changing
imports; none is a top-level package, so the originals can stay installed beside them.
"""
