"""Issue 11, end to end: one household-server and two desktops on this machine (separate data
and WebKit folders). The first connects through its first-run screen (checking the
certificate fingerprint) and sets up the business on the empty server; the second starts
already connected. A customer books in one window and the request appears in the
professional's feed, already open in the other, by itself (issue 12, live updates); the
professional accepts it and the customer's open request page shows "assigned" by itself;
the admin blocks the professional, whose window returns to the login screen with the reason."""

from __future__ import annotations

import csv
import json
import re
from pathlib import Path

from selenium.webdriver.common.action_chains import ActionChains
from selenium.webdriver.common.keys import Keys

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


# A change made on the other desktop must show within this, with no navigation or refresh.
LIVE_TIMEOUT = 2


def at_the_keyboard(window: App) -> None:
    """A key press (Shift: types nothing) in the window. Live reloads call Rust, which counts
    them as activity, so they run at once only for a user active in the last 10 s (else at
    their next activity): a session must still end when its user walks away."""
    ActionChains(window.driver).send_keys(Keys.SHIFT).perform()


def mark_page(window: App) -> str:
    """Marks the loaded page and returns its address: `same_page` then proves that nothing
    navigated or reloaded meanwhile."""
    return window.driver.execute_script("window.__e2eMark = true; return location.href")


def same_page(window: App, href: str) -> None:
    marked, now = window.driver.execute_script("return [window.__e2eMark === true, location.href]")
    assert marked and now == href, f"the page was reloaded or left: {href!r} → {now!r}"


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

    # --- the customer gets ready to book on desktop 1 --------------------------------------
    logout(app)
    assert address in app.wait("login-connection").text
    login_expect_home(app, "anita.d", DEMO_PASSWORD, "Customer")
    search_services(app, "plumb", ["Plumbing"])
    app.click_css(f'{css("service-result", service_name="Plumbing")} {css("book-button")}')
    app.wait("booking-dialog")

    # --- the professional's feed is open on desktop 2 (started already connected) ----------
    pro = second_window(connected_prefs(address, fingerprint))
    pro.wait("login-identifier")
    assert address in pro.wait("login-connection").text
    login_expect_home(pro, "ravi.k", DEMO_PASSWORD, "Professional")
    pro.click("nav-feed")
    pro.wait_until(lambda: pro.is_visible("feed-item") or pro.is_visible("feed-empty"), "the feed never loaded")
    feed_page = mark_page(pro)
    before = set(pro.all_attrs("feed-item", "data-request-id"))

    # --- the customer books: the request appears in the open feed by itself -----------------
    at_the_keyboard(pro)
    app.click("book-submit")
    app.wait_gone("booking-dialog")
    app.wait_css('[data-testid="my-request-row"][data-status="requested"]')
    request_id = max(int(i) for i in app.all_attrs("my-request-row", "data-request-id"))
    assert str(request_id) not in before, f"#{request_id} was in the feed before it was booked: {before}"
    pro.wait("feed-item", timeout=LIVE_TIMEOUT, request_id=request_id)
    same_page(pro, feed_page)
    assert not list(pro.data_dir.glob("*.sqlite3*")), "a connected desktop keeps no database"

    # --- the professional accepts: the customer's open request page follows by itself ------
    app.click("my-request-row", request_id=request_id)
    app.wait_attr("request-status", "data-status", "requested")
    request_page = mark_page(app)
    pro.click_css(f'{css("feed-item", request_id=request_id)} {css("feed-accept")}')
    pro.wait_gone("feed-item", request_id=request_id)
    app.wait_attr("request-status", "data-status", "assigned", timeout=LIVE_TIMEOUT)
    assert "Ravi" in app.text("request-professional")
    same_page(app, request_page)

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
