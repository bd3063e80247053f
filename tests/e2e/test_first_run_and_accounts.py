"""First run, admin creation, customer registration and logins, end to end."""

from __future__ import annotations

from flows import (
    ADMIN,
    CUSTOMER,
    create_admin,
    login_expect_error,
    login_expect_home,
    logout,
    register_customer,
)
from helpers import ARTIFACTS, GENERIC_LOGIN_ERROR, App


def test_first_run_customer_registration_and_login_errors(app: App):
    # Empty database → first-run screen → admin account → admin home.
    app.wait("setup-username")
    create_admin(app)
    app.doc_screenshot("screenshot-admin-home.png")

    logout(app)
    app.doc_screenshot("screenshot-login.png")

    # Customer self-registration logs the customer in.
    register_customer(app)
    assert CUSTOMER.fullname in app.text("current-user")
    logout(app)

    # Login by e-mail.
    login_expect_home(app, CUSTOMER.email, CUSTOMER.password, "Customer")
    assert CUSTOMER.fullname in app.text("current-user")
    logout(app)

    # Wrong password and unknown account give the same generic message.
    assert login_expect_error(app, CUSTOMER.username, "Wrong-Passw0rd!") == GENERIC_LOGIN_ERROR
    assert login_expect_error(app, "nobody@example.com", CUSTOMER.password) == GENERIC_LOGIN_ERROR
    assert not app.is_visible("home-title")


def test_admin_login_by_username_after_customer_registration(app: App):
    create_admin(app)
    logout(app)
    register_customer(app)
    logout(app)

    login_expect_home(app, ADMIN.username, ADMIN.password, "Admin")
    assert ADMIN.fullname in app.text("current-user")


def test_about_dialog_and_a_second_launch_on_the_same_data(app: App):
    """Issue 14: About shows this computer's facts; launching the app again on the same data
    folder hands over to the running window and exits instead of opening a second session."""
    import subprocess

    from conftest import APP_BIN

    create_admin(app)
    app.click("app-about")
    app.wait("about-dialog")
    assert app.text("about-data-dir") == str(app.data_dir)
    assert app.text("about-log-dir") == str(app.data_dir / "logs")
    assert app.attr("about-mode", "data-mode") == "standalone"
    assert len(app.driver.find_elements("css selector", '[data-testid="about-library"]')) > 100
    app.screenshot(ARTIFACTS / "about.png")
    app.click("about-close")
    app.wait_gone("about-dialog")
    # The log file is written in the data folder's logs/ (this run gave --data-dir).
    assert any(p.name.startswith("household-services") for p in (app.data_dir / "logs").iterdir())

    second = subprocess.run(
        [str(APP_BIN), "--data-dir", str(app.data_dir)], capture_output=True, timeout=60, check=False
    )
    assert second.returncode == 0, second.stderr.decode(errors="replace")[-2000:]
    assert b"already running on this data folder" in second.stdout + second.stderr
    # The first window carries on.
    app.click("app-about")
    app.wait("about-dialog")
