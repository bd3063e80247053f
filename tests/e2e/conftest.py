"""Fixtures for the end-to-end suite.

* `tauri_driver` (session): one tauri-driver on 127.0.0.1:4444 (it starts WebKitWebDriver
  itself), in its own process group so that everything below it is killed at the end.
  Its environment (inherited by the apps it launches) has HS_EXPORT_DIR set to a temporary
  folder, so exports are saved there without the native save dialog WebDriver cannot drive.
* `app` (per test): a fresh data dir (empty SQLite db → first-run screen) and a WebDriver
  session that launches target/debug/household-services; quit afterwards. On failure a
  screenshot and the page source are saved to tests/e2e/artifacts/.
* `export_dir` (per test): that HS_EXPORT_DIR folder, emptied first.
* `notify_monitor` (per test): a dbus-monitor logging org.freedesktop.Notifications calls
  to tests/e2e/artifacts/<test>-dbus-monitor.log (see helpers.DbusMonitor).

Run through scripts/e2e.sh, which provides Xvfb and a private D-Bus session.
"""

from __future__ import annotations

import os
import shutil
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest
from selenium import webdriver
from selenium.webdriver.common.options import ArgOptions

sys.path.insert(0, str(Path(__file__).resolve().parent))

from helpers import ARTIFACTS, ROOT, App, DbusMonitor  # noqa: E402

HOST = "127.0.0.1"
PORT = int(os.environ.get("HS_E2E_DRIVER_PORT", "4444"))
NATIVE_PORT = int(os.environ.get("HS_E2E_NATIVE_PORT", "4445"))
APP_BIN = Path(os.environ.get("APP_BIN", ROOT / "target" / "debug" / "household-services"))


def _tauri_driver_path() -> str:
    candidates = [
        os.environ.get("TAURI_DRIVER_BIN"),
        str(ROOT / ".tools" / "bin" / "tauri-driver"),
        shutil.which("tauri-driver"),
        str(Path.home() / ".cargo" / "bin" / "tauri-driver"),
    ]
    for c in candidates:
        if c and os.access(c, os.X_OK):
            return c
    pytest.exit("tauri-driver not found: run `bash scripts/setup.sh`", returncode=3)


def _port_open(port: int) -> bool:
    with socket.socket() as s:
        s.settimeout(0.2)
        return s.connect_ex((HOST, port)) == 0


def _kill_group(proc: subprocess.Popen) -> None:
    """SIGTERM the process group (tauri-driver, WebKitWebDriver, apps), then SIGKILL."""
    try:
        pgid = os.getpgid(proc.pid)
    except ProcessLookupError:
        return
    for sig, grace in ((signal.SIGTERM, 5.0), (signal.SIGKILL, 2.0)):
        try:
            os.killpg(pgid, sig)
        except ProcessLookupError:
            return
        try:
            proc.wait(timeout=grace)
        except subprocess.TimeoutExpired:
            continue
        # leader gone; make sure nothing else is left in the group
        try:
            os.killpg(pgid, 0)
        except ProcessLookupError:
            return


@pytest.fixture(scope="session")
def session_export_dir(tmp_path_factory) -> Path:
    return tmp_path_factory.mktemp("exports")


@pytest.fixture(scope="session")
def tauri_driver(session_export_dir):
    if not APP_BIN.is_file():
        pytest.exit(f"{APP_BIN} missing: run `cargo build -p household-app`", returncode=3)
    if not os.environ.get("DISPLAY"):
        pytest.exit("no DISPLAY: run the suite through scripts/e2e.sh (Xvfb)", returncode=3)
    for port in (PORT, NATIVE_PORT):
        if _port_open(port):
            pytest.exit(f"port {HOST}:{port} already in use (another tauri-driver?)", returncode=3)

    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    log_path = ARTIFACTS / "tauri-driver.log"
    log = open(log_path, "wb")
    proc = subprocess.Popen(
        [_tauri_driver_path(), "--port", str(PORT), "--native-port", str(NATIVE_PORT)],
        stdout=log,
        stderr=subprocess.STDOUT,
        stdin=subprocess.DEVNULL,
        start_new_session=True,  # own process group: killed as a whole at the end
        # The apps inherit this: exports skip the save dialog and land in HS_EXPORT_DIR.
        env={**os.environ, "HS_EXPORT_DIR": str(session_export_dir)},
    )
    # scripts/e2e.sh kills this group too if pytest itself is killed before teardown.
    pgid_file = os.environ.get("HS_E2E_PGID_FILE")
    if pgid_file:
        with open(pgid_file, "a") as f:
            f.write(f"{proc.pid}\n")
    try:
        # tauri-driver listens at once but starts WebKitWebDriver (NATIVE_PORT) alongside: a
        # session asked for before that one listens fails with "Connection refused".
        deadline = time.monotonic() + 20
        for port, who in ((PORT, "tauri-driver"), (NATIVE_PORT, "WebKitWebDriver")):
            while not _port_open(port):
                if proc.poll() is not None:
                    raise RuntimeError(
                        f"tauri-driver exited with {proc.returncode}:\n{log_path.read_text(errors='replace')}"
                    )
                if time.monotonic() > deadline:
                    raise RuntimeError(f"{who} not listening on {HOST}:{port} after 20 s")
                time.sleep(0.1)
        yield f"http://{HOST}:{PORT}"
    finally:
        _kill_group(proc)
        log.close()


@pytest.hookimpl(tryfirst=True, hookwrapper=True)
def pytest_runtest_makereport(item, call):
    outcome = yield
    rep = outcome.get_result()
    setattr(item, f"rep_{rep.when}", rep)


@pytest.fixture
def app(request, tauri_driver, tmp_path):
    data_dir = tmp_path / "data"
    data_dir.mkdir()
    options = ArgOptions()
    options.set_capability("browserName", "wry")
    options.set_capability(
        "tauri:options",
        {"application": str(APP_BIN), "args": ["--data-dir", str(data_dir)]},
    )
    driver = webdriver.Remote(command_executor=tauri_driver, options=options)
    application = App(driver, data_dir)
    try:
        yield application
    finally:
        rep = getattr(request.node, "rep_call", None)
        if rep is None or rep.failed:
            name = request.node.name.replace("/", "_")
            try:
                application.screenshot(ARTIFACTS / f"FAILED-{name}.png")
                (ARTIFACTS / f"FAILED-{name}.html").write_text(driver.page_source)
                print(f"\nsaved {ARTIFACTS / ('FAILED-' + name + '.png')}")
            except Exception as exc:  # the window may be gone already
                print(f"\ncould not save failure screenshot: {exc}")
        try:
            driver.quit()
        except Exception as exc:
            print(f"\ndriver.quit failed: {exc}")


@pytest.fixture
def export_dir(session_export_dir) -> Path:
    """The folder the apps save exports in (HS_EXPORT_DIR), emptied for this test."""
    for child in session_export_dir.iterdir():
        if child.is_dir():
            shutil.rmtree(child)
        else:
            child.unlink()
    return session_export_dir


@pytest.fixture
def notify_monitor(request):
    name = request.node.name.replace("/", "_")
    try:
        monitor = DbusMonitor(ARTIFACTS / f"{name}-dbus-monitor.log")
    except RuntimeError as exc:
        pytest.fail(str(exc))
    try:
        yield monitor
    finally:
        monitor.stop()
