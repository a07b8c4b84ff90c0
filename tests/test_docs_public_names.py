"""Every public name is documented: listed in the docs and carrying a docstring.

The packages are read as source (with `ast`), not imported, so that the adapter's names
are checked without Django or its settings, as core tests must run.
"""

from __future__ import annotations

import ast
import functools
import re
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
DOCS = ROOT / "docs"
PACKAGES = ("statecore", "statecore_django")


def _package_dir(package: str) -> Path:
    return ROOT / "src" / package


def _all_names(package: str) -> list[str]:
    """Return the package's ``__all__`` (empty when it has none or is not there)."""
    init = _package_dir(package) / "__init__.py"
    if not init.exists():
        return []
    for node in ast.parse(init.read_text(encoding="utf-8")).body:
        if isinstance(node, ast.Assign):
            target, value = node.targets[0], node.value
        elif isinstance(node, ast.AnnAssign) and node.value is not None:
            target, value = node.target, node.value
        else:
            continue
        if isinstance(target, ast.Name) and target.id == "__all__":
            return list(ast.literal_eval(value))
    return []


PUBLIC = [(package, name) for package in PACKAGES for name in _all_names(package)]
IDS = [f"{package}.{name}" for package, name in PUBLIC]


def _pages() -> dict[str, str]:
    return {path.name: path.read_text(encoding="utf-8") for path in sorted(DOCS.glob("*.md"))}


def _mentioned(name: str, text: str) -> bool:
    """Tell whether ``name`` appears as code: `name`, `name(...)`, `module.name` or `name.attr`."""
    pattern = rf"`(?:[\w.]+\.)?{re.escape(name)}(?:[.(\[][^`]*)?`"
    return re.search(pattern, text) is not None


@functools.cache
def _modules(package: str) -> tuple[tuple[list[str], ast.Module], ...]:
    """Return the source lines and syntax tree of every module of ``package``."""
    sources = sorted(_package_dir(package).rglob("*.py"))
    texts = [source.read_text(encoding="utf-8") for source in sources]
    return tuple((text.splitlines(), ast.parse(text)) for text in texts)


def _documented(name: str, package: str) -> bool | None:
    """Tell whether the definition of ``name`` in ``package`` is documented.

    A class or function must have a docstring; a module-level constant a ``#:`` comment
    on the line above its assignment.

    Returns:
        None when no module of the package defines ``name``.
    """
    found: bool | None = None
    for lines, tree in _modules(package):
        for node in tree.body:
            if (
                isinstance(node, (ast.ClassDef, ast.FunctionDef, ast.AsyncFunctionDef))
                and node.name == name
            ):
                doc = ast.get_docstring(node)
                found = bool(found) or bool(doc and doc.strip())
            elif isinstance(node, (ast.Assign, ast.AnnAssign)):
                targets = node.targets if isinstance(node, ast.Assign) else [node.target]
                if any(isinstance(t, ast.Name) and t.id == name for t in targets):
                    above = lines[node.lineno - 2] if node.lineno > 1 else ""
                    found = bool(found) or above.startswith("#: ")
    return found


def test_core_has_public_names() -> None:
    """The core declares its API in ``__all__``, so the checks below cover something."""
    names = _all_names("statecore")
    assert "Workflow" in names
    assert len(names) >= 30


@pytest.mark.parametrize(("package", "name"), PUBLIC, ids=IDS)
def test_public_name_appears_in_docs(package: str, name: str) -> None:
    """Each public name is mentioned as code on at least one documentation page."""
    pages = _pages()
    where = [page for page, text in pages.items() if _mentioned(name, text)]
    assert where, f"{package}.{name} is not mentioned in any of docs/{', '.join(pages)}"


@pytest.mark.parametrize("name", _all_names("statecore"))
def test_core_name_listed_in_api_reference(name: str) -> None:
    """Each name of ``statecore.__all__`` has its own entry, with a description, in docs/api.md."""
    text = (DOCS / "api.md").read_text(encoding="utf-8")
    entry = re.search(rf"^- `{re.escape(name)}`: \S.*$", text, flags=re.MULTILINE)
    assert entry, f"docs/api.md has no '- `{name}`: <description>' entry"


@pytest.mark.parametrize(("package", "name"), PUBLIC, ids=IDS)
def test_public_name_has_docstring(package: str, name: str) -> None:
    """Each public class or function has a docstring; each constant a ``#:`` comment."""
    documented = _documented(name, package)
    assert documented is not None, f"{package}.{name} is not defined in src/{package}"
    assert documented, (
        f"{package}.{name} has no docstring (or, for a constant, no '#: ...' comment on the "
        f"line above its assignment)"
    )


def test_core_names_match_the_imported_package() -> None:
    """The source-read ``__all__`` is the one the imported package exposes."""
    import statecore

    assert _all_names("statecore") == list(statecore.__all__)


def test_checks_reject_undocumented_names() -> None:
    """The mention check needs the whole name as code; the docstring check finds real gaps."""
    assert _mentioned("State", "see `State` and `statecore.State(...)`")
    assert not _mentioned("State", "see `StateList` and the State class")
    assert _documented("describe", "statecore") is True
    assert _documented("_conditions", "statecore") is False
    assert _documented("no_such_name", "statecore") is None
