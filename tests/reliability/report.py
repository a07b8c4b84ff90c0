"""Regenerate the figures table of docs/reliability.md from the last battery runs.

Run ``python tests/reliability/report.py`` after ``pytest tests/reliability`` (on either
or both servers): it reads ``artifacts/reliability.json`` and rewrites the part of
``docs/reliability.md`` between the ``figures`` markers. ``--check`` exits with status 1
when a violation count is not 0 or the page is out of date.
"""

from __future__ import annotations

import argparse
import json
import re
import sys
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[2]
RESULTS = ROOT / "artifacts" / "reliability.json"
PAGE = ROOT / "docs" / "reliability.md"
START, END = "<!-- figures:start -->", "<!-- figures:end -->"

#: Case number of each test (by the start of its name), in the order of the page.
CASES = (
    ("test_stampede_commits_exactly_once_per_round", 1),
    ("test_stampede_without_locking", 1),
    ("test_awaited_stampede", 1),
    ("test_random_contention", 2),
    ("test_conflicts_surface_as_concurrent_transition", 3),
    ("test_stale_instance", 4),
    ("test_lock_held_to_commit", 5),
    ("test_failure_at_any_position", 6),
    ("test_swallowed", 7),
    ("test_killed_connection", 8),
    ("test_sigkilled_processes", 9),
    ("test_transition_on_deleted_row", 10),
    ("test_core_matches", 11),
    ("test_adapter_matches", 11),
    ("test_random_definitions", 12),
    ("test_threads", 13),
    ("test_bad_state", 14),
    ("test_unknown_transition", 14),
    ("test_illegal_transition", 14),
    ("test_database_value_outside", 14),
    ("test_mixed_work", 15),
    ("test_on_error_never_overwrites", 16),
    ("test_read_modify_write", 16),
)
#: The case whose figures get a table of their own.
MIXED_CASE = 15
#: Figures shown in their own columns; the others go to "size and notes".
MAIN = {"attempted", "committed", "rejected", "violations", "audited_commits"}
SERVERS = {"postgresql": "PostgreSQL", "mysql": "MariaDB"}


def case_of(test: str) -> int:
    """Return the case number of a test name (99 when unknown)."""
    return next((number for prefix, number in CASES if test.startswith(prefix)), 99)


def _rejected(values: dict[str, int]) -> str:
    return ", ".join(f"{kind} {count}" for kind, count in sorted(values.items())) or "-"


def _notes(figures: dict[str, Any]) -> str:
    return ", ".join(f"{k}={v}" for k, v in sorted(figures.items()) if k not in MAIN) or "-"


def _mixed_rows(cases: dict[str, dict[str, Any]]) -> list[str]:
    """The table of the mixed-work case: one row per locking mode."""
    tests = sorted(name for name in cases if case_of(name) == MIXED_CASE)
    if not tests:
        return []
    lines = [
        "",
        "Mixed work, by locking mode:",
        "",
        "| Locking | Operations | Commits stage / review | on_error entered | Plain saves "
        "| Deletes | Refused by kind | Lost updates | Columns written unchanged "
        "| Other failed checks | Audit violations | Chain breaks by design | Seconds |",
        "|---|---:|---:|---:|---:|---:|---|---:|---:|---|---|---:|---:|",
    ]
    for test in tests:
        figures = cases[test]
        mode = test.partition("[")[2].rstrip("]") or "-"
        checks = figures.get("checks", {})
        written = sum(n for name, n in checks.items() if "_wrote_" in name)
        others = {name: n for name, n in checks.items() if "_wrote_" not in name}
        if figures.get("reinserted_rows"):
            others["rows_inserted"] = figures["reinserted_rows"]
        refused = dict(figures.get("rejected", {}))
        for kind, count in figures.get("save_refused", {}).items():
            refused[f"save {kind}"] = count
        for kind, count in figures.get("on_deleted_instance", {}).items():
            refused[f"deleted instance {kind}"] = count
        by_field = figures.get("commits_by_field", {})
        lines.append(
            f"| {mode} | {figures.get('attempted', '-')} | "
            f"{by_field.get('stage', 0)} / {by_field.get('review', 0)} | "
            f"{figures.get('on_error_entered', '-')} | {figures.get('plain_saves', '-')} | "
            f"{figures.get('deleted', '-')} | {_rejected(refused)} | "
            f"{figures.get('lost_updates', '-')} | {written} | {_rejected(others)} | "
            f"{_rejected(figures.get('audit_violations', {}))} | "
            f"{figures.get('chain_breaks_by_design', 0)} | {figures.get('seconds', '-')} |"
        )
    return lines


def table(results: dict[str, Any]) -> str:
    """Return the Markdown tables of every case on every server in ``results``."""
    lines = []
    for server, label in SERVERS.items():
        run = results.get(server)
        if not run:
            continue
        lines += [
            f"**{label}** (run finished {run['finished']}, scale {run['scale']}, "
            f"Python {run['python']})",
            "",
            "| Case | Test | Attempted | Committed | Rejected by kind | Violations | Size, notes |",
            "|---:|---|---:|---:|---|---:|---|",
        ]
        cases = run["cases"]
        for test in sorted(cases, key=lambda name: (case_of(name), name)):
            figures = cases[test]
            notes = "see below" if case_of(test) == MIXED_CASE else _notes(figures)
            lines.append(
                f"| {case_of(test)} | `{test}` | {figures.get('attempted', '-')} | "
                f"{figures.get('committed', '-')} | {_rejected(figures.get('rejected', {}))} | "
                f"{figures.get('violations', 0)} | {notes} |"
            )
        lines += _mixed_rows(cases)
        lines.append("")
    return "\n".join(lines).rstrip() + "\n"


def violations(results: dict[str, Any]) -> int:
    """Total violations over every server and case."""
    return sum(
        figures.get("violations", 0)
        for run in results.values()
        for figures in run.get("cases", {}).values()
    )


def render(page: str, results: dict[str, Any]) -> str:
    """Return ``page`` with the figures section replaced by the table of ``results``."""
    pattern = re.compile(re.escape(START) + r".*?" + re.escape(END), re.DOTALL)
    if not pattern.search(page):
        msg = f"{PAGE} has no {START} ... {END} section; add the two markers"
        raise SystemExit(msg)
    return pattern.sub(lambda _: f"{START}\n{table(results)}{END}", page)


def main(argv: list[str] | None = None) -> int:
    """Rewrite the page (or with ``--check``, verify it); return the exit status."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--check", action="store_true", help="verify, do not write")
    args = parser.parse_args(argv)
    if not RESULTS.exists():
        print(f"{RESULTS} does not exist: run pytest tests/reliability first", file=sys.stderr)
        return 1
    results = json.loads(RESULTS.read_text())
    page = PAGE.read_text()
    updated = render(page, results)
    bad = violations(results)
    if args.check:
        stale = updated != page
        if stale:
            print(f"{PAGE} is out of date: run python tests/reliability/report.py")
        if bad:
            print(f"{bad} violation(s) in {RESULTS}")
        return int(stale or bool(bad))
    PAGE.write_text(updated)
    print(f"wrote the figures of {', '.join(results)} to {PAGE.relative_to(ROOT)}")
    return int(bool(bad))


if __name__ == "__main__":
    sys.exit(main())
