"""``python -m statecore demo --django``: transitions saved and logged in SQLite, a diagram."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def _run(*args: str, code: str | None = None, tmp_path: Path) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "TMPDIR": str(tmp_path)}
    env.pop("DJANGO_SETTINGS_MODULE", None)
    command = [sys.executable, "-c", code] if code else [sys.executable, "-m", "statecore", *args]
    return subprocess.run(
        command, env=env, cwd=tmp_path, capture_output=True, text=True, timeout=120, check=False
    )


def test_django_demo_saves_logs_and_draws(tmp_path: Path) -> None:
    """The demo prints each transition's SQL, refuses what it must, the log table, the diagram."""
    diagram = tmp_path / "flow.mmd"
    done = _run("demo", "--django", "-o", str(diagram), tmp_path=tmp_path)
    assert done.returncode == 0, done.stderr
    out = done.stdout
    assert "place: draft -> placed" in out
    assert out.count('UPDATE "statecore_demo_order"') == 3
    assert out.count('INSERT INTO "statecore_log_transitionlog"') == 3
    assert "TransitionPermissionDenied: user bob may not run transition 'ship'" in out
    assert "InvalidTransitionError: Transition 'cancel' is not available" in out
    log = [line.split() for line in out.splitlines() if line.strip()[:1].isdigit()]
    assert [row[1:5] for row in log] == [
        ["place", "draft", "placed", "ada"],
        ["pay", "placed", "paid", "ada"],
        ["ship", "paid", "shipped", "ada"],
    ]
    assert diagram.read_text().startswith("stateDiagram-v2")
    assert (tmp_path / "statecore-demo" / "django.sqlite3").exists()


def test_django_demo_without_django_says_how_to_install_it(tmp_path: Path) -> None:
    """With Django missing, the command fails with one line naming the extra to install."""
    code = (
        "import sys; sys.modules['django'] = None\n"
        "from statecore.cli import main\n"
        "raise SystemExit(main(['demo', '--django']))\n"
    )
    done = _run(code=code, tmp_path=tmp_path)
    assert done.returncode == 2
    assert "pip install 'statecore[django]'" in done.stderr
    assert done.stderr.startswith("statecore: error: the Django demo needs Django")
