"""Fixtures for the end-to-end suite.

* `tauri_driver` (session): one tauri-driver on 127.0.0.1:4444 (it starts WebKitWebDriver
  itself), in its own process group so that everything below it is killed at the end.
  Its environment (inherited by the apps it launches) has HS_EXPORT_DIR set to a temporary
  folder, so exports are saved there without the native save dialog WebDriver cannot drive.
* `app` (per test): a fresh data dir (empty SQLite db → first-run screen) and a WebDriver
  session that launches target/debug/household-services; quit afterwards. On failure a
  screenshot and the page source are saved to tests/e2e/artifacts/.
* `zoomed_app` (per test): like `app`, but the window shows its pages at 200 % zoom (its own
  tauri-driver, `zoomed_driver`, started with GDK_DPI_SCALE=2).
* `export_dir` (per test): that HS_EXPORT_DIR folder, emptied first.
* `notify_monitor` (per test): a dbus-monitor logging org.freedesktop.Notifications calls
  to tests/e2e/artifacts/<test>-dbus-monitor.log (see helpers.DbusMonitor).
* `server` (per test): a household-server in a temp folder; a test (or module) marked
  `@pytest.mark.server_args("--idle-timeout-secs", "45")` starts it with those options too.

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
SERVER_BIN = Path(os.environ.get("SERVER_BIN", APP_BIN.parent / "household-server"))
# A second window (another desktop on the same server) gets its own driver on these ports.
PORT2 = int(os.environ.get("HS_E2E_DRIVER_PORT2", str(PORT + 2)))
NATIVE_PORT2 = int(os.environ.get("HS_E2E_NATIVE_PORT2", str(NATIVE_PORT + 2)))
PORT3 = int(os.environ.get("HS_E2E_DRIVER_PORT3", str(PORT + 4)))
NATIVE_PORT3 = int(os.environ.get("HS_E2E_NATIVE_PORT3", str(NATIVE_PORT + 4)))
# The zoomed window (200 % page zoom) has its own driver on these ports.
PORT_ZOOM = int(os.environ.get("HS_E2E_DRIVER_PORT_ZOOM", str(PORT + 6)))
NATIVE_PORT_ZOOM = int(os.environ.get("HS_E2E_NATIVE_PORT_ZOOM", str(NATIVE_PORT + 6)))


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


def _start_driver(port: int, native_port: int, env: dict, log_name: str):
    """A tauri-driver on `port` (its WebKitWebDriver on `native_port`), in its own process
    group; returns (process, log file) once both listen."""
    if not APP_BIN.is_file():
        pytest.exit(f"{APP_BIN} missing: run `bash scripts/test.sh` (or cargo test --workspace --no-run)", returncode=3)
    if not os.environ.get("DISPLAY"):
        pytest.exit("no DISPLAY: run the suite through scripts/e2e.sh (Xvfb)", returncode=3)
    for p in (port, native_port):
        if _port_open(p):
            pytest.exit(f"port {HOST}:{p} already in use (another tauri-driver?)", returncode=3)
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    log_path = ARTIFACTS / log_name
    log = open(log_path, "wb")
    proc = subprocess.Popen(
        [_tauri_driver_path(), "--port", str(port), "--native-port", str(native_port)],
        stdout=log,
        stderr=subprocess.STDOUT,
        stdin=subprocess.DEVNULL,
        start_new_session=True,  # own process group: killed as a whole at the end
        env=env,
    )
    _remember_group(proc)
    try:
        # tauri-driver listens at once but starts WebKitWebDriver (native_port) alongside: a
        # session asked for before that one listens fails with "Connection refused".
        deadline = time.monotonic() + 20
        for p, who in ((port, "tauri-driver"), (native_port, "WebKitWebDriver")):
            while not _port_open(p):
                if proc.poll() is not None:
                    raise RuntimeError(
                        f"tauri-driver exited with {proc.returncode}:\n{log_path.read_text(errors='replace')}"
                    )
                if time.monotonic() > deadline:
                    raise RuntimeError(f"{who} not listening on {HOST}:{p} after 20 s")
                time.sleep(0.1)
    except Exception:
        _kill_group(proc)
        log.close()
        raise
    return proc, log


@pytest.fixture(scope="session")
def tauri_driver(session_export_dir):
    # The apps inherit this: exports skip the save dialog and land in HS_EXPORT_DIR.
    env = {**os.environ, "HS_EXPORT_DIR": str(session_export_dir)}
    proc, log = _start_driver(PORT, NATIVE_PORT, env, "tauri-driver.log")
    try:
        yield f"http://{HOST}:{PORT}"
    finally:
        _kill_group(proc)
        log.close()


def _remember_group(proc: subprocess.Popen) -> None:
    """scripts/e2e.sh kills this process group too if pytest itself is killed first."""
    pgid_file = os.environ.get("HS_E2E_PGID_FILE")
    if pgid_file:
        with open(pgid_file, "a") as f:
            f.write(f"{proc.pid}\n")


def _own_session_bus(home: Path) -> tuple[subprocess.Popen, str]:
    """A private D-Bus session bus (its own process group): what a desktop on another
    machine would have. Returns the daemon and its address."""
    exe = shutil.which("dbus-daemon")
    if not exe:
        pytest.exit("dbus-daemon missing: run `bash scripts/setup.sh` (package dbus)", returncode=3)
    address_file = home / "bus-address"
    with open(address_file, "wb") as out:
        proc = subprocess.Popen(
            [exe, "--session", "--nofork", "--nopidfile", "--print-address=1"],
            stdout=out,
            stderr=subprocess.DEVNULL,
            stdin=subprocess.DEVNULL,
            start_new_session=True,
        )
    _remember_group(proc)
    deadline = time.monotonic() + 10
    while not address_file.read_text().strip():
        if proc.poll() is not None or time.monotonic() > deadline:
            _kill_group(proc)
            raise RuntimeError("the private D-Bus session bus did not start")
        time.sleep(0.05)
    return proc, address_file.read_text().strip().splitlines()[0]


def _other_desktop(tmp_path_factory, session_export_dir, name: str, port: int, native_port: int, own_bus: bool):
    """Another desktop's tauri-driver, with its own XDG folders (its own WebKit storage) and,
    if asked, its own session bus, as if on another machine; exports land in HS_EXPORT_DIR
    too. Yields (driver URL, bus address or None)."""
    home = tmp_path_factory.mktemp(name)
    env = {**os.environ, "HS_EXPORT_DIR": str(session_export_dir)}
    for var in ("XDG_DATA_HOME", "XDG_CONFIG_HOME", "XDG_CACHE_HOME"):
        (home / var.lower()).mkdir()
        env[var] = str(home / var.lower())
    bus = None
    if own_bus:
        bus, env["DBUS_SESSION_BUS_ADDRESS"] = _own_session_bus(home)
    try:
        proc, log = _start_driver(port, native_port, env, f"tauri-driver-{name}.log")
    except Exception:
        if bus:
            _kill_group(bus)
        raise
    try:
        yield f"http://{HOST}:{port}", env.get("DBUS_SESSION_BUS_ADDRESS") if own_bus else None
    finally:
        _kill_group(proc)
        log.close()
        if bus:
            _kill_group(bus)


@pytest.fixture(scope="session")
def second_driver(tmp_path_factory, session_export_dir):
    """A second tauri-driver for a second window: another desktop (same session bus)."""
    for url, _ in _other_desktop(tmp_path_factory, session_export_dir, "desktop-2", PORT2, NATIVE_PORT2, own_bus=False):
        yield url


@pytest.fixture(scope="session")
def third_driver(tmp_path_factory, session_export_dir):
    """A third tauri-driver for a third window, with its own session bus: its OS
    notifications are its own (watch them with `DbusMonitor(path, address=...)`).
    Yields (driver URL, bus address)."""
    yield from _other_desktop(tmp_path_factory, session_export_dir, "desktop-3", PORT3, NATIVE_PORT3, own_bus=True)


def pytest_configure(config):
    config.addinivalue_line(
        "markers", "server_args(*options): extra command-line options for the `server` fixture's household-server"
    )


@pytest.hookimpl(tryfirst=True, hookwrapper=True)
def pytest_runtest_makereport(item, call):
    outcome = yield
    rep = outcome.get_result()
    setattr(item, f"rep_{rep.when}", rep)


def _open_window(driver_url: str, data_dir: Path, script_clicks: bool = False) -> App:
    options = ArgOptions()
    options.set_capability("browserName", "wry")
    options.set_capability(
        "tauri:options",
        {"application": str(APP_BIN), "args": ["--data-dir", str(data_dir)]},
    )
    return App(webdriver.Remote(command_executor=driver_url, options=options), data_dir, script_clicks)


def _close_window(request, application: App, label: str = "") -> None:
    rep = getattr(request.node, "rep_call", None)
    if rep is None or rep.failed:
        name = request.node.name.replace("/", "_") + label
        try:
            application.screenshot(ARTIFACTS / f"FAILED-{name}.png")
            (ARTIFACTS / f"FAILED-{name}.html").write_text(application.driver.page_source)
            print(f"\nsaved {ARTIFACTS / ('FAILED-' + name + '.png')}")
        except Exception as exc:  # the window may be gone already
            print(f"\ncould not save failure screenshot: {exc}")
    try:
        application.driver.quit()
    except Exception as exc:
        print(f"\ndriver.quit failed: {exc}")


@pytest.fixture(scope="session")
def zoomed_driver(session_export_dir):
    """A tauri-driver whose windows show their pages at 200 % zoom. WebKitGTK zooms a page by
    GTK's font DPI: with GDK_DPI_SCALE=2 a CSS pixel is two screen pixels, innerWidth is half
    the window's width and media queries see that width, as after Ctrl++ in a browser (CSS
    `zoom` draws bigger but leaves media queries and innerWidth as they were)."""
    env = {**os.environ, "HS_EXPORT_DIR": str(session_export_dir), "GDK_DPI_SCALE": "2"}
    proc, log = _start_driver(PORT_ZOOM, NATIVE_PORT_ZOOM, env, "tauri-driver-zoom.log")
    try:
        yield f"http://{HOST}:{PORT_ZOOM}"
    finally:
        _kill_group(proc)
        log.close()


@pytest.fixture
def zoomed_app(request, zoomed_driver, tmp_path):
    """Like `app`, at 200 % zoom (see `zoomed_driver`)."""
    data_dir = tmp_path / "data-zoomed"
    data_dir.mkdir()
    application = _open_window(zoomed_driver, data_dir, script_clicks=True)
    try:
        yield application
    finally:
        _close_window(request, application, "-zoomed")


@pytest.fixture
def app(request, tauri_driver, tmp_path):
    data_dir = tmp_path / "data"
    data_dir.mkdir()
    application = _open_window(tauri_driver, data_dir)
    try:
        yield application
    finally:
        _close_window(request, application)


def _window_opener(request, driver_url: str, data_dir: Path, label: str):
    """Yields `open_window(prepare=None)`: opens the window on demand, its data folder
    prepared first (e.g. already connected to a server); closed at the end."""
    opened = []

    def open_window(prepare=None) -> App:
        data_dir.mkdir()
        if prepare:
            prepare(data_dir)
        opened.append(_open_window(driver_url, data_dir))
        return opened[-1]

    try:
        yield open_window
    finally:
        for application in opened:
            _close_window(request, application, label)


@pytest.fixture
def second_window(request, second_driver, tmp_path):
    """The second desktop's window, on demand: `second_window(prepare)`."""
    yield from _window_opener(request, second_driver, tmp_path / "data-2", "-window-2")


