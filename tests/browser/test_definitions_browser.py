"""The definitions admin in a real browser: a broken save shows every problem; operations run."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

pytestmark = pytest.mark.browser

ROOT = Path(__file__).resolve().parents[2]
#: Milliseconds Playwright waits for a page or an element (as in conftest.py).
PAGE_TIMEOUT_MS = 60_000
#: Seconds the server may take to answer.
STARTUP_SECONDS = 120


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _wait_for(port: int, process: subprocess.Popen[bytes]) -> None:
    deadline = time.monotonic() + STARTUP_SECONDS
    while time.monotonic() < deadline:
        if process.poll() is not None:
            output = process.stdout.read().decode() if process.stdout else ""
            msg = f"runserver exited with {process.returncode}:\n{output}"
            raise RuntimeError(msg)
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=1):
                return
        except OSError:
            time.sleep(0.2)
    msg = f"the server did not answer on port {port} within {STARTUP_SECONDS} s"
    raise RuntimeError(msg)


@pytest.fixture(scope="module")
def definitions_url(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """The test project's admin, with the claim definition and one instance, on a free port."""
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "tests.browser.definitions_settings",
        "STATECORE_BROWSER_DATABASE": str(tmp_path_factory.mktemp("defs") / "db.sqlite3"),
        "STATECORE_TEST_DB": "sqlite",
        "PYTHONPATH": os.pathsep.join(
            p for p in (str(ROOT), str(ROOT / "src"), os.environ.get("PYTHONPATH", "")) if p
        ),
    }
    for command in (
        ["-m", "django", "migrate", "--noinput", "-v0"],
        ["-m", "tests.browser.definitions_setup"],
    ):
        subprocess.run(
            [sys.executable, *command],
            env=env,
            cwd=ROOT,
            check=True,
            capture_output=True,
            timeout=600,
        )
    port = _free_port()
    process = subprocess.Popen(
        [sys.executable, "-m", "django", "runserver", f"127.0.0.1:{port}", "--noreload"],
        env=env,
        cwd=ROOT,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
    )
    try:
        _wait_for(port, process)
        yield f"http://127.0.0.1:{port}"
    finally:
        process.terminate()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


@pytest.fixture
def boss(browser: Any, definitions_url: str) -> Iterator[Any]:
    """A page logged in as the superuser."""
    context = browser.new_context(viewport={"width": 1400, "height": 1000})
    context.set_default_timeout(PAGE_TIMEOUT_MS)
    page = context.new_page()
    page.goto(f"{definitions_url}/admin/login/")
    page.fill("#id_username", "boss")
    page.fill("#id_password", "statecore")
    page.click("input[type=submit]")
    page.wait_for_selector("#user-tools")
    yield page
    context.close()


def submit(page: Any, operation: str, expected: str) -> None:
    """Click an operation's button and wait for the page whose message contains ``expected``."""
    page.wait_for_load_state("domcontentloaded")
    with page.expect_response(lambda response: response.url.endswith("/operate/")):
        page.click(f"button[value={operation}]")
    page.locator(".messagelist", has_text=expected).wait_for()


def test_saving_a_broken_definition_lists_every_problem_on_the_form(
    boss: Any, definitions_url: str, screenshot: Any
) -> None:
    """Two problems typed in the inlines both show after Save; nothing is published."""
    boss.goto(f"{definitions_url}/admin/statecore_definitions/workflowdefinition/1/change/")
    boss.fill("#id_transitions-1-condition", "claim.amount >")
    boss.fill("#id_transitions-2-name", "to_fraud_check")
    boss.click("input[name=_save]")
    boss.wait_for_selector(".errornote")
    text = " ".join(boss.locator(".errorlist").all_inner_texts())
    assert "transitions[1].conditions[0]: expression 'claim.amount >' is not valid CEL" in text
    assert "transitions[2].name: transition 'to_fraud_check' is defined twice" in text
    screenshot(boss, "definition-problems")
    boss.goto(f"{definitions_url}/admin/statecore_definitions/workflowdefinition/")
    assert boss.locator("td.field-latest_version").first.inner_text() == "1"


def test_operating_an_instance_moves_it_and_records_its_history(
    boss: Any, definitions_url: str, screenshot: Any
) -> None:
    """Update with context JSON, hold, resume: the page shows each new step and the log rows."""
    url = f"{definitions_url}/admin/statecore_definitions/workflowinstance/1/change/"
    boss.goto(url)
    assert boss.locator(".statecore-operations[data-step='submission']").count() == 1
    boss.fill("#statecore-context", '{"claim": {"amount": 25000, "is_high_risk": false}}')
    boss.select_option("select[name=status]", "submitted")
    submit(boss, "update_status", "is at step senior_review")
    submit(boss, "hold", "is at step paused")
    transitions = boss.locator("td.field-transition").all_inner_texts()
    assert [t.strip() for t in transitions] == ["hold", "to_senior_review"]  # newest first
    assert boss.locator(".statecore-svg svg, .statecore-mermaid").count() >= 1
    screenshot(boss, "instance")
    submit(boss, "resume", "is at step senior_review")
    assert boss.locator(".statecore-operations[data-step='senior_review']").count() == 1
