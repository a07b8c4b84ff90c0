"""What every suite shares: skips fail in CI, and no test depends on how fast the machine is.

In CI (``CI=true``) a skipped test is a failure, so that nothing is skipped silently.

Hypothesis is told not to time anything: no per-example deadline and no "too slow" health
check, both of which fail a correct test on a loaded machine. The ``statecore`` profile is
loaded before any test module builds its ``settings(...)``, which inherit from it.
"""

from __future__ import annotations

import os
from collections.abc import Generator

import pytest

try:
    from hypothesis import HealthCheck, settings
except ImportError:  # the suites that need hypothesis install it
    pass
else:
    settings.register_profile(
        "statecore", deadline=None, suppress_health_check=[HealthCheck.too_slow]
    )
    settings.load_profile("statecore")


def _fail_skip_in_ci(report: pytest.TestReport | pytest.CollectReport) -> None:
    if os.environ.get("CI") != "true" or not report.skipped or hasattr(report, "wasxfail"):
        return
    longrepr = report.longrepr
    reason = longrepr[2] if isinstance(longrepr, tuple) else str(longrepr)
    report.outcome = "failed"
    report.longrepr = f"skipped in CI (CI=true), which counts as a failure: {reason}"


@pytest.hookimpl(wrapper=True)
def pytest_runtest_makereport(
    item: pytest.Item, call: pytest.CallInfo[None]
) -> Generator[None, pytest.TestReport, pytest.TestReport]:
    """Report a test skipped in CI (by a mark, ``pytest.skip`` or a fixture) as failed."""
    report = yield
    _fail_skip_in_ci(report)
    return report


@pytest.hookimpl(wrapper=True)
def pytest_make_collect_report(
    collector: pytest.Collector,
) -> Generator[None, pytest.CollectReport, pytest.CollectReport]:
    """Report a module skipped in CI at collection (``pytest.importorskip``) as an error."""
    report = yield
    _fail_skip_in_ci(report)
    return report
