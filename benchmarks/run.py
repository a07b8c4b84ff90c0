"""Benchmarks: statecore against its peers and a hand-written plain-Python baseline.

Usage::

    python benchmarks/run.py [--quick] [--strict] [--only W1,W2] [--libraries a,b] [--json out.json]

Every (library, workload) pair runs in its own subprocess, so that imports and memory
do not interfere. Each workload is checked for correctness before it is timed; a failed
check makes the run exit with status 1. ``--quick`` is a smoke run (few repetitions);
``--strict`` also exits with status 1 when a performance target is missed.
``--only W7`` runs both W7 workloads, ``W7-sqlite`` and ``W7-postgresql``.
"""

from __future__ import annotations

import argparse
import json
import platform
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
if str(HERE) not in sys.path:
    sys.path.insert(0, str(HERE))

from libs import COMPAT, CONTEXT, LIBRARIES  # noqa: E402
from workloads import TITLES, WORKLOADS, takes_part  # noqa: E402

REFERENCE = "statecore"
# W11: a 200-state, 1,000-transition workflow from data is defined in under this many seconds.
FROM_DATA_TARGET = 0.050
# W7: a logged transition costs at most this many times the process time of hand-written
# Django code with the same guarantees.
SAVED_TARGET = 1.10
# W10: a transition action of statecore_django.rest costs at most this many times a
# hand-written DRF @action doing the same transition, save and log (process time).
REST_TARGET = 1.2


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="smoke run: few repetitions")
    parser.add_argument("--strict", action="store_true", help="exit 1 when a target is missed")
    parser.add_argument("--only", help="comma-separated workloads, e.g. W1,W2")
    parser.add_argument("--libraries", help="comma-separated libraries (statecore is kept)")
    parser.add_argument("--json", type=Path, help="also write every sample to this file")
    parser.add_argument(
        "--worker", nargs=2, metavar=("LIBRARY", "WORKLOAD"), help=argparse.SUPPRESS
    )
    args = parser.parse_args(argv)

    if args.worker:
        from workloads import run_worker

        print(json.dumps(run_worker(*args.worker, quick=args.quick)))
        return 0

    workloads = _choose(args.only, list(WORKLOADS), "workload")
    libraries = _choose(args.libraries, list(LIBRARIES), "library")
    if REFERENCE not in libraries:
        libraries.insert(0, REFERENCE)

    started = time.perf_counter()
    results: list[dict[str, Any]] = []
    for workload in workloads:
        for library in libraries:
            if not takes_part(library, workload):
                continue
            for result in _spawn(library, workload, args.quick):
                results.append(result)
                print(
                    f"  {workload} {result.get('label', result['library'])}: {_brief(result)}",
                    file=sys.stderr,
                    flush=True,
                )
    elapsed = time.perf_counter() - started

    print(_machine())
    in_memory = [r for r in results if not _is_saved(r)]
    saved = [r for r in results if _is_saved(r)]
    if in_memory:
        print()
        print(table(in_memory))
    if saved:
        print()
        print(saved_table(saved))
    print()
    verdicts = targets(results)
    print("Targets:")
    for line, _held in verdicts:
        print(f"  {line}")
    failed = [r for r in results if r["status"] == "failed"]
    for result in failed:
        print(
            f"\nCORRECTNESS CHECK FAILED: {result['workload']} {result['library']}: "
            f"{result['reason']}"
        )
        if result.get("traceback"):
            print(result["traceback"])
    print(f"\n({'quick' if args.quick else 'full'} run, {elapsed:.0f} s)")
    if args.json:
        args.json.write_text(
            json.dumps({"machine": _machine(), "results": results}, indent=2) + "\n"
        )
    if failed:
        return 1
    if args.strict and not all(held for _line, held in verdicts):
        return 1
    return 0


def _choose(option: str | None, known: list[str], what: str) -> list[str]:
    if not option:
        return known
    chosen = [item.strip() for item in option.split(",") if item.strip()]
    # "W7" chooses W7-sqlite and W7-postgresql.
    unknown = [item for item in chosen if not any(_names(k, item) for k in known)]
    if unknown:
        raise SystemExit(f"unknown {what} {', '.join(unknown)}; choose from {', '.join(known)}")
    return [item for item in known if any(_names(item, c) for c in chosen)]


def _names(known: str, chosen: str) -> bool:
    return known == chosen or known.startswith(f"{chosen}-")


