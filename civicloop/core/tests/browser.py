"""Browser tests' plumbing: Debian's chromium driven by Playwright, and a real demo server."""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import pytest

CHROMIUM = "/usr/bin/chromium"
ARTIFACTS = Path(
    os.environ.get("CIVICLOOP_ARTIFACTS", Path(__file__).resolve().parents[3] / "artifacts")
)
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


def require_chromium() -> None:
    """Outside CI a missing chromium skips; in CI nothing may be skipped, so it fails."""
    if os.path.exists(CHROMIUM):
        return
    message = f"{CHROMIUM} is missing: the test command installs Debian's chromium"
    if os.environ.get("CI"):
        pytest.fail(message)
    pytest.skip(message)


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


# Test modules import these fixtures, and pytest makes one session instance per importing
# module. Playwright allows one sync instance per process, and one demo server is enough:
# the instances are shared here, and the last user to finish closes them.
_shared: dict[str, object] = {}
_users: dict[str, int] = {"demo_server": 0, "browser": 0}


@pytest.fixture(scope="session")
def demo_server(built_demo):
    """`civicloop demo` for real, in its own workspace, served by gunicorn on a free port."""
    if "demo_server" not in _shared:
        _shared["demo_server"] = _start_demo_server(built_demo)
    _users["demo_server"] += 1
    url, proc, workspace = _shared["demo_server"]
    yield url
    _users["demo_server"] -= 1
    if _users["demo_server"]:
        return
    del _shared["demo_server"]
    proc.terminate()
    try:
        proc.wait(10)
    except subprocess.TimeoutExpired:
        proc.kill()
    shutil.rmtree(workspace.parent, ignore_errors=True)


def demo_workspace() -> Path:
    """The running demo server's workspace folder: its ``outbox/`` holds the emails it sent."""
    return _shared["demo_server"][2]


def _start_demo_server(built):
    """A copy of the demo built by ``civicloop demo --no-serve``, served as ``civicloop demo``
    serves it (two gunicorn workers, no background worker)."""
    port = free_port()
    workspace = built.copy(Path(tempfile.mkdtemp(prefix="civicloop-demo-")) / "ws")
    env = {k: v for k, v in os.environ.items() if not k.startswith("CIVICLOOP_")}
    env.pop("DJANGO_SETTINGS_MODULE", None)
    env["CIVICLOOP_WORKSPACE"] = str(workspace)
    # Connectors refuse internal addresses; this server is a deployment that lets them
    # read the tests' local portals, which listen on 127.0.0.1.
    env["CIVICLOOP_ALLOWED_INTERNAL_HOSTS"] = "127.0.0.1"
    argv = ["-m", "civicloop.cli", "serve", "--port", str(port), "--workers", "2", "--no-worker"]
    proc = start_server(argv, env, port, workspace / "server.log", startup=120)
    return f"http://127.0.0.1:{port}", proc, workspace


def start_server(argv: list[str], env: dict, port: int, log: Path, startup: float = 60):
    """Start a civicloop server process and wait until it accepts connections.

    Its output goes to ``log``, never to a pipe: gunicorn writes a line per request, and a
    pipe nobody reads fills after a few hundred requests and blocks every worker.
    """
    log.parent.mkdir(parents=True, exist_ok=True)
    with open(log, "wb") as out:
        proc = subprocess.Popen(
            [sys.executable, *argv], stdout=out, stderr=subprocess.STDOUT, env=env
        )
    deadline = time.monotonic() + startup
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise RuntimeError(f"{' '.join(argv)} exited: {log.read_text(errors='replace')}")
        try:
            socket.create_connection(("127.0.0.1", port), timeout=0.5).close()
            return proc
        except OSError:
            time.sleep(0.3)
    proc.kill()
    raise RuntimeError(f"{' '.join(argv)} did not start serving within {startup:.0f} s")


@pytest.fixture(scope="session")
def browser():
    require_chromium()
    if "browser" not in _shared:
        from playwright.sync_api import sync_playwright

        pw = sync_playwright().start()
        chromium = pw.chromium.launch(executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS)
        _shared["browser"] = (pw, chromium)
    _users["browser"] += 1
    pw, chromium = _shared["browser"]
    yield chromium
    _users["browser"] -= 1
    if not _users["browser"]:
        del _shared["browser"]
        chromium.close()
        pw.stop()


@pytest.fixture
def page(browser):
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    page = context.new_page()
    yield page
    context.close()


def sign_in(page, server, username="chair"):
    """Sign a demo user in through the login form (every demo user has the demo password)."""
    from civicloop.demo.install import DEMO_PASSWORD

    page.goto(f"{server}/accounts/login/")
    page.fill("#id_username", username)
    page.fill("#id_password", DEMO_PASSWORD)
    page.click("form button[type=submit]")
    page.wait_for_url(f"{server}/")


def screenshot(page, name: str) -> Path:
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    path = ARTIFACTS / f"{name}.png"
    page.screenshot(path=str(path), full_page=True)
    return path
