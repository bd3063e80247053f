"""Issue 3, end to end: the administrator's dashboard, approving a professional, blocking
and unblocking a customer, and adding a service — on the demo data set. Issue 14: a
password-reset code issued by the admin and used at the sign-in screen."""

from __future__ import annotations

from flows import (
    ADMIN,
    DEMO_PASSWORD,
    create_admin_with_demo,
    login_expect_account_state,
    login_expect_error,
    login_expect_home,
    logout,
    open_person,
    switch_user,
)
from helpers import ARTIFACTS, App


def test_dashboard_charts_and_new_service(app: App):
    create_admin_with_demo(app)
    assert "demo-password-2026" in app.text("demo-password")

    # The charts are drawn from the demo requests.
    app.wait("chart-per-day")
    app.wait("chart-by-status")
    assert len(app.all_attrs("top-service-row", "data-testid")) > 0, "no top services on the dashboard"
    assert int(app.text("awaiting-approval-count")) == 2  # kiran.r and sanjay.p

    # Screenshot of the dashboard as an administrator sees it once the demo card is read.
    app.click("demo-summary-dismiss")
    app.wait_gone("demo-summary")
    app.wait_canvas_settled("chart-per-day")
    app.wait_canvas_settled("chart-by-status")
    app.doc_screenshot("screenshot-dashboard.png")

    # A new service in the catalogue.
    app.click("nav-services")
    app.wait("service-row", service_name="Plumbing")
    app.click("service-new")
    app.wait("service-form")
    app.fill(
        service_name="Window cleaning",
        service_description="Inside and outside panes, frames and sills.",
        service_price="349.00",
        service_minutes="90",
    )
    app.click("service-save")
    app.wait_gone("service-form")
    row = app.wait("service-row", service_name="Window cleaning")
    assert "349.00" in row.text, row.text
    assert "1 h 30 min" in row.text, row.text
    assert row.find_element("css selector", '[data-testid="service-active-badge"]').text == "Active"


def test_approve_pending_professional(app: App):
    create_admin_with_demo(app)
    logout(app)

    # A pending professional cannot sign in yet and is told why.
    code, text = login_expect_account_state(app, "sanjay.p", DEMO_PASSWORD)
    assert code == "approval_pending", (code, text)
    assert "awaiting approval" in text, text
    code, text = login_expect_account_state(app, "kiran.r", DEMO_PASSWORD)
    assert code == "approval_pending", (code, text)

    login_expect_home(app, ADMIN.username, ADMIN.password, "Admin")
    app.click("nav-people")
    app.wait_until(
        lambda: "kiran.r" in app.all_attrs("person-row", "data-username"),
        lambda: f"People shows {app.all_attrs('person-row', 'data-username')}",
    )
    app.doc_screenshot("screenshot-people.png")
    open_person(app, "kiran.r")
    app.wait_attr("person-verification", "data-status", "pending")
    app.click("person-approve")
    app.wait("confirm-dialog")
    app.click("confirm-ok")
    app.wait_gone("confirm-dialog")
    app.wait_attr("person-verification", "data-status", "approved")
    assert not app.is_visible("person-approve")

    # Approved: kiran.r signs in (by username) to the professional home.
    switch_user(app, "kiran.r", DEMO_PASSWORD, "Professional")
    assert app.text("role-badge") == "Professional"


def test_block_and_unblock_customer(app: App):
    create_admin_with_demo(app)

    open_person(app, "rahul.v")
    app.wait_attr("person-status", "data-status", "active")
    app.click("person-block")
    app.wait("block-dialog")
    app.type("block-reason", "Repeated no-shows")
    app.click("block-confirm")
    app.wait_gone("block-dialog")
    app.wait_attr("person-status", "data-status", "blocked")
    assert "Repeated no-shows" in app.text("blocked-reason")

    # Blocked: the sign-in is refused with the reason.
    logout(app)
    code, text = login_expect_account_state(app, "rahul.v", DEMO_PASSWORD)
    assert code == "account_blocked", (code, text)
    assert "blocked" in text and "Repeated no-shows" in text, text

    # Unblocked: rahul.v signs in again.
    login_expect_home(app, ADMIN.username, ADMIN.password, "Admin")
    open_person(app, "rahul.v")
    app.wait_attr("person-status", "data-status", "blocked")
    app.click("person-unblock")
    app.wait_attr("person-status", "data-status", "active")
    assert not app.is_visible("blocked-reason")
    switch_user(app, "rahul.v", DEMO_PASSWORD, "Customer")


def test_admin_reset_code_lets_a_customer_set_a_new_password(app: App):
    create_admin_with_demo(app)

    # The admin issues a one-time code for rahul.v, who forgot his password.
    open_person(app, "rahul.v")
    app.click("person-reset-password")
    app.wait("reset-code-dialog")
    code = app.text("reset-code")
    assert len(code) == 9 and code[4] == "-", code
    app.screenshot(ARTIFACTS / "admin-reset-code.png")
    app.click("reset-code-done")
    app.wait_gone("reset-code-dialog")

    # At the sign-in screen: "Forgot your password?", the code typed loosely, a new password.
    logout(app)
    app.click("link-forgot-password")
    app.wait("reset-code")
    new_password = "Rahul-New-Passw0rd!"
    app.fill(
        reset_login="rahul.v",
        reset_code=code.lower().replace("-", " "),
        reset_new_password=new_password,
        reset_confirm=new_password,
    )
    app.click("reset-submit")
    app.wait("login-identifier")

    # The old password no longer works; the new one does.
    assert "incorrect" in login_expect_error(app, "rahul.v", DEMO_PASSWORD)
    login_expect_home(app, "rahul.v", new_password, "Customer")

    # The code worked once: used again, it is refused under its field.
    logout(app)
    app.click("link-forgot-password")
    app.fill(
        reset_login="rahul.v",
        reset_code=code,
        reset_new_password="Another-Passw0rd!!",
        reset_confirm="Another-Passw0rd!!",
    )
    app.click("reset-submit")
    app.wait_until(
        lambda: app.attr("reset-code", "aria-invalid") == "true",
        "a used code was not refused",
    )


def test_admin_backs_up_now_and_switches_on_daily_backups(app: App):
    create_admin_with_demo(app)
    app.click("nav-system")
    app.click("nav-backups")
    app.wait("backup-empty")
    app.click("backup-now")
    app.wait("backup-row")
    assert app.all_attrs("backup-row", "data-file")[0].startswith("household-backup-")
    # The row says what the verified backup holds (the demo business's people and requests).
    assert "requests" in app.text("backup-row") and "documents" in app.text("backup-row")

    app.click("backup-daily")
    app.type("backup-keep", "0")
    app.click("backup-save")
    app.wait_until(lambda: app.attr("backup-keep", "aria-invalid") == "true", "keep 0 was accepted")
    app.type("backup-keep", "5")
    app.click("backup-save")
    app.wait_until(lambda: app.attr("backup-keep", "aria-invalid") is None, "keep 5 was refused")
    app.screenshot(ARTIFACTS / "admin-backups.png")
