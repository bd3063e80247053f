"""Issue 11, end to end: one household-server and two desktops on this machine (separate data
and WebKit folders). The first connects through its first-run screen (checking the
certificate fingerprint) and sets up the business on the empty server (which enrols it);
the second starts already connected but unenrolled: it shows only the enrolment screen
until the admin adds it under Terminals and its code is typed there (issue 12). A customer
books in one window and the request appears in the professional's feed, already open in
the other, by itself (issue 12, live updates); the professional accepts it and the
customer's open request page shows "assigned" by itself; the admin blocks the
professional, whose window returns to the login screen with the reason; the admin then
disconnects the laptop, which ends the session there at once and shows why."""

from __future__ import annotations

import csv
import json
import re
from pathlib import Path

from flows import ADMIN, DEMO_PASSWORD, create_admin_with_demo, login_expect_home, logout, open_person, search_services
from helpers import ARTIFACTS, App, DbusMonitor, css, sel
from test_ui_issue10 import assert_navbar_fits, set_size


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


def dark_screenshot(window: App, name: str) -> None:
    """The same screen in the dark theme, for a look (artifacts only), then light again."""
    window.driver.execute_script("document.documentElement.setAttribute('data-bs-theme', 'dark')")
    window.screenshot(ARTIFACTS / name)
    window.driver.execute_script("document.documentElement.setAttribute('data-bs-theme', 'light')")


def set_up_business_on_server(app: App, address: str, fingerprint: str) -> None:
    """The first desktop connects through its first-run screen (checking the fingerprint) and
    sets the business up on the empty server, which enrols it as the office computer."""
    app.click("mode-server")
    app.type("connect-address", address)
    app.click("connect-check")
    assert app.wait("connect-fingerprint").text.strip() == fingerprint
    app.click("connect-confirm")
    create_admin_with_demo(app)


def open_terminals(admin: App) -> None:
    """Terminals is in the admin's System menu (a connected desk only)."""
    admin.click("nav-system")
    admin.click("nav-terminals")
    admin.wait_gone("nav-terminals")  # the menu closes on the way
    admin.wait_until(
        lambda: admin.is_visible("terminal-row") or admin.is_visible("terminals-empty"), "the terminals never loaded"
    )


def terminal_cell(admin: App, name: str, testid: str) -> str:
    """The text of one cell (`testid`) of the terminal `name`'s row."""
    return admin.wait_css(f'{css("terminal-row", terminal_name=name)} {css(testid)}').text.strip()


def add_computer(admin: App, name: str, profile: str) -> str:
    """Adds a computer on the Terminals page and returns its one-time code, as shown."""
    admin.click("terminal-new")
    admin.type("terminal-name", name)
    admin.select("terminal-profile-select", profile)
    admin.click("terminal-save")
    code = admin.text("terminal-code").strip()
    assert re.fullmatch(r"[A-Z0-9]{4}-[A-Z0-9]{4}", code), code
    return code


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

    # --- the admin adds the laptop under Terminals (this desk enrolled itself) ------------
    open_terminals(app)
    app.wait_attr("terminal-row", "data-status", "enrolled", terminal_name="First office computer")
    assert app.is_visible("terminal-this")
    code = add_computer(app, "Laptop of Ravi", "staff")
    app.screenshot(ARTIFACTS / "terminals-code.png")
    app.click("terminal-code-done")
    app.wait_attr("terminal-row", "data-status", "waiting", terminal_name="Laptop of Ravi")
    app.screenshot(ARTIFACTS / "terminals-waiting.png")

    # --- desktop 2 starts connected but unenrolled: only the enrolment screen ---------------
    pro = second_window(connected_prefs(address, fingerprint))
    pro.wait("enrol-code")
    heading = pro.driver.find_element("tag name", "h1").text
    assert heading == "Ask an administrator to enrol this computer", heading
    assert not pro.is_visible("login-identifier") and not pro.is_visible("link-register-customer")
    assert address in pro.text("enrol-connection")
    pro.doc_screenshot("screenshot-enrol.png")
    dark_screenshot(pro, "enrol-dark.png")
    # Typed loosely (lower case, no dash): the code still works.
    pro.type("enrol-code", code.lower().replace("-", ""))
    pro.click("enrol-submit")
    pro.wait("login-identifier")
    assert pro.text("login-terminal").strip() == "Laptop of Ravi · staff computer"
    assert pro.is_visible("link-register-professional")
    pro.screenshot(ARTIFACTS / "login-enrolled.png")

    # --- the admin's Terminals page lists the laptop as enrolled, by itself -----------------
    app.wait_attr("terminal-row", "data-status", "enrolled", terminal_name="Laptop of Ravi", timeout=LIVE_TIMEOUT)
    last_seen = terminal_cell(app, "Laptop of Ravi", "terminal-last-seen")
    assert last_seen.startswith("just now") or "ago" in last_seen, last_seen
    app.doc_screenshot("screenshot-terminals.png")
    dark_screenshot(app, "terminals-dark.png")
    # The connected admin's navbar (with its System menu) still fits the smallest window.
    assert_navbar_fits(app, "admin", 900, 600)
    app.screenshot(ARTIFACTS / "navbar-admin-connected-900x600.png")
    set_size(app, 1200, 780)

    # --- the customer gets ready to book on desktop 1 --------------------------------------
    logout(app)
    assert address in app.wait("login-connection").text
    login_expect_home(app, "anita.d", DEMO_PASSWORD, "Customer")
    search_services(app, "plumb", ["Plumbing"])
    app.click_css(f'{css("service-result", service_name="Plumbing")} {css("book-button")}')
    app.wait("booking-dialog")

    # --- the professional's feed is open on desktop 2 ---------------------------------------
    assert address in pro.wait("login-connection").text
    login_expect_home(pro, "ravi.k", DEMO_PASSWORD, "Professional")
    pro.click("nav-feed")
    pro.wait_until(lambda: pro.is_visible("feed-item") or pro.is_visible("feed-empty"), "the feed never loaded")
    feed_page = mark_page(pro)
    before = set(pro.all_attrs("feed-item", "data-request-id"))

    # --- the customer books: the request appears in the open feed by itself -----------------
    # The first free time the core offers is chosen once the times are in.
    app.wait_css(f'{css("book-slot-option")}[aria-checked="true"]')
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

    # --- the admin disconnects the laptop: the customer signed in there is signed out at once
    pro.dismiss_toasts()
    login_expect_home(pro, "anita.d", DEMO_PASSWORD, "Customer")
    open_terminals(app)
    signed_in = terminal_cell(app, "Laptop of Ravi", "terminal-signed-in")
    assert "Anita" in signed_in, signed_in
    app.click_css(f'{css("terminal-row", terminal_name="Laptop of Ravi")} {css("terminal-disconnect")}')
    assert "signed out at once" in app.text("confirm-dialog")
    app.click("confirm-ok")
    app.wait_attr("terminal-row", "data-status", "disconnected", terminal_name="Laptop of Ravi")
    disconnected = pro.wait("enrol-disconnected", timeout=15).text
    assert "This computer was disconnected by an administrator." in disconnected
    assert not pro.is_visible("current-user") and not pro.is_visible("toast")
    pro.screenshot(ARTIFACTS / "enrol-disconnected.png")


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
