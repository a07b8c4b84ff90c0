"""Serve the example shop on localhost and drive its admin in headless Chromium.

The shop (``examples/shop``) runs in a ``runserver`` subprocess on a free port, on a fresh
SQLite file filled by ``manage.py shop_demo`` (demo users and orders). The browser is
Debian's ``chromium`` (``/usr/bin/chromium``, or ``STATECORE_CHROMIUM``), driven by
Playwright; no browser is downloaded. Screenshots go to ``artifacts/screenshots/``.
"""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

ROOT = Path(__file__).resolve().parents[2]
SHOP = ROOT / "examples" / "shop"
SCREENSHOTS = ROOT / "artifacts" / "screenshots"
CHROMIUM = os.environ.get("STATECORE_CHROMIUM", "/usr/bin/chromium")
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking"]
PASSWORD = "statecore"  # every demo user's (orders/management/commands/shop_demo.py)
# Waits for an event (the server answering, a page element appearing), never durations
# asserted: generous, so that a busy machine slows the tests down without failing them.
STARTUP_SECONDS = 120
#: Milliseconds Playwright waits for a page, an element or a navigation.
PAGE_TIMEOUT_MS = 60_000

pytestmark = pytest.mark.browser


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _manage(env: dict[str, str], *args: str) -> None:
    subprocess.run(
        [sys.executable, str(SHOP / "manage.py"), *args],
        env=env,
        check=True,
        capture_output=True,
        timeout=600,
    )


def _wait_for(port: int, process: subprocess.Popen[bytes]) -> None:
    deadline = time.monotonic() + STARTUP_SECONDS
    while time.monotonic() < deadline:
        if process.poll() is not None:
            output = process.stdout.read().decode() if process.stdout else ""
            msg = f"the shop's runserver exited with {process.returncode}:\n{output}"
            raise RuntimeError(msg)
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=1):
                return
        except OSError:
            time.sleep(0.2)
    msg = f"the shop did not answer on port {port} within {STARTUP_SECONDS} s"
    raise RuntimeError(msg)


@pytest.fixture(scope="session")
def shop_url(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """The base URL of the example shop, served with fresh demo data."""
    database = tmp_path_factory.mktemp("shop") / "shop.sqlite3"
    env = {
        **os.environ,
        "SHOP_DATABASE": str(database),
        "PYTHONUNBUFFERED": "1",
        "PYTHONPATH": os.pathsep.join(
            p for p in (str(ROOT / "src"), os.environ.get("PYTHONPATH", "")) if p
        ),
    }
    env.pop("DJANGO_SETTINGS_MODULE", None)
    _manage(env, "migrate", "--noinput", "-v0")
    _manage(env, "shop_demo")
    port = _free_port()
    process = subprocess.Popen(
        [sys.executable, str(SHOP / "manage.py"), "runserver", f"127.0.0.1:{port}", "--noreload"],
        env=env,
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


@pytest.fixture(scope="session")
def browser() -> Iterator[Any]:
    """Headless Debian Chromium, launched by Playwright."""
    sync_api = pytest.importorskip("playwright.sync_api", reason="pip install playwright")
    if shutil.which(CHROMIUM) is None and not Path(CHROMIUM).exists():
        pytest.skip(f"no Chromium at {CHROMIUM}; apt-get install chromium")
    with sync_api.sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        try:
            yield chromium
        finally:
            chromium.close()


@pytest.fixture
def login(browser: Any, shop_url: str) -> Iterator[Callable[[str], Any]]:
    """Return a function that logs a demo user in (in a fresh browser context); returns a page."""
    contexts: list[Any] = []

    def log_in(username: str) -> Any:
        context = browser.new_context(viewport={"width": 1280, "height": 1000})
        context.set_default_timeout(PAGE_TIMEOUT_MS)
        contexts.append(context)
        page = context.new_page()
        page.goto(f"{shop_url}/admin/login/")
        page.fill("#id_username", username)
        page.fill("#id_password", PASSWORD)
        page.click("input[type=submit]")
        page.wait_for_selector("#user-tools")
        return page

    yield log_in
    for context in contexts:
        context.close()


@pytest.fixture
def screenshot(request: pytest.FixtureRequest) -> Callable[[Any, str], Path]:
    """Return a function that saves a full-page screenshot to artifacts/screenshots/."""

    def save(page: Any, name: str) -> Path:
        SCREENSHOTS.mkdir(parents=True, exist_ok=True)
        path = SCREENSHOTS / f"{request.node.name}-{name}.png"
        page.screenshot(path=str(path), full_page=True)
        return path

    return save
