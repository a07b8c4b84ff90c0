"""Every public name is documented: listed in the docs and carrying a docstring."""

from __future__ import annotations

import importlib
import re
from pathlib import Path
from types import ModuleType

import pytest

import statecore

DOCS = Path(__file__).resolve().parent.parent / "docs"
SOURCES = Path(statecore.__file__).resolve().parent


def _public(module_name: str) -> list[tuple[ModuleType, str]]:
    """Return ``(module, name)`` for each name in the module's ``__all__``.

    A module that cannot be imported (an adapter whose framework is not installed)
    contributes no names; one with an empty ``__all__`` contributes none either.
    """
    try:
        module = importlib.import_module(module_name)
    except ImportError:
        return []
    return [(module, name) for name in getattr(module, "__all__", ())]


PUBLIC = _public("statecore") + _public("statecore_django")
IDS = [f"{module.__name__}.{name}" for module, name in PUBLIC]


def _pages() -> dict[str, str]:
    return {path.name: path.read_text(encoding="utf-8") for path in sorted(DOCS.glob("*.md"))}


def _mentioned(name: str, text: str) -> bool:
    """Tell whether ``name`` appears as code: `name`, `name(...)`, `module.name` or `name.attr`."""
    pattern = rf"`(?:[\w.]+\.)?{re.escape(name)}(?:[.(\[][^`]*)?`"
    return re.search(pattern, text) is not None


def test_core_has_public_names() -> None:
    """The core exports its API through ``__all__``, so the checks below cover something."""
    assert "Workflow" in statecore.__all__
    assert len(statecore.__all__) >= 30


@pytest.mark.parametrize(("module", "name"), PUBLIC, ids=IDS)
def test_public_name_appears_in_docs(module: ModuleType, name: str) -> None:
    """Each public name is mentioned as code on at least one documentation page."""
    pages = _pages()
    where = [page for page, text in pages.items() if _mentioned(name, text)]
    assert where, f"{module.__name__}.{name} is not mentioned in any of docs/{', '.join(pages)}"


@pytest.mark.parametrize("name", statecore.__all__)
def test_core_name_listed_in_api_reference(name: str) -> None:
    """Each name of ``statecore.__all__`` has its own entry, with a description, in docs/api.md."""
    text = (DOCS / "api.md").read_text(encoding="utf-8")
    entry = re.search(rf"^- `{re.escape(name)}`: \S.*$", text, flags=re.MULTILINE)
    assert entry, f"docs/api.md has no '- `{name}`: <description>' entry"


def _constant_has_doc_comment(name: str, package: Path) -> bool:
    """Tell whether a module-level constant is documented by a ``#:`` comment above it."""
    assignment = re.compile(rf"^{re.escape(name)}\s*(?::[^=]*)?=", flags=re.MULTILINE)
    for source in package.glob("*.py"):
        lines = source.read_text(encoding="utf-8").splitlines()
        for index, line in enumerate(lines):
            if assignment.match(line) and index and lines[index - 1].startswith("#: "):
                return True
    return False


@pytest.mark.parametrize(("module", "name"), PUBLIC, ids=IDS)
def test_public_name_has_docstring(module: ModuleType, name: str) -> None:
    """Each public class or function has its own docstring; each constant a ``#:`` comment."""
    obj = getattr(module, name)
    if isinstance(obj, type) or callable(obj):
        doc = obj.__doc__
        assert doc and doc.strip(), f"{module.__name__}.{name} has no docstring"
    else:
        package = Path(module.__file__).resolve().parent  # type: ignore[arg-type]
        assert _constant_has_doc_comment(name, package), (
            f"{module.__name__}.{name} is a constant without a '#: ...' comment above its "
            f"assignment"
        )


def test_undocumented_name_would_be_caught() -> None:
    """The mention check rejects a name that only appears as part of a longer word."""
    assert _mentioned("State", "see `State` and `statecore.State(...)`")
    assert not _mentioned("State", "see `StateList` and the State class")
