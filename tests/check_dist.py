"""Check a built wheel and sdist before they are published (run by ``nox -s package``).

``python tests/check_dist.py DIST_DIR --python 3.10 ... --django 4.2 ...`` reads the one
wheel and the one sdist in DIST_DIR and checks what ``twine check`` does not:

- the licence: ``License-Expression: MIT``, the LICENSE file in the wheel's
  ``.dist-info/licenses/`` and at the root of the sdist;
- the PyPI page: every Project-URL, every classifier known to PyPI (trove-classifiers),
  one Python classifier per Python and one Django classifier per Django version the test
  suite runs on (the noxfile passes them), and a README without relative links (PyPI
  cannot resolve them);
- the ``statecore`` console script;
- an sdist that can run its own tests: sources, tests, docs, examples and the noxfile.

Each problem is printed on its own line; the exit status is 1 when there is any.
"""

from __future__ import annotations

import argparse
import re
import sys
import tarfile
import zipfile
from email.message import Message
from email.parser import Parser
from pathlib import Path

import trove_classifiers

PROJECT_URLS = ("Homepage", "Documentation", "Source", "Issues", "Changelog")
SDIST_FILES = (
    "LICENSE",
    "README.md",
    "CHANGELOG.md",
    "CONTRIBUTING.md",
    "SECURITY.md",
    "pyproject.toml",
    "noxfile.py",
    "src/statecore/__init__.py",
    "src/statecore_django/__init__.py",
    "tests/conftest.py",
    "tests/django/conftest.py",
    "docs/conf.py",
    "docs/index.md",
    "examples/shop/manage.py",
)
#: A Markdown link or image whose target is not absolute (http, https, mailto) nor an anchor.
RELATIVE_LINK = re.compile(r"\]\((?!https?://|mailto:|#)([^)\s]+)")


def _one(directory: Path, pattern: str) -> Path:
    found = sorted(directory.glob(pattern))
    if len(found) != 1:
        msg = f"expected one {pattern} in {directory}, found {[p.name for p in found]}"
        raise SystemExit(msg)
    return found[0]


def check_metadata(metadata: Message, pythons: list[str], djangos: list[str]) -> list[str]:
    """Return the problems of the core metadata (as PKG-INFO or METADATA)."""
    problems = []
    if metadata["License-Expression"] != "MIT":
        problems.append(f"License-Expression is {metadata['License-Expression']!r}, not 'MIT'")
    if "LICENSE" not in (metadata.get_all("License-File") or []):
        problems.append("no License-File: LICENSE")
    urls = dict(
        (part.strip() for part in value.split(",", 1))
        for value in metadata.get_all("Project-URL") or []
    )
    problems += [f"no Project-URL {label!r}" for label in PROJECT_URLS if label not in urls]
    classifiers = metadata.get_all("Classifier") or []
    problems += [
        f"classifier {name!r} is not known to PyPI"
        for name in classifiers
        if name not in trove_classifiers.classifiers
    ]
    for prefix, versions in (
        ("Programming Language :: Python :: ", pythons),
        ("Framework :: Django :: ", djangos),
    ):
        declared = sorted(c.removeprefix(prefix) for c in classifiers if c.startswith(prefix))
        declared = [v for v in declared if re.fullmatch(r"\d+\.\d+", v)]
        if declared != sorted(versions):
            problems.append(f"classifiers {prefix}{declared} differ from the tested {versions}")
    if metadata["Description-Content-Type"] != "text/markdown":
        problems.append("the long description is not text/markdown")
    readme = metadata.get_payload()
    assert isinstance(readme, str)
    problems += [
        f"the README links to {target!r}, which PyPI cannot resolve; use an absolute URL"
        for target in RELATIVE_LINK.findall(readme)
    ]
    if "pip install statecore" not in readme:
        problems.append("the README does not say 'pip install statecore'")
    return problems


def check_wheel(wheel: Path, pythons: list[str], djangos: list[str]) -> list[str]:
    """Return the problems of the wheel."""
    with zipfile.ZipFile(wheel) as archive:
        names = set(archive.namelist())
        info = next(name.split("/")[0] for name in names if name.endswith(".dist-info/METADATA"))
        metadata = Parser().parsestr(archive.read(f"{info}/METADATA").decode())
        entry_points = archive.read(f"{info}/entry_points.txt").decode()
    problems = check_metadata(metadata, pythons, djangos)
    if f"{info}/licenses/LICENSE" not in names:
        problems.append(f"the wheel has no {info}/licenses/LICENSE")
    if "statecore = statecore.cli:main" not in entry_points:
        problems.append("the wheel declares no 'statecore' console script")
    for package in ("statecore/py.typed", "statecore_django/log/migrations/0001_initial.py"):
        if package not in names:
            problems.append(f"the wheel lacks {package}")
    return [f"{wheel.name}: {problem}" for problem in problems]


def check_sdist(sdist: Path, pythons: list[str], djangos: list[str]) -> list[str]:
    """Return the problems of the sdist."""
    with tarfile.open(sdist) as archive:
        members = archive.getnames()
        root = members[0].split("/")[0]
        names = {name.removeprefix(f"{root}/") for name in members}
        pkg_info = archive.extractfile(f"{root}/PKG-INFO")
        assert pkg_info is not None
        metadata = Parser().parsestr(pkg_info.read().decode())
    problems = check_metadata(metadata, pythons, djangos)
    problems += [f"the sdist lacks {name}" for name in SDIST_FILES if name not in names]
    problems += [
        f"the sdist holds {name}, a local artefact"
        for name in names
        if "__pycache__" in name or name.endswith(".sqlite3") or name.startswith("docs/_build")
    ]
    return [f"{sdist.name}: {problem}" for problem in problems]


def main(argv: list[str] | None = None) -> int:
    """Check the distributions; print each problem; return 1 when there is any."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("dist", type=Path, help="the directory holding one wheel and one sdist")
    parser.add_argument("--python", nargs="+", required=True, help="the tested Pythons")
    parser.add_argument("--django", nargs="+", required=True, help="the tested Django versions")
    options = parser.parse_args(argv)
    wheel = _one(options.dist, "*.whl")
    sdist = _one(options.dist, "*.tar.gz")
    problems = check_wheel(wheel, options.python, options.django)
    problems += check_sdist(sdist, options.python, options.django)
    for problem in problems:
        print(problem)
    if not problems:
        print(f"{wheel.name} and {sdist.name}: licence, metadata and contents are complete")
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