@pytest.fixture
def third_window(request, third_driver, tmp_path):
    """The third desktop's window, on demand: `third_window(prepare)` (its bus address is
    `third_bus`)."""
    yield from _window_opener(request, third_driver[0], tmp_path / "data-3", "-window-3")


@pytest.fixture
def third_bus(third_driver) -> str:
    """The address of the third desktop's own session bus."""
    return third_driver[1]


def _postgres_database(name: str) -> list[str]:
    """With HS_E2E_POSTGRES_URL (a PostgreSQL server's superuser URL, e.g. the test.sh
    cluster), a fresh database `name` on it and the server option that selects it; else
    nothing (the server keeps SQLite in its data folder)."""
    admin = os.environ.get("HS_E2E_POSTGRES_URL")
    if not admin:
        return []
    subprocess.run(["psql", admin, "-qc", f"CREATE DATABASE {name}"], check=True)
    base = admin.split("?", 1)[0].rsplit("/", 1)[0]
    return ["--database-url", f"{base}/{name}"]


@pytest.fixture
def server(request, tmp_path):
    """A household-server on 127.0.0.1 (free port, HTTPS with its self-signed certificate),
    data in a temp folder (or a fresh PostgreSQL database, see `_postgres_database`), plus the
    options of a `server_args` marker; stopped at the end. Yields (address, fingerprint)."""
    marker = request.node.get_closest_marker("server_args")
    extra = [str(option) for option in marker.args] if marker else []
    if not SERVER_BIN.is_file():
        pytest.exit(f"{SERVER_BIN} missing: run `bash scripts/test.sh`", returncode=3)
    data_dir = tmp_path / "server-data"
    with socket.socket() as s:
        s.bind((HOST, 0))
        port = s.getsockname()[1]
    log_path = ARTIFACTS / f"server-{port}.log"
    extra += _postgres_database(f"e2e_{port}_{os.getpid()}")
    log = open(log_path, "wb")
    proc = subprocess.Popen(
        [str(SERVER_BIN), "--data-dir", str(data_dir), "--listen", f"{HOST}:{port}", *extra],
        stdout=log,
        stderr=subprocess.STDOUT,
        stdin=subprocess.DEVNULL,
        start_new_session=True,
        env={**os.environ, "HS_LOG": "info,sqlx=warn"},
    )
    pgid_file = os.environ.get("HS_E2E_PGID_FILE")
    if pgid_file:
        with open(pgid_file, "a") as f:
            f.write(f"{proc.pid}\n")
    try:
        deadline = time.monotonic() + 30
        fingerprint = None
        while fingerprint is None:
            if proc.poll() is not None:
                raise RuntimeError(f"household-server exited: {log_path.read_text(errors='replace')}")
            if time.monotonic() > deadline:
                raise RuntimeError(f"household-server did not start: {log_path.read_text(errors='replace')}")
            for line in log_path.read_text(errors="replace").splitlines():
                if "certificate    SHA-256 " in line:
                    fingerprint = line.split("SHA-256 ", 1)[1].strip()
            time.sleep(0.1)
        while not _port_open(port):
            time.sleep(0.1)
        yield f"https://{HOST}:{port}", fingerprint
    finally:
        _kill_group(proc)
        log.close()


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
