"""Sphinx configuration of statecore's documentation site.

``python3 -m nox -s docs`` builds it with warnings as errors; Read the Docs builds it from
``.readthedocs.yaml``. The pages are the Markdown files of this directory (read by MyST);
the API reference is generated from the docstrings of both packages. Importing
``statecore_django``'s models and admin needs Django configured: `docs_settings` is the
smallest settings module that imports every module of the adapter, and nothing in the build
touches a database. The build needs no network.
"""

from __future__ import annotations

import os
import re
import sys
from pathlib import Path

import django
from sphinx.application import Sphinx

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))
os.environ["DJANGO_SETTINGS_MODULE"] = "docs_settings"
django.setup()

import statecore  # noqa: E402  (after Django is set up, like the adapter's modules)

project = "statecore"
author = "the statecore contributors"
project_copyright = "the statecore contributors"
release = statecore.__version__
version = ".".join(release.split(".")[:2])

extensions = ["myst_parser", "sphinx.ext.autodoc", "sphinx.ext.napoleon"]
source_suffix = {".md": "markdown"}
root_doc = "index"
exclude_patterns = ["_build", "shop", "docs_settings.py"]

# Links between pages point at headings, as on GitHub (`concepts.md#availability`).
myst_heading_anchors = 4
# `Workflow` in a docstring is a reference to the Python object when one is documented, and
# code in any case.
default_role = "py:obj"

autodoc_member_order = "bysource"
autodoc_typehints = "signature"
autodoc_preserve_defaults = True
napoleon_google_docstring = True
napoleon_numpy_docstring = False
napoleon_use_rtype = False
napoleon_attr_annotations = True

html_theme = "furo"
html_title = f"statecore {release}"
html_copy_source = False


def _qualify_core_workflow(
    app: Sphinx,
    what: str,
    name: str,
    obj: object,
    options: object,
    signature: str | None,
    return_annotation: str | None,
) -> tuple[str | None, str | None]:
    """Write ``Workflow`` and ``Transition`` as ``statecore.`` names in the core's signatures.

    An annotation that cannot be evaluated at build time (its names are imported for type
    checkers only) is shown as written, and a bare ``Workflow`` would be ambiguous: the
    adapter has a ``Workflow`` too.
    """
    if not name.startswith("statecore."):
        return signature, return_annotation

    def qualify(text: str | None) -> str | None:
        text = text and re.sub(r"(?<![\w.])Workflow\b", "statecore.Workflow", text)
        if name.startswith("statecore.compat."):
            return text  # its own classes of these names are meant there
        # The xworkflows namespace has classes of these names too.
        shadowed = r"(?<![\w.])(Transition|TransitionList|ImplementationWrapper|WorkflowEnabled)\b"
        return text and re.sub(shadowed, r"statecore.\1", text)

    return qualify(signature), qualify(return_annotation)


def setup(app: Sphinx) -> None:
    """Register the signature hook."""
    app.connect("autodoc-process-signature", _qualify_core_workflow)