def _spawn(library: str, workload: str, quick: bool) -> list[dict[str, Any]]:
    command = [sys.executable, str(HERE / "run.py"), "--worker", library, workload]
    if quick:
        command.append("--quick")
    done = subprocess.run(command, capture_output=True, text=True, check=False, cwd=HERE)
    lines = done.stdout.strip().splitlines()
    if done.returncode != 0 or not lines:
        error = (done.stderr.strip().splitlines() or ["no output"])[-1]
        return [
            {
                "library": library,
                "workload": workload,
                "status": "failed",
                "reason": f"worker exited with {done.returncode}: {error}",
            }
        ]
    result = json.loads(lines[-1])
    # W7 gives one row per locking mode, each with its own paired baseline.
    return [{**result, **row} for row in result.pop("rows", None) or [{}]]


def _brief(result: dict[str, Any]) -> str:
    if result["status"] != "ok":
        return f"{result['status']}: {result['reason']}"
    if _is_saved(result):
        return (
            f"{_saved(result['median'], result['sql'])}, "
            f"{result['ratio']:.2f}x same guarantees, {result['naive_ratio']:.2f}x naive loop"
        )
    return f"{_value(result['median'], result['unit'])}, {result['ratio']:.2f}x baseline"


def _is_saved(result: dict[str, Any]) -> bool:
    """Tell whether ``result`` is W7's: logged transitions saved to a database."""
    return WORKLOADS[result["workload"]][0] == "django_db"


def _sql(count: float) -> str:
    return f"{count:g}"


def _saved(seconds: float, sql: float) -> str:
    """A W7 median: process time per transition, and SQL statements per transition."""
    return f"{seconds * 1e6:,.0f} us, {_sql(sql)} SQL"


def _value(value: float, unit: str) -> str:
    if unit == "B":
        return f"{value:,.0f} B"
    for scale, suffix in ((1e-6, "ns"), (1e-3, "us"), (1.0, "ms")):
        if value < scale:
            return f"{value / scale * 1e3:,.1f} {suffix}"
    return f"{value:,.2f} s"


def _by_workload(results: list[dict[str, Any]]) -> dict[str, dict[str, dict[str, Any]]]:
    grouped: dict[str, dict[str, dict[str, Any]]] = {}
    for result in results:
        grouped.setdefault(result["workload"], {})[result["library"]] = result
    return grouped


def _versus(result: dict[str, Any], reference: dict[str, Any] | None) -> str:
    """This library's cost relative to statecore's (above 1: slower or larger)."""
    if reference is None or reference["status"] != "ok":
        return "-"
    if result["unit"] == "B":
        return f"{result['median'] / reference['median']:.2f}x"
    return f"{result['ratio'] / reference['ratio']:.2f}x"


def table(results: list[dict[str, Any]]) -> str:
    """The results as a plain-text table, one row per workload and library."""
    header = ("workload", "library", "version", "median", "x baseline", "x statecore")
    rows: list[tuple[str, ...]] = []
    for workload, by_library in _by_workload(results).items():
        reference = _reference(by_library)
        first = True
        for library, result in by_library.items():
            label = f"{workload} {TITLES[workload]}" if first else ""
            if first:
                rows.append(("", "", "", "", "", ""))
                rows.append((label, "", "", "", "", ""))
                baseline = result.get("baseline_median")
                if result["status"] == "ok" and baseline is not None:
                    rows.append(("", "baseline", "", _value(baseline, result["unit"]), "1.0", ""))
            first = False
            name = f"{library} (dependency)" if library in CONTEXT else library
            if result["status"] != "ok":
                rows.append(
                    (
                        "",
                        name,
                        result.get("version") or "",
                        f"{result['status']}: {result['reason']}",
                        "",
                        "",
                    )
                )
                continue
            median = _value(result["median"], result["unit"])
            if result.get("module_only") is not None and result.get("needs_django"):
                median += f" (import alone {_value(result['module_only'], 's')})"
            if result["unit"] == "B":
                median += f" ({result['extra']:+,.0f} B)"
                if result.get("instances") not in (None,) and result["instances"] < 100_000:
                    median += f" [{result['instances']:,} instances]"
            rows.append(
                (
                    "",
                    name,
                    result.get("version") or "",
                    median,
                    f"{result['ratio']:.1f}",
                    _versus(result, reference),
                )
            )
    rows = rows[1:]
    widths = [max(len(row[i]) for row in [header, *rows]) for i in range(len(header))]
    # The long status or workload text spans columns: do not let it widen them.
    widths[0] = max(len(header[0]), 10)
    widths[3] = min(widths[3], 40)

    def line(row: tuple[str, ...]) -> str:
        if row[0] and not any(row[1:]):
            return row[0]
        return "  ".join(
            cell.ljust(width) for cell, width in zip(row, widths, strict=True)
        ).rstrip()

    return "\n".join([line(header), *(line(row) for row in rows)])


def _ratio_with_interval(result: dict[str, Any]) -> str:
    """W7's ratio to the same-guarantees baseline, with its 95% interval when known."""
    text = f"{result['ratio']:.2f}"
    if result.get("ratio_interval"):
        low, high = result["ratio_interval"]
        text += f" ({low:.2f}-{high:.2f})"
    return text


