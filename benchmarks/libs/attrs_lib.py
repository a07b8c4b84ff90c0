"""attrs, which statecore is built on: a context row for W6, not a peer.

Importing statecore imports attrs, so attrs' own import time is part of statecore's;
the row shows how much of statecore's W6 figure it is. attrs takes part in W6 only
(`libs.CONTEXT`) and is left out of the targets.
"""

from __future__ import annotations

NAME = "attrs (statecore's dependency)"
DISTRIBUTION = "attrs"
MODULE = "attrs"
DJANGO = False


def setup() -> None:
    pass
