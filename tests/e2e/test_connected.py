"""Issue 11, end to end: one household-server and two desktops on this machine (separate data
and WebKit folders). The first connects through its first-run screen (checking the
certificate fingerprint) and sets up the business on the empty server; the second starts
already connected. A customer books in one window, the professional sees and accepts it in
the other, the customer's page shows "assigned"; the admin blocks the professional, whose
window returns to the login screen with the reason."""

from __future__ import annotations

import csv
import json
import re
from pathlib import Path

from flows import ADMIN, DEMO_PASSWORD, create_admin_with_demo, login_expect_home, logout, open_person, search_services
from helpers import App, DbusMonitor, css, sel


def connected_prefs(address: str, fingerprint: str):
    """Prepares a data folder whose machine preferences say: connected to this server."""

    def prepare(data_dir: Path) -> None:
        prefs = {
            "settings": {
                "theme": "system",
                "notifications_enabled": True,
                "machine": {"mode": "connected", "address": address, "fingerprint": fingerprint},
            }
        }
        (data_dir / "settings.json").write_text(json.dumps(prefs))

    return prepare


def test_two_desktops_share_one_server(server, app: App, second_window):
    address, fingerprint = server

    # --- desktop 1: first run, "Connect to a server", the fingerprint checked ------------
    app.click("mode-server")
    app.type("connect-address", address)
    app.click("connect-check")
    shown = app.wait("connect-fingerprint").text.strip()
    assert shown == fingerprint, f"the window shows {shown!r}, the server printed {fingerprint!r}"
    app.doc_screenshot("screenshot-connect.png")
    app.click("connect-confirm")
    # The empty server asks for its first administrator on the same screen.
    app.wait("setup-username")
    assert "is new" in app.driver.find_element("tag name", "body").text
    create_admin_with_demo(app)

    # --- the customer books on desktop 1 ---------------------------------------------------
    logout(app)
    assert address in app.wait("login-connection").text
    login_expect_home(app, "anita.d", DEMO_PASSWORD, "Customer")
    search_services(app, "plumb", ["Plumbing"])
    app.click_css(f'{css("service-result", service_name="Plumbing")} {css("book-button")}')
    app.wait("booking-dialog")
    app.click("book-submit")
    app.wait_gone("booking-dialog")
    app.wait_css('[data-testid="my-request-row"][data-status="requested"]')
    request_id = max(int(i) for i in app.all_attrs("my-request-row", "data-request-id"))

    # --- the professional accepts it on desktop 2 (started already connected) --------------
    pro = second_window(connected_prefs(address, fingerprint))
    pro.wait("login-identifier")
    assert address in pro.wait("login-connection").text
    login_expect_home(pro, "ravi.k", DEMO_PASSWORD, "Professional")
    pro.click("nav-feed")
    pro.wait("feed-item", request_id=request_id)
    pro.click_css(f'{css("feed-item", request_id=request_id)} {css("feed-accept")}')
    pro.wait_gone("feed-item", request_id=request_id)
    assert not list(pro.data_dir.glob("*.sqlite3*")), "a connected desktop keeps no database"

    # --- desktop 1: the customer's request is assigned ---------------------------------------
    app.click("nav-home")
    app.click("nav-my-requests")
    app.wait_css(f'{css("my-request-row", request_id=request_id)}[data-status="assigned"]')

    # --- the admin blocks the professional: desktop 2 returns to login with the reason ------
    logout(app)
    login_expect_home(app, ADMIN.username, ADMIN.password, "Admin")
    open_person(app, "ravi.k")
    app.click("person-block")
    app.wait("block-dialog")
    app.type("block-reason", "Missed three visits")
    app.click("block-confirm")
    app.wait_gone("block-dialog")
    pro.wait("login-identifier", timeout=15)
    pro.wait_until(
        lambda: any("Missed three visits" in t.text for t in pro.driver.find_elements(*sel("toast"))),
        lambda: f"no toast with the reason; toasts: {[t.text for t in pro.driver.find_elements(*sel('toast'))]}",
    )


def test_a_connected_export_is_saved_on_the_admins_computer(
    server, second_window, export_dir: Path, notify_monitor: DbusMonitor
):
    """The server writes the CSV; the admin's desktop downloads it to the chosen place
    (through a temporary file, fsync and rename) and only then reports it finished."""
    address, fingerprint = server
    admin = second_window(connected_prefs(address, fingerprint))
    create_admin_with_demo(admin)
    admin.click("nav-exports")
    admin.wait("export-kind")
    admin.select("export-kind", "closed_requests")
    admin.click("export-start")
    admin.wait("export-row")
    export_id = admin.all_attrs("export-row", "data-export-id")[0]
    admin.wait_attr("export-row", "data-status", "succeeded", export_id=export_id, timeout=30)
    files = sorted(p.name for p in export_dir.iterdir())
    assert len(files) == 1 and re.fullmatch(r"closed-requests-\d{4}-\d{2}-\d{2}\.csv", files[0]), files
    with open(export_dir / files[0], newline="", encoding="utf-8") as f:
        table = list(csv.reader(f))
    assert table[0][0] == "request_id" and len(table) == 1 + 4, table
    strings = notify_monitor.wait_for_notify("Export finished", timeout=10)
    assert files[0] in strings[3], strings