def _reference(by_library: dict[str, dict[str, Any]]) -> dict[str, Any] | None:
    return by_library.get(REFERENCE)


def saved_table(results: list[dict[str, Any]]) -> str:
    """W7's results as a plain-text table: one row per library, locking mode and caller.

    Each row shows, measured side by side in process time per transition, the library,
    the hand-written code with the same guarantees in that locking mode, and the naive
    ``save()`` + ``create()`` loop, each with its SQL statements per transition.
    """
    header = (
        "workload",
        "library",
        "locking",
        "transaction",
        "library time",
        "same guarantees",
        "naive loop",
        "x same (95%)",
        "x naive",
    )
    rows: list[tuple[str, ...]] = []
    workloads: dict[str, list[dict[str, Any]]] = {}
    for result in results:
        workloads.setdefault(result["workload"], []).append(result)
    for workload, found in workloads.items():
        title = f"{workload} {TITLES[workload]}"
        database = next((r["database"] for r in found if r["status"] == "ok"), None)
        if database:
            title += f" ({database})"
        rows.append(("",) * len(header))
        rows.append((title, *("",) * (len(header) - 1)))
        for result in found:
            name = " ".join(filter(None, (result["library"], result.get("version"))))
            if result["status"] != "ok":
                status = f"{result['status']}: {result['reason']}"
                rows.append(("", name, status, *("",) * (len(header) - 3)))
                continue
            rows.append(
                (
                    "",
                    name,
                    result["locking"],
                    result["transaction"],
                    _saved(result["median"], result["sql"]),
                    _saved(result["baseline_median"], result["baseline_sql"]),
                    _saved(result["naive_median"], result["naive_sql"]),
                    _ratio_with_interval(result),
                    f"{result['naive_ratio']:.2f}",
                )
            )
    rows = rows[1:]
    # A workload's title and a status span the columns: they do not widen them.
    measured = [header, *(row for row in rows if row[3])]
    widths = [max(len(row[i]) for row in measured) for i in range(len(header))]
    widths[0] = max(len(header[0]), 10)

    def line(row: tuple[str, ...]) -> str:
        cells = zip(row, widths, strict=True)
        return "  ".join(cell.ljust(width) for cell, width in cells).rstrip()

    return "\n".join([line(header), *(row[0] or line(row) for row in rows)])


