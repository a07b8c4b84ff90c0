"""Without Django REST framework, importing the integration says which extra to install."""

from __future__ import annotations

import subprocess
import sys
import textwrap
from pathlib import Path

ROOT = Path(__file__).resolve().parents[3]


def test_missing_rest_framework_raises_import_error_naming_the_extra() -> None:
    """With rest_framework blocked, ``import statecore_django.rest`` names statecore[rest]."""
    code = textwrap.dedent(
        """
        import sys

        class Blocker:
            def find_spec(self, name, path=None, target=None):
                if name.split(".")[0] == "rest_framework":
                    raise ImportError(name + " is blocked")
                return None

        sys.meta_path.insert(0, Blocker())
        try:
            import statecore_django.rest
        except ImportError as exc:
            print("refused:", exc)
        """
    )
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, cwd=ROOT, check=True
    )
    assert "refused: statecore_django.rest needs Django REST framework" in result.stdout
    assert "pip install 'statecore[rest]'" in result.stdout