def targets(results: list[dict[str, Any]]) -> list[tuple[str, bool]]:
    """Each target of the suite, with whether this run meets it."""
    verdicts: list[tuple[str, bool]] = []
    grouped = _by_workload(results)

    def ok(workload: str) -> tuple[dict[str, Any] | None, list[dict[str, Any]]]:
        by_library = grouped.get(workload, {})
        mine = by_library.get(REFERENCE)
        peers = [
            r
            for name, r in by_library.items()
            if name != REFERENCE
            and name not in CONTEXT
            and name not in COMPAT
            and r["status"] == "ok"
        ]
        return (mine if mine and mine["status"] == "ok" else None), peers

    def add(text: str, held: bool) -> None:
        verdicts.append((f"[{'met' if held else 'MISSED'}] {text}", held))

    mine, peers = ok("W1")
    if mine:
        add(f"W1 under 15x the baseline: {mine['ratio']:.1f}x", mine["ratio"] < 15)
        if peers:
            fastest = min(peers, key=lambda r: r["ratio"])
            margin = fastest["ratio"] / mine["ratio"]
            add(
                f"W1 at least 3x faster than the fastest peer ({fastest['library']}): "
                f"{margin:.1f}x",
                margin >= 3,
            )
    mine, _peers = ok("W2")
    if mine:
        add(f"W2 under 10x the baseline: {mine['ratio']:.1f}x", mine["ratio"] < 10)
    for workload in ("W3", "W5", "W6", "W8"):
        mine, peers = ok(workload)
        if mine and peers:
            fastest = min(peers, key=lambda r: r["ratio"])
            margin = fastest["ratio"] / mine["ratio"]
            text = (
                f"{workload} faster than every peer (fastest: {fastest['library']}, "
                f"{margin:.2f}x statecore's time)"
            )
            floor = [r["library"] for r in peers if r.get("own_calls") == 0]
            if margin <= 1 and mine.get("own_calls") == 0 and fastest["library"] in floor:
                # Both sides run no code of their own: the same bare object creation, so
                # the measured difference is noise. Nothing can be faster than that.
                verdicts.append(
                    (
                        f"[tie] {text}: {_and(['statecore', *floor])} run no code of "
                        f"their own to create an instance (the floor)",
                        True,
                    )
                )
                continue
            add(text, margin > 1)
    mine, _peers = ok("W4")
    if mine:
        add(
            f"W4 no bytes per instance beyond a plain object with one attribute: "
            f"{mine['extra']:+,.0f} B",
            mine["extra"] <= 0,
        )
    mine, _peers = ok("W9")
    twin, _ = ok("W2")
    if mine and twin:
        # statecore's own medians, W9 against W2 of the same run.
        cost = mine["median"] / twin["median"]
        add(f"W9 an awaited transition at most 2x its sync twin (W2): {cost:.2f}x", cost <= 2)
    mine, _peers = ok("W10")
    if mine:
        interval = mine.get("ratio_interval")
        spread = f" (95% interval {interval[0]:.2f}x to {interval[1]:.2f}x)" if interval else ""
        add(
            f"W10 a transition action at most {REST_TARGET}x a hand-written DRF @action: "
            f"{mine['ratio']:.2f}x{spread}, {mine['rps']:,.0f} vs {mine['baseline_rps']:,.0f} "
            f"requests/s",
            mine["ratio"] <= REST_TARGET,
        )
    mine, _peers = ok("W11")
    if mine:
        add(
            f"W11 a 200-state, 1,000-transition workflow from data under "
            f"{_value(FROM_DATA_TARGET, 's')}: {_value(mine['median'], 's')}",
            mine["median"] < FROM_DATA_TARGET,
        )
    mine, _peers = ok("W13")
    if mine:
        add(
            f"W13 a stored 200-step, 1,000-transition definition compiled under "
            f"{_value(FROM_DATA_TARGET, 's')}: {_value(mine['median'], 's')}",
            mine["median"] < FROM_DATA_TARGET,
        )
    for workload, (group, _function, _unit) in WORKLOADS.items():
        if group != "django_db":
            continue
        for mine in [r for r in results if r["workload"] == workload]:
            if mine["library"] != REFERENCE:
                continue
            if mine["status"] != "ok":
                add(f"{workload} {mine['library']}: {mine['status']}: {mine['reason']}", False)
                continue
            expected = 3 if mine["locking"] == "pessimistic" else 2
            add(
                f"{workload} {mine['label']}: {_sql(mine['sql'])} SQL statements per logged "
                f"transition (target {expected})",
                mine["sql"] <= expected,
            )
            interval = mine.get("ratio_interval")
            spread = (
                f"95% interval {_extra(interval[0])} to {_extra(interval[1])}; " if interval else ""
            )
            add(
                f"{workload} {mine['label']}: {_extra(mine['ratio'])} process time vs "
                f"hand-written code with the same guarantees ({spread}target at most "
                f"{_extra(SAVED_TARGET)}); {mine['naive_ratio']:.2f}x the naive loop's",
                mine["ratio"] <= SAVED_TARGET,
            )
    verdicts.extend(_compat_targets(results, grouped))
    return verdicts


def _compat_targets(
    results: list[dict[str, Any]], grouped: dict[str, dict[str, dict[str, Any]]]
) -> list[tuple[str, bool]]:
    """A compatibility layer: W1 at least 3x faster than its peer; 2 statements (W7)."""
    verdicts: list[tuple[str, bool]] = []
    for layer, peer in COMPAT.items():
        by_library = grouped.get("W1", {})
        mine, theirs = by_library.get(layer), by_library.get(peer)
        if mine and theirs and mine["status"] == theirs["status"] == "ok":
            margin = theirs["median"] / mine["median"]
            held = margin >= 3
            text = f"W1 {layer} at least 3x faster than {peer}: {margin:.1f}x"
            verdicts.append((f"[{'met' if held else 'MISSED'}] {text}", held))
        for row in results:
            if row["library"] != layer or row["status"] != "ok" or "sql" not in row:
                continue
            expected = 3 if row["locking"] == "pessimistic" else 2
            held = row["sql"] <= expected
            text = (
                f"{row['workload']} {row['label']}: {_sql(row['sql'])} SQL statements per "
                f"logged transition (target {expected})"
            )
            verdicts.append((f"[{'met' if held else 'MISSED'}] {text}", held))
    return verdicts


def _extra(ratio: float) -> str:
    """A time ratio as the extra time it means: 1.104 is "+10.4%"."""
    return f"{(ratio - 1) * 100:+.1f}%"


def _and(names: list[str]) -> str:
    return ", ".join(names[:-1]) + f" and {names[-1]}" if len(names) > 1 else names[0]


def _machine() -> str:
    cpu = "unknown CPU"
    try:
        for row in Path("/proc/cpuinfo").read_text().splitlines():
            if row.startswith("model name"):
                cpu = row.split(":", 1)[1].strip()
                break
    except OSError:
        cpu = platform.processor() or cpu
    python = f"{platform.python_implementation()} {platform.python_version()}"
    return f"{cpu}; {python}; {platform.system()}"


if __name__ == "__main__":
    sys.exit(main())
